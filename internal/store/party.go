package store

import (
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley"
)

// SellerRecord is what a buyer's profile of a seller company shows: its
// products and how fast it answers.
type SellerRecord struct {
	Products int64
	// ResponseTime is the median time from a conversation's first buyer
	// message to the seller's first answer after it, over the company's
	// latest answered conversations; Answered is how many it covers (zero:
	// no answer yet, ResponseTime is zero).
	ResponseTime time.Duration
	Answered     int
}

// responseSample bounds the conversations a response time is computed
// from: the latest ones by activity.
const responseSample = 200

// SellerRecordOf reads a seller company's record in its marketplace.
func SellerRecordOf(q Querier, marketplaceID, orgID int64) (SellerRecord, error) {
	var r SellerRecord
	if err := q.QueryRow(`SELECT COUNT(*) FROM products WHERE marketplace_id = ? AND seller_org_id = ?`, marketplaceID, orgID).Scan(&r.Products); err != nil {
		return r, err
	}
	// Per conversation: the first buyer message, then the first seller
	// message after it (by seq, the conversation's own order).
	rows, err := q.Query(`SELECT fb.created_at, (SELECT MIN(s.created_at) FROM messages s
			WHERE s.conversation_id = fb.conversation_id AND s.side = 'seller' AND s.seq > fb.seq)
		FROM (SELECT c.id, c.last_activity_at FROM conversations c WHERE c.marketplace_id = ? AND c.seller_org_id = ?
			ORDER BY c.last_activity_at DESC LIMIT ?) lc
		JOIN messages fb ON fb.conversation_id = lc.id AND fb.seq = (SELECT MIN(m.seq) FROM messages m
			WHERE m.conversation_id = lc.id AND m.side = 'buyer')`, marketplaceID, orgID, responseSample)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	var waits []int64
	for rows.Next() {
		var asked int64
		var answered *int64
		if err := rows.Scan(&asked, &answered); err != nil {
			return r, err
		}
		if answered != nil {
			waits = append(waits, max(0, *answered-asked))
		}
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	r.Answered = len(waits)
	if len(waits) > 0 {
		slices.Sort(waits)
		mid := waits[len(waits)/2]
		if len(waits)%2 == 0 {
			mid = (waits[len(waits)/2-1] + mid) / 2
		}
		r.ResponseTime = time.Duration(mid) * time.Microsecond
	}
	return r, nil
}

// MaxProductSearch is the most products a seller's product search answers.
const MaxProductSearch = 20

// SearchSellerProducts finds a seller company's products whose title or
// code contains q (case-insensitive; every product when q is empty), by
// title, at most MaxProductSearch.
func SearchSellerProducts(q Querier, marketplaceID, orgID int64, query string) ([]parley.Product, error) {
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(query)) + "%"
	rows, err := q.Query(`SELECT `+productCols+` FROM products p JOIN organizations o ON o.id = p.seller_org_id
		WHERE p.marketplace_id = ? AND p.seller_org_id = ? AND (LOWER(p.title) LIKE ? ESCAPE '\' OR LOWER(p.code) LIKE ? ESCAPE '\')
		ORDER BY p.title, p.id LIMIT ?`, marketplaceID, orgID, like, like, MaxProductSearch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []parley.Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
