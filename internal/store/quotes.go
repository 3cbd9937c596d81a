package store

import (
	"time"
)

// Quote form scopes.
const (
	QuoteFormCategory = "category"
	QuoteFormProduct  = "product"
)

// QuoteForm is a stored form: its steps JSON (translations included) and
// the language of its plain strings ("" for forms sent without one).
type QuoteForm struct {
	Steps  string
	Locale string
}

// PutQuoteForm creates or replaces the form of a scope and path; empty
// steps JSON ("[]") keeps the row, which hides a parent category's form.
func PutQuoteForm(tx *Tx, marketplaceID int64, scope, path string, f QuoteForm) (bool, error) {
	now := Micros(tx.Now())
	res, err := tx.Exec(`UPDATE quote_forms SET steps = ?, locale = ?, updated_at = ? WHERE marketplace_id = ? AND scope = ? AND path = ?`,
		f.Steps, f.Locale, now, marketplaceID, scope, path)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return false, nil
	}
	_, err = tx.Exec(`INSERT INTO quote_forms (marketplace_id, scope, path, steps, locale, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		marketplaceID, scope, path, f.Steps, f.Locale, now)
	return err == nil, mapError(err)
}

// QuoteFormOf returns the form of a scope and path, or ErrNotFound.
func QuoteFormOf(q Querier, marketplaceID int64, scope string, path string) (QuoteForm, error) {
	var f QuoteForm
	err := q.QueryRow(`SELECT steps, locale FROM quote_forms WHERE marketplace_id = ? AND scope = ? AND path = ?`, marketplaceID, scope, path).Scan(&f.Steps, &f.Locale)
	return f, mapError(err)
}

// QuoteSettings is a marketplace's quote configuration.
type QuoteSettings struct {
	CartURL    string
	Parameters string // JSON list
}

// PutQuoteSettings creates or replaces a marketplace's quote settings.
func PutQuoteSettings(tx *Tx, marketplaceID int64, s QuoteSettings) (bool, error) {
	now := Micros(tx.Now())
	res, err := tx.Exec(`UPDATE quote_settings SET cart_url = ?, parameters = ?, updated_at = ? WHERE marketplace_id = ?`,
		s.CartURL, s.Parameters, now, marketplaceID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return false, nil
	}
	_, err = tx.Exec(`INSERT INTO quote_settings (marketplace_id, cart_url, parameters, updated_at) VALUES (?, ?, ?, ?)`,
		marketplaceID, s.CartURL, s.Parameters, now)
	return err == nil, mapError(err)
}

// QuoteSettingsFor returns a marketplace's quote settings; a marketplace
// without any has none (no cart URL, no parameters).
func QuoteSettingsFor(q Querier, marketplaceID int64) (QuoteSettings, error) {
	s := QuoteSettings{Parameters: "[]"}
	err := mapError(q.QueryRow(`SELECT cart_url, parameters FROM quote_settings WHERE marketplace_id = ?`, marketplaceID).Scan(&s.CartURL, &s.Parameters))
	if err == ErrNotFound {
		return s, nil
	}
	return s, err
}

// PutQuoteRequest records (or replaces) a quote conversation's form answers.
func PutQuoteRequest(tx *Tx, conversationID, productID int64, answers string) error {
	now := Micros(tx.Now())
	res, err := tx.Exec(`UPDATE quote_requests SET product_id = ?, answers = ?, updated_at = ? WHERE conversation_id = ?`,
		productID, answers, now, conversationID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.Exec(`INSERT INTO quote_requests (conversation_id, product_id, answers, updated_at) VALUES (?, ?, ?, ?)`,
		conversationID, productID, answers, now)
	return mapError(err)
}

// QuoteRequestRow is a quote conversation's request.
type QuoteRequestRow struct {
	ConversationID int64
	ProductID      int64
	Answers        string
	UpdatedAt      time.Time
}

// QuoteRequestFor returns a conversation's request, or ErrNotFound.
func QuoteRequestFor(q Querier, conversationID int64) (QuoteRequestRow, error) {
	r := QuoteRequestRow{ConversationID: conversationID}
	var at int64
	err := q.QueryRow(`SELECT product_id, answers, updated_at FROM quote_requests WHERE conversation_id = ?`, conversationID).Scan(&r.ProductID, &r.Answers, &at)
	r.UpdatedAt = FromMicros(at)
	return r, mapError(err)
}

// Quote states.
const (
	QuoteOffered  = "offered"
	QuoteAccepted = "accepted"
	QuoteDeclined = "declined"
	QuoteExpired  = "expired"
)

// QuoteRow is a quote with its current version number.
type QuoteRow struct {
	ID             int64
	MarketplaceID  int64
	ConversationID int64
	ProductID      int64
	BuyerUserID    int64
	SellerOrgID    int64
	State          string
	Version        int64
	Currency       string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// QuoteVersionRow is one version of a quote; JSON columns stay JSON.
type QuoteVersionRow struct {
	QuoteID      int64
	Version      int64
	Inputs       string
	Lines        string
	Adjustments  string
	TotalMinor   int64
	Note         string
	ValidUntil   time.Time
	AuthorUserID int64
	MessageID    int64
	CreatedAt    time.Time
}

const quoteCols = `id, marketplace_id, conversation_id, product_id, buyer_user_id, seller_org_id, state, version, currency, created_at, updated_at`

func scanQuote(row Row) (QuoteRow, error) {
	var r QuoteRow
	var created, updated int64
	err := row.Scan(&r.ID, &r.MarketplaceID, &r.ConversationID, &r.ProductID, &r.BuyerUserID, &r.SellerOrgID, &r.State, &r.Version,
		&r.Currency, &created, &updated)
	r.CreatedAt, r.UpdatedAt = FromMicros(created), FromMicros(updated)
	return r, mapError(err)
}

// QuoteByID returns a quote, or ErrNotFound.
func QuoteByID(q Querier, id int64) (QuoteRow, error) {
	return scanQuote(q.QueryRow(`SELECT `+quoteCols+` FROM quotes WHERE id = ?`, id))
}

// QuoteForUpdate returns a quote inside a write, holding its row
// (PostgreSQL) so that two offers or an offer and an accept take turns.
func QuoteForUpdate(tx *Tx, id int64) (QuoteRow, error) {
	q := `SELECT ` + quoteCols + ` FROM quotes WHERE id = ?`
	if tx.dialect() == Postgres {
		q += ` FOR UPDATE`
	}
	return scanQuote(tx.QueryRow(q, id))
}

// LatestQuote returns a conversation's newest quote, or ErrNotFound.
func LatestQuote(q Querier, conversationID int64) (QuoteRow, error) {
	return scanQuote(q.QueryRow(`SELECT `+quoteCols+` FROM quotes WHERE conversation_id = ? ORDER BY id DESC LIMIT 1`, conversationID))
}

// QuotesOf returns a conversation's quotes, oldest first.
func QuotesOf(q Querier, conversationID int64) ([]QuoteRow, error) {
	rows, err := q.Query(`SELECT `+quoteCols+` FROM quotes WHERE conversation_id = ? ORDER BY id`, conversationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QuoteRow
	for rows.Next() {
		r, err := scanQuote(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InsertQuote creates a quote (version 1, offered) and returns its id.
func InsertQuote(tx *Tx, r QuoteRow) (int64, error) {
	now := Micros(tx.Now())
	var id int64
	err := tx.QueryRow(`INSERT INTO quotes (marketplace_id, conversation_id, product_id, buyer_user_id, seller_org_id, state, version, currency,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id`, r.MarketplaceID, r.ConversationID, r.ProductID,
		r.BuyerUserID, r.SellerOrgID, QuoteOffered, r.Currency, now, now).Scan(&id)
	return id, mapError(err)
}

// SetQuoteVersion makes version the quote's current one (offered again).
func SetQuoteVersion(tx *Tx, id, version int64, currency string) error {
	_, err := tx.Exec(`UPDATE quotes SET version = ?, state = ?, currency = ?, updated_at = ? WHERE id = ?`,
		version, QuoteOffered, currency, Micros(tx.Now()), id)
	return err
}

// SetQuoteState moves a quote from one state to another on its current
// version; it reports false when the quote was not in state from at
// that version (someone else got there first).
func SetQuoteState(tx *Tx, id, version int64, from, to string) (bool, error) {
	res, err := tx.Exec(`UPDATE quotes SET state = ?, updated_at = ? WHERE id = ? AND version = ? AND state = ?`,
		to, Micros(tx.Now()), id, version, from)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// InsertQuoteVersion stores a version of a quote.
func InsertQuoteVersion(tx *Tx, v QuoteVersionRow) error {
	_, err := tx.Exec(`INSERT INTO quote_versions (quote_id, version, inputs, lines, adjustments, total_minor, note, valid_until,
		author_user_id, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.QuoteID, v.Version, v.Inputs, v.Lines,
		v.Adjustments, v.TotalMinor, v.Note, Micros(v.ValidUntil), v.AuthorUserID, v.MessageID, Micros(tx.Now()))
	return mapError(err)
}

// SetQuoteVersionMessage records the message that announced a version.
func SetQuoteVersionMessage(tx *Tx, quoteID, version, messageID int64) error {
	_, err := tx.Exec(`UPDATE quote_versions SET message_id = ? WHERE quote_id = ? AND version = ?`, messageID, quoteID, version)
	return err
}

// QuoteVersions returns a quote's versions, newest first.
func QuoteVersions(q Querier, quoteID int64) ([]QuoteVersionRow, error) {
	rows, err := q.Query(`SELECT quote_id, version, inputs, lines, adjustments, total_minor, note, valid_until, author_user_id, message_id, created_at
		FROM quote_versions WHERE quote_id = ? ORDER BY version DESC`, quoteID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QuoteVersionRow
	for rows.Next() {
		var v QuoteVersionRow
		var valid, created int64
		if err := rows.Scan(&v.QuoteID, &v.Version, &v.Inputs, &v.Lines, &v.Adjustments, &v.TotalMinor, &v.Note, &valid, &v.AuthorUserID,
			&v.MessageID, &created); err != nil {
			return nil, err
		}
		v.ValidUntil, v.CreatedAt = FromMicros(valid), FromMicros(created)
		out = append(out, v)
	}
	return out, rows.Err()
}

// EnsureQuoteKey stores the candidate link-signing secret unless one
// exists, and returns the stored one.
func EnsureQuoteKey(tx *Tx, candidate string) (string, error) {
	if _, err := tx.Exec(`INSERT INTO quote_keys (id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`,
		candidate, Micros(tx.Now())); err != nil {
		return "", err
	}
	return StoredQuoteKey(tx)
}

// StoredQuoteKey returns the link-signing secret, or ErrNotFound.
func StoredQuoteKey(q Querier) (string, error) {
	var s string
	err := q.QueryRow(`SELECT secret FROM quote_keys WHERE id = 1`).Scan(&s)
	return s, mapError(err)
}
