package store

import (
	"time"

	"github.com/parleyhq/parley"
)

const marketplaceCols = `id, slug, name, sso_secret, archive_after_us, ticket_autoclose_us, unread_mail_after_us, sso_issuer, sso_audience`

func scanMarketplace(row interface{ Scan(...any) error }) (parley.Marketplace, error) {
	var m parley.Marketplace
	var archive, autoclose, unread int64
	err := row.Scan(&m.ID, &m.Slug, &m.Name, &m.SSOSecret, &archive, &autoclose, &unread, &m.SSOIssuer, &m.SSOAudience)
	m.ArchiveAfter = time.Duration(archive) * time.Microsecond
	m.TicketAutoclose = time.Duration(autoclose) * time.Microsecond
	m.UnreadMailAfter = time.Duration(unread) * time.Microsecond
	return m, mapError(err)
}

// MarketplaceBySlug returns the marketplace with the slug.
func MarketplaceBySlug(q Querier, slug string) (parley.Marketplace, error) {
	return scanMarketplace(q.QueryRow(`SELECT `+marketplaceCols+` FROM marketplaces WHERE slug = ?`, slug))
}

// MarketplaceByID returns the marketplace with the id.
func MarketplaceByID(q Querier, id int64) (parley.Marketplace, error) {
	return scanMarketplace(q.QueryRow(`SELECT `+marketplaceCols+` FROM marketplaces WHERE id = ?`, id))
}

// EnsureMarketplace creates the marketplace with the slug unless it exists.
func EnsureMarketplace(tx *Tx, slug, name string) (parley.Marketplace, error) {
	if _, err := tx.Exec(`INSERT INTO marketplaces (slug, name, created_at) VALUES (?, ?, ?) ON CONFLICT (slug) DO NOTHING`,
		slug, name, Micros(tx.Now())); err != nil {
		return parley.Marketplace{}, err
	}
	return MarketplaceBySlug(tx, slug)
}

// UpdateMarketplaceSettings stores the marketplace's sign-in settings and
// periods.
func UpdateMarketplaceSettings(tx *Tx, m parley.Marketplace) error {
	_, err := tx.Exec(`UPDATE marketplaces SET name = ?, sso_secret = ?, archive_after_us = ?, ticket_autoclose_us = ?, unread_mail_after_us = ?,
		sso_issuer = ?, sso_audience = ? WHERE id = ?`,
		m.Name, m.SSOSecret, m.ArchiveAfter.Microseconds(), m.TicketAutoclose.Microseconds(), m.UnreadMailAfter.Microseconds(),
		m.SSOIssuer, m.SSOAudience, m.ID)
	return err
}

// APIKeyMarketplace returns the marketplace of a live API key by its hash.
func APIKeyMarketplace(q Querier, keyHash string) (int64, error) {
	var id int64
	err := q.QueryRow(`SELECT marketplace_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL`, keyHash).Scan(&id)
	return id, mapError(err)
}

// EnsureAPIKey stores a key hash for the marketplace unless present.
func EnsureAPIKey(tx *Tx, marketplaceID int64, name, keyHash string) error {
	_, err := tx.Exec(`INSERT INTO api_keys (marketplace_id, name, key_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key_hash) DO NOTHING`,
		marketplaceID, name, keyHash, Micros(tx.Now()))
	return err
}
