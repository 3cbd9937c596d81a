package store

import "time"

// BuyerRecord is what a buyer did with some seller companies: how many
// conversations and orders, and the latest orders.
type BuyerRecord struct {
	Conversations int64
	Orders        int64
	LatestOrders  []BuyerOrder
}

// BuyerOrder is one order in a BuyerRecord.
type BuyerOrder struct {
	ExternalID string
	Status     string
	PlacedAt   time.Time
}

// BuyerRecordWith counts the buyer's conversations and orders with the
// seller companies orgIDs (all of the marketplace's when all is set) and
// lists the five latest orders.
func BuyerRecordWith(q Querier, marketplaceID, buyerUserID int64, orgIDs []int64, all bool) (BuyerRecord, error) {
	var r BuyerRecord
	scope := func(b *builder, col string) {
		if !all {
			b.w(` AND `).in(col, orgIDs)
		}
	}
	b := &builder{}
	b.w(`SELECT (SELECT COUNT(*) FROM conversations c WHERE c.marketplace_id = ? AND c.buyer_user_id = ?`, marketplaceID, buyerUserID)
	scope(b, "c.seller_org_id")
	b.w(`), (SELECT COUNT(*) FROM orders o WHERE o.marketplace_id = ? AND o.buyer_user_id = ?`, marketplaceID, buyerUserID)
	scope(b, "o.seller_org_id")
	b.w(`)`)
	if err := q.QueryRow(b.String(), b.args...).Scan(&r.Conversations, &r.Orders); err != nil {
		return r, err
	}
	b = &builder{}
	b.w(`SELECT o.external_id, o.status, o.placed_at FROM orders o WHERE o.marketplace_id = ? AND o.buyer_user_id = ?`, marketplaceID, buyerUserID)
	scope(b, "o.seller_org_id")
	b.w(` ORDER BY o.placed_at DESC, o.id DESC LIMIT 5`)
	rows, err := q.Query(b.String(), b.args...)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var o BuyerOrder
		var placed int64
		if err := rows.Scan(&o.ExternalID, &o.Status, &placed); err != nil {
			return r, err
		}
		o.PlacedAt = FromMicros(placed)
		r.LatestOrders = append(r.LatestOrders, o)
	}
	return r, rows.Err()
}
