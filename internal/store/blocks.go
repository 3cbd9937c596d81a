package store

import "time"

// Block is a standing block: a buyer blocking a seller company, or a
// seller company blocking a buyer.
type Block struct {
	ID            int64
	MarketplaceID int64
	BlockerUserID int64
	BlockerOrgID  int64
	BlockedUserID int64
	BlockedOrgID  int64
	CreatedBy     int64
	CreatedAt     time.Time
}

const blockCols = `id, marketplace_id, COALESCE(blocker_user_id, 0), COALESCE(blocker_org_id, 0), COALESCE(blocked_user_id, 0),
	COALESCE(blocked_org_id, 0), created_by, created_at`

func scanBlock(row interface{ Scan(...any) error }) (Block, error) {
	var b Block
	err := row.Scan(&b.ID, &b.MarketplaceID, &b.BlockerUserID, &b.BlockerOrgID, &b.BlockedUserID, &b.BlockedOrgID, &b.CreatedBy, timeDest{&b.CreatedAt})
	return b, mapError(err)
}

// BlockByID returns a block.
func BlockByID(q Querier, id int64) (Block, error) {
	return scanBlock(q.QueryRow(`SELECT `+blockCols+` FROM blocks WHERE id = ?`, id))
}

// FindBlock returns the block with the same blocker and blocked party.
func FindBlock(q Querier, b Block) (Block, error) {
	return scanBlock(q.QueryRow(`SELECT `+blockCols+` FROM blocks WHERE COALESCE(blocker_user_id, 0) = ? AND COALESCE(blocker_org_id, 0) = ?
		AND COALESCE(blocked_user_id, 0) = ? AND COALESCE(blocked_org_id, 0) = ?`, b.BlockerUserID, b.BlockerOrgID, b.BlockedUserID, b.BlockedOrgID))
}

// InsertBlock stores a block and returns its id.
func InsertBlock(tx *Tx, b Block) (int64, error) {
	var id int64
	err := tx.QueryRow(`INSERT INTO blocks (marketplace_id, blocker_user_id, blocker_org_id, blocked_user_id, blocked_org_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, b.MarketplaceID, nullID(b.BlockerUserID), nullID(b.BlockerOrgID), nullID(b.BlockedUserID),
		nullID(b.BlockedOrgID), b.CreatedBy, Micros(tx.Now())).Scan(&id)
	return id, mapError(err)
}

// DeleteBlock removes a block.
func DeleteBlock(tx *Tx, id int64) error {
	_, err := tx.Exec(`DELETE FROM blocks WHERE id = ?`, id)
	return err
}

// Blocked reports whether a block stands between a buyer and a seller.
func Blocked(q Querier, buyerUserID, sellerOrgID int64) (bool, error) {
	var n int
	err := q.QueryRow(`SELECT COUNT(*) FROM blocks WHERE (blocker_user_id = ? AND blocked_org_id = ?) OR (blocker_org_id = ? AND blocked_user_id = ?)`,
		buyerUserID, sellerOrgID, sellerOrgID, buyerUserID).Scan(&n)
	return n > 0, err
}

// TouchConversationsBetween marks every conversation between the buyer and
// the seller changed (a block or unblock changes what each side sees).
// It returns their ids.
func TouchConversationsBetween(tx *Tx, buyerUserID, sellerOrgID int64) ([]int64, error) {
	ids, err := int64s(tx, `SELECT id FROM conversations WHERE buyer_user_id = ? AND seller_org_id = ?`, buyerUserID, sellerOrgID)
	if err != nil {
		return nil, err
	}
	tx.touch(ids...)
	return ids, nil
}
