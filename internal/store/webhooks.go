package store

import (
	"strings"
	"time"
	"unicode/utf8"
)

// InsertWebhook stores a host's webhook endpoint and returns its id.
func InsertWebhook(tx *Tx, marketplaceID int64, url, eventsJSON, secret string) (int64, error) {
	var id int64
	err := tx.QueryRow(`INSERT INTO webhooks (marketplace_id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		marketplaceID, url, eventsJSON, secret, Micros(tx.Now())).Scan(&id)
	return id, mapError(err)
}

// Webhook is a host's endpoint for events, with the health of its
// deliveries.
type Webhook struct {
	ID            int64
	MarketplaceID int64
	URL           string
	Events        string // JSON array of event types; "*" is every event
	Secret        string
	CreatedAt     time.Time
	LastSuccessAt time.Time // zero: no delivery succeeded yet
	LastFailureAt time.Time // zero: no attempt failed yet
	LastError     string    // of the last failed attempt
	Failing       int       // attempts failed in a row since the last success
}

const webhookCols = `id, marketplace_id, url, events, secret, created_at, last_success_at, last_failure_at, last_error, failing`

func scanWebhook(row Row) (Webhook, error) {
	var w Webhook
	var created, success, failure int64
	err := row.Scan(&w.ID, &w.MarketplaceID, &w.URL, &w.Events, &w.Secret, &created, &success, &failure, &w.LastError, &w.Failing)
	if err != nil {
		return Webhook{}, mapError(err)
	}
	w.CreatedAt = FromMicros(created)
	if success != 0 {
		w.LastSuccessAt = FromMicros(success)
	}
	if failure != 0 {
		w.LastFailureAt = FromMicros(failure)
	}
	return w, nil
}

// Webhooks returns a marketplace's webhook endpoints, oldest first.
func Webhooks(q Querier, marketplaceID int64) ([]Webhook, error) {
	rows, err := q.Query(`SELECT `+webhookCols+` FROM webhooks WHERE marketplace_id = ? ORDER BY id`, marketplaceID)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, mapError(rows.Err())
}

// WebhookByID returns one webhook endpoint.
func WebhookByID(q Querier, id int64) (Webhook, error) {
	return scanWebhook(q.QueryRow(`SELECT `+webhookCols+` FROM webhooks WHERE id = ?`, id))
}

// DeleteWebhook removes a marketplace's webhook endpoint; ErrNotFound when
// the marketplace has no endpoint with that id.
func DeleteWebhook(tx *Tx, marketplaceID, id int64) error {
	res, err := tx.Exec(`DELETE FROM webhooks WHERE id = ? AND marketplace_id = ?`, id, marketplaceID)
	if err != nil {
		return mapError(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// maxWebhookError bounds the last error kept for the host to read.
const maxWebhookError = 500

// RecordWebhookAttempt notes the outcome of one delivery attempt to an
// endpoint: a success resets the failures in a row, a failure (errText not
// empty) counts one and keeps its error. An endpoint removed meanwhile is
// no error.
func RecordWebhookAttempt(tx *Tx, id int64, errText string) error {
	now := Micros(tx.Now())
	var err error
	if errText == "" {
		_, err = tx.Exec(`UPDATE webhooks SET last_success_at = ?, failing = 0 WHERE id = ?`, now, id)
	} else {
		errText = safeText(errText, maxWebhookError)
		_, err = tx.Exec(`UPDATE webhooks SET last_failure_at = ?, last_error = ?, failing = failing + 1 WHERE id = ?`, now, errText, id)
	}
	return mapError(err)
}

// safeText is s as PostgreSQL and SQLite both keep it in TEXT (valid UTF-8
// without NUL bytes), cut to at most n bytes on a character boundary.
func safeText(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
