package store

import (
	"strings"

	"github.com/parleyhq/parley"
)

const userCols = `id, marketplace_id, external_id, email, name, locale, is_operator, password_hash, created_at`

func scanUser(row interface{ Scan(...any) error }) (parley.User, error) {
	var u parley.User
	var op int64
	var created int64
	err := row.Scan(&u.ID, &u.MarketplaceID, &u.ExternalID, &u.Email, &u.Name, &u.Locale, &op, &u.PasswordHash, &created)
	u.IsOperator = op != 0
	u.CreatedAt = FromMicros(created)
	return u, mapError(err)
}

// UserByID returns a user by Parley's id.
func UserByID(q Querier, id int64) (parley.User, error) {
	return scanUser(q.QueryRow(`SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// UserByExternalID returns a marketplace's user by the host's id.
func UserByExternalID(q Querier, marketplaceID int64, externalID string) (parley.User, error) {
	return scanUser(q.QueryRow(`SELECT `+userCols+` FROM users WHERE marketplace_id = ? AND external_id = ?`, marketplaceID, externalID))
}

// UserByEmail returns the marketplace's local account with the email.
func UserByEmail(q Querier, marketplaceID int64, email string) (parley.User, error) {
	return scanUser(q.QueryRow(`SELECT `+userCols+` FROM users WHERE marketplace_id = ? AND email = ? AND password_hash <> '' ORDER BY id LIMIT 1`,
		marketplaceID, strings.ToLower(strings.TrimSpace(email))))
}

// UpsertUser creates or updates a user by (marketplace, external id). The
// password hash and operator flag are only written when set. It reports
// whether the user was created.
func UpsertUser(tx *Tx, u parley.User) (parley.User, bool, error) {
	now := Micros(tx.Now())
	existing, err := UserByExternalID(tx, u.MarketplaceID, u.ExternalID)
	email := strings.ToLower(strings.TrimSpace(u.Email))
	if u.Locale == "" {
		u.Locale = "en"
	}
	switch {
	case err == ErrNotFound:
		var op int64
		if u.IsOperator {
			op = 1
		}
		var id int64
		err := tx.QueryRow(`INSERT INTO users (marketplace_id, external_id, email, name, locale, is_operator, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.MarketplaceID, u.ExternalID, email, u.Name, u.Locale, op, u.PasswordHash, now, now).Scan(&id)
		if err != nil {
			return parley.User{}, false, mapError(err)
		}
		created, err := UserByID(tx, id)
		return created, true, err
	case err != nil:
		return parley.User{}, false, err
	}
	if u.PasswordHash == "" {
		u.PasswordHash = existing.PasswordHash
	}
	op := existing.IsOperator || u.IsOperator
	var opi int64
	if op {
		opi = 1
	}
	if _, err := tx.Exec(`UPDATE users SET email = ?, name = ?, locale = ?, is_operator = ?, password_hash = ?, updated_at = ? WHERE id = ?`,
		email, u.Name, u.Locale, opi, u.PasswordHash, now, existing.ID); err != nil {
		return parley.User{}, false, err
	}
	updated, err := UserByID(tx, existing.ID)
	return updated, false, err
}

func int64s(q Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
