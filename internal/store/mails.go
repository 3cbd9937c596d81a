package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// DevMail is a mail kept in the dev_mails table by the development mailbox
// instead of being sent.
type DevMail struct {
	ID            int64
	MarketplaceID int64 // the marketplace the mail is about; 0: none
	To            []string
	From          string
	Subject       string
	Text          string
	HTML          string
	CreatedAt     time.Time
}

const devMailCols = `id, mail_to, mail_from, subject, body_text, body_html, created_at, marketplace_id`

func scanDevMail(row interface{ Scan(...any) error }) (DevMail, error) {
	var m DevMail
	var to string
	var created int64
	if err := row.Scan(&m.ID, &to, &m.From, &m.Subject, &m.Text, &m.HTML, &created, &m.MarketplaceID); err != nil {
		return DevMail{}, mapError(err)
	}
	if err := json.Unmarshal([]byte(to), &m.To); err != nil {
		return DevMail{}, fmt.Errorf("dev mail %d: recipients: %w", m.ID, err)
	}
	m.CreatedAt = FromMicros(created)
	return m, nil
}

// InsertDevMail stores a mail and returns its id. Recipients are kept as a
// JSON array, so that no address syntax is needed to split them again.
func InsertDevMail(tx *Tx, m DevMail) (int64, error) {
	to := m.To
	if to == nil {
		to = []string{}
	}
	toJSON, err := json.Marshal(to)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(`INSERT INTO dev_mails (marketplace_id, mail_to, mail_from, subject, body_text, body_html, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.MarketplaceID, string(toJSON), m.From, m.Subject, m.Text, m.HTML, Micros(tx.Now())).Scan(&id)
	return id, mapError(err)
}

// DevMailByID returns a stored mail of the marketplace (AllMarketplaces: of
// any), or ErrNotFound.
func DevMailByID(q Querier, marketplaceID, id int64) (DevMail, error) {
	var b builder
	b.w(`SELECT `+devMailCols+` FROM dev_mails WHERE id = ?`, id)
	if marketplaceID != AllMarketplaces {
		b.w(` AND marketplace_id = ?`, marketplaceID)
	}
	return scanDevMail(q.QueryRow(b.String(), b.args...))
}

// DevMails lists the stored mails of a marketplace (AllMarketplaces: of
// all) newest first with keyset pagination: pass before = 0 for the first
// page and the last id seen for the next.
func DevMails(q Querier, marketplaceID, before int64, limit int) ([]DevMail, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	var b builder
	b.w(`SELECT `+devMailCols+` FROM dev_mails WHERE id < ?`, before)
	if marketplaceID != AllMarketplaces {
		b.w(` AND marketplace_id = ?`, marketplaceID)
	}
	b.w(` ORDER BY id DESC LIMIT ?`, limit)
	rows, err := q.Query(b.String(), b.args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var mails []DevMail
	for rows.Next() {
		m, err := scanDevMail(rows)
		if err != nil {
			return nil, err
		}
		mails = append(mails, m)
	}
	return mails, mapError(rows.Err())
}
