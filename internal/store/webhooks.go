package store

// InsertWebhook stores a host's webhook endpoint and returns its id.
func InsertWebhook(tx *Tx, marketplaceID int64, url, eventsJSON, secret string) (int64, error) {
	var id int64
	err := tx.QueryRow(`INSERT INTO webhooks (marketplace_id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		marketplaceID, url, eventsJSON, secret, Micros(tx.Now())).Scan(&id)
	return id, mapError(err)
}

// Webhook is a host's endpoint for events.
type Webhook struct {
	ID            int64
	MarketplaceID int64
	URL           string
	Events        string // JSON array of event types; "*" is every event
	Secret        string
}

// Webhooks returns a marketplace's webhook endpoints.
func Webhooks(q Querier, marketplaceID int64) ([]Webhook, error) {
	rows, err := q.Query(`SELECT id, marketplace_id, url, events, secret FROM webhooks WHERE marketplace_id = ? ORDER BY id`, marketplaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var w Webhook
		if err := rows.Scan(&w.ID, &w.MarketplaceID, &w.URL, &w.Events, &w.Secret); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// WebhookByID returns one webhook endpoint.
func WebhookByID(q Querier, id int64) (Webhook, error) {
	var w Webhook
	err := q.QueryRow(`SELECT id, marketplace_id, url, events, secret FROM webhooks WHERE id = ?`, id).Scan(&w.ID, &w.MarketplaceID, &w.URL, &w.Events, &w.Secret)
	return w, mapError(err)
}
