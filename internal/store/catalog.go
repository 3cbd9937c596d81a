package store

import (
	"encoding/json"

	"github.com/parleyhq/parley"
)

const productCols = `p.id, p.marketplace_id, p.external_id, p.seller_org_id, o.external_id, p.kind, p.title, p.code, p.tags, p.category,
	p.price_amount, p.price_currency, p.price_unit, p.url, p.agents, p.category_translations`

func scanProduct(row interface{ Scan(...any) error }) (parley.Product, error) {
	var p parley.Product
	var tags, cat, agents, catTr string
	err := row.Scan(&p.ID, &p.MarketplaceID, &p.ExternalID, &p.SellerOrgID, &p.Seller, &p.Kind, &p.Title, &p.Code, &tags, &cat,
		&p.Price.Amount, &p.Price.Currency, &p.Price.Unit, &p.URL, &agents, &catTr)
	if err != nil {
		return p, mapError(err)
	}
	json.Unmarshal([]byte(tags), &p.Tags)
	json.Unmarshal([]byte(cat), &p.Category)
	json.Unmarshal([]byte(agents), &p.Agents)
	json.Unmarshal([]byte(catTr), &p.CategoryTranslations)
	return p, nil
}

// ProductByExternalID returns a marketplace's product by the host's id.
func ProductByExternalID(q Querier, marketplaceID int64, externalID string) (parley.Product, error) {
	return scanProduct(q.QueryRow(`SELECT `+productCols+` FROM products p JOIN organizations o ON o.id = p.seller_org_id
		WHERE p.marketplace_id = ? AND p.external_id = ?`, marketplaceID, externalID))
}

// ProductByID returns a product by Parley's id.
func ProductByID(q Querier, id int64) (parley.Product, error) {
	return scanProduct(q.QueryRow(`SELECT `+productCols+` FROM products p JOIN organizations o ON o.id = p.seller_org_id WHERE p.id = ?`, id))
}

// UpsertProduct creates or updates a product and reports whether it was created.
func UpsertProduct(tx *Tx, p parley.Product) (bool, error) {
	now := Micros(tx.Now())
	tags, _ := json.Marshal(nonNil(p.Tags))
	cat, _ := json.Marshal(nonNil(p.Category))
	agents, _ := json.Marshal(nonNil(p.Agents))
	catTr := []byte("{}")
	if len(p.CategoryTranslations) > 0 {
		catTr, _ = json.Marshal(p.CategoryTranslations)
	}
	res, err := tx.Exec(`UPDATE products SET seller_org_id = ?, kind = ?, title = ?, code = ?, tags = ?, category = ?, price_amount = ?,
		price_currency = ?, price_unit = ?, url = ?, agents = ?, updated_at = ?, category_translations = ? WHERE marketplace_id = ? AND external_id = ?`,
		p.SellerOrgID, p.Kind, p.Title, p.Code, string(tags), string(cat), p.Price.Amount, p.Price.Currency, p.Price.Unit, p.URL,
		string(agents), now, string(catTr), p.MarketplaceID, p.ExternalID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return false, nil
	}
	_, err = tx.Exec(`INSERT INTO products (marketplace_id, external_id, seller_org_id, kind, title, code, tags, category, price_amount,
		price_currency, price_unit, url, agents, created_at, updated_at, category_translations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.MarketplaceID, p.ExternalID, p.SellerOrgID, p.Kind, p.Title, p.Code, string(tags), string(cat), p.Price.Amount,
		p.Price.Currency, p.Price.Unit, p.URL, string(agents), now, now, string(catTr))
	return err == nil, err
}

const orderCols = `o.id, o.marketplace_id, o.external_id, o.buyer_user_id, u.external_id, o.seller_org_id, s.external_id, o.status, o.items, o.placed_at`

const orderFrom = ` FROM orders o JOIN users u ON u.id = o.buyer_user_id JOIN organizations s ON s.id = o.seller_org_id`

func scanOrder(row interface{ Scan(...any) error }) (parley.Order, error) {
	var o parley.Order
	var items string
	var placed int64
	err := row.Scan(&o.ID, &o.MarketplaceID, &o.ExternalID, &o.BuyerUserID, &o.Buyer, &o.SellerOrgID, &o.Seller, &o.Status, &items, &placed)
	if err != nil {
		return o, mapError(err)
	}
	json.Unmarshal([]byte(items), &o.Items)
	o.PlacedAt = FromMicros(placed)
	return o, nil
}

// OrderByExternalID returns a marketplace's order by the host's id.
func OrderByExternalID(q Querier, marketplaceID int64, externalID string) (parley.Order, error) {
	return scanOrder(q.QueryRow(`SELECT `+orderCols+orderFrom+` WHERE o.marketplace_id = ? AND o.external_id = ?`, marketplaceID, externalID))
}

// OrderByID returns an order by Parley's id.
func OrderByID(q Querier, id int64) (parley.Order, error) {
	return scanOrder(q.QueryRow(`SELECT `+orderCols+orderFrom+` WHERE o.id = ?`, id))
}

// UpsertOrder creates or updates an order and reports whether it was created.
func UpsertOrder(tx *Tx, o parley.Order) (int64, bool, error) {
	now := Micros(tx.Now())
	items, _ := json.Marshal(nonNilItems(o.Items))
	existing, err := OrderByExternalID(tx, o.MarketplaceID, o.ExternalID)
	if err == ErrNotFound {
		var id int64
		err := tx.QueryRow(`INSERT INTO orders (marketplace_id, external_id, buyer_user_id, seller_org_id, status, items, placed_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.MarketplaceID, o.ExternalID, o.BuyerUserID, o.SellerOrgID, o.Status,
			string(items), Micros(o.PlacedAt), now, now).Scan(&id)
		return id, true, mapError(err)
	} else if err != nil {
		return 0, false, err
	}
	_, err = tx.Exec(`UPDATE orders SET buyer_user_id = ?, seller_org_id = ?, status = ?, items = ?, placed_at = ?, updated_at = ? WHERE id = ?`,
		o.BuyerUserID, o.SellerOrgID, o.Status, string(items), Micros(o.PlacedAt), now, existing.ID)
	return existing.ID, false, err
}

// SetOrderStatus changes an order's status.
func SetOrderStatus(tx *Tx, orderID int64, status string) error {
	_, err := tx.Exec(`UPDATE orders SET status = ?, updated_at = ? WHERE id = ?`, status, Micros(tx.Now()), orderID)
	return err
}

// AddOrderEvent appends an event to an order's timeline.
func AddOrderEvent(tx *Tx, orderID int64, e parley.OrderEvent) error {
	data := string(e.Data)
	if data == "" {
		data = "{}"
	}
	_, err := tx.Exec(`INSERT INTO order_events (order_id, type, at, data) VALUES (?, ?, ?, ?)`, orderID, e.Type, Micros(e.At), data)
	return err
}

// OrderEvents returns an order's timeline, oldest first.
func OrderEvents(q Querier, orderID int64) ([]parley.OrderEvent, error) {
	rows, err := q.Query(`SELECT type, at, data FROM order_events WHERE order_id = ? ORDER BY at, id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []parley.OrderEvent{}
	for rows.Next() {
		var e parley.OrderEvent
		var at int64
		var data string
		if err := rows.Scan(&e.Type, &at, &data); err != nil {
			return nil, err
		}
		e.At = FromMicros(at)
		e.Data = []byte(data)
		out = append(out, e)
	}
	return out, rows.Err()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilItems(s []parley.OrderItem) []parley.OrderItem {
	if s == nil {
		return []parley.OrderItem{}
	}
	return s
}
