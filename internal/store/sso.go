package store

import (
	"fmt"
	"strings"
	"time"
)

// SignInTokenUsed reports whether a sign-in token's key is recorded as
// used (expired rows that the sweep has not deleted yet count: their
// tokens are refused for their exp anyway).
func SignInTokenUsed(q Querier, key string) (bool, error) {
	var n int64
	err := q.QueryRow(`SELECT COUNT(*) FROM used_sign_in_tokens WHERE token_key = ?`, key).Scan(&n)
	return n > 0, mapError(err)
}

// UseSignInToken records a sign-in token (by its key) as used until
// expires. It reports false, and records nothing, when the key was used
// already: a replay. The primary key decides, so two nodes (or two
// requests of one batch) that try the same token at once accept it once.
func UseSignInToken(tx *Tx, marketplaceID int64, key string, expires time.Time) (bool, error) {
	res, err := tx.Exec(`INSERT INTO used_sign_in_tokens (token_key, marketplace_id, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (token_key) DO NOTHING`, key, marketplaceID, Micros(expires))
	if err != nil {
		return false, fmt.Errorf("use sign-in token: %w", mapError(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteExpiredSignInTokens deletes up to limit used sign-in tokens that
// expired before the time and returns how many it deleted.
func DeleteExpiredSignInTokens(tx *Tx, before time.Time, limit int) (int, error) {
	res, err := tx.Exec(`DELETE FROM used_sign_in_tokens
		WHERE token_key IN (SELECT token_key FROM used_sign_in_tokens WHERE expires_at < ? ORDER BY expires_at LIMIT ?)`,
		Micros(before), limit)
	if err != nil {
		return 0, fmt.Errorf("delete expired sign-in tokens: %w", mapError(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// OtherUserWithEmail reports whether a user of the marketplace other than
// exceptID has the email (compared as stored: trimmed, lower case).
func OtherUserWithEmail(q Querier, marketplaceID int64, email string, exceptID int64) (bool, error) {
	var n int64
	err := q.QueryRow(`SELECT COUNT(*) FROM users WHERE marketplace_id = ? AND email = ? AND id <> ?`,
		marketplaceID, strings.ToLower(strings.TrimSpace(email)), exceptID).Scan(&n)
	return n > 0, mapError(err)
}
