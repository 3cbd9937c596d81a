package store

// InsertWebhook stores a host's webhook endpoint and returns its id.
func InsertWebhook(tx *Tx, marketplaceID int64, url, eventsJSON, secret string) (int64, error) {
	var id int64
	err := tx.QueryRow(`INSERT INTO webhooks (marketplace_id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		marketplaceID, url, eventsJSON, secret, Micros(tx.Now())).Scan(&id)
	return id, mapError(err)
}
