package store

// ExternalMarketplace is a marketplace outside Parley whose conversations a
// connector brings into the inbox (a conversation's channel, docs/design.md, "Names").
type ExternalMarketplace struct {
	ID   int64
	Slug string // stable, the inbox's filter value ("ebay")
	Name string // what people read ("eBay")
}

// EnsureExternalMarketplace returns the tenant's external marketplace with
// the slug, creating it, or renaming it when the name changed.
func EnsureExternalMarketplace(tx *Tx, marketplaceID int64, slug, name string) (ExternalMarketplace, error) {
	em := ExternalMarketplace{Slug: slug, Name: name}
	err := tx.QueryRow(`INSERT INTO external_marketplaces (marketplace_id, slug, name, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (marketplace_id, slug) DO UPDATE SET name = excluded.name RETURNING id`,
		marketplaceID, slug, name, Micros(tx.Now())).Scan(&em.ID)
	return em, mapError(err)
}

// ExternalMarketplacesForViewer returns the external marketplaces that at
// least one of the viewer's conversations comes from, by name.
func ExternalMarketplacesForViewer(q Querier, v Viewer) ([]ExternalMarketplace, error) {
	b := &builder{}
	b.w(`SELECT em.id, em.slug, em.name FROM external_marketplaces em WHERE em.marketplace_id = ?
		AND EXISTS (SELECT 1 FROM conversations c WHERE c.external_marketplace_id = em.id AND `, v.MarketplaceID)
	visible(b, v)
	b.w(`) ORDER BY LOWER(em.name), em.slug`)
	rows, err := q.Query(b.String(), b.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExternalMarketplace
	for rows.Next() {
		var em ExternalMarketplace
		if err := rows.Scan(&em.ID, &em.Slug, &em.Name); err != nil {
			return nil, err
		}
		out = append(out, em)
	}
	return out, rows.Err()
}
