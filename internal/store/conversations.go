package store

import (
	"time"
)

// ConversationRow is a conversation as stored, with the names of its
// parties and, when read for a viewer, the viewer's own state.
type ConversationRow struct {
	ID                 int64
	MarketplaceID      int64
	Kind               string
	Status             string
	Subject            string
	SubjectCode        string // a server-made subject as meaning (parley.Text JSON); '' for a written one
	BuyerUserID        int64
	BuyerExternalID    string
	BuyerName          string
	SellerOrgID        int64
	SellerExternalID   string
	SellerName         string
	ProductID          int64
	ProductExternalID  string
	OrderID            int64
	OrderExternalID    string
	PageURL            string
	AssigneeUserID     int64
	AssigneeExternalID string
	AssigneeName       string
	ClosedReason       string
	LastSeq            int64
	LastActivityAt     time.Time
	BuyerDeliveredSeq  int64
	BuyerReadSeq       int64
	SellerDeliveredSeq int64
	SellerReadSeq      int64
	ChangeSeq          int64
	CreatedAt          time.Time
	// The external marketplace a connector brought the conversation from;
	// empty for a native one.
	ExternalMarketplaceSlug string
	ExternalMarketplaceName string

	// The viewer's state; zero when read without a viewer.
	MyReadSeq    int64
	MarkedUnread bool
	UnreadCount  int64
	Blocked      bool // a block stands between buyer and seller

	// What the rules of sending read, so that a page can say before a
	// send why it would be refused: the seller's chat switch and who
	// blocked whom.
	SellerChatEnabled bool
	BlockedByBuyer    bool // the buyer blocked the seller company
	BlockedBySeller   bool // the seller company blocked the buyer
}

// Viewer is who reads: a user, the organizations they belong to and
// whether they operate the marketplace.
type Viewer struct {
	UserID        int64
	MarketplaceID int64
	OrgIDs        []int64
	Operator      bool
}

const convSelect = `SELECT c.id, c.marketplace_id, c.kind, c.status, c.subject,
	c.buyer_user_id, bu.external_id, bu.name, c.seller_org_id, so.external_id, so.name,
	COALESCE(c.product_id, 0), COALESCE(p.external_id, ''), COALESCE(c.order_id, 0), COALESCE(o.external_id, ''), c.page_url,
	COALESCE(c.assignee_user_id, 0), COALESCE(au.external_id, ''), COALESCE(au.name, ''), c.closed_reason,
	c.last_seq, c.last_activity_at,
	c.buyer_delivered_seq, c.buyer_read_seq, c.seller_delivered_seq, c.seller_read_seq, c.change_seq, c.created_at,
	COALESCE(em.slug, ''), COALESCE(em.name, ''), so.chat_enabled,
	EXISTS (SELECT 1 FROM blocks b1 WHERE b1.blocker_user_id = c.buyer_user_id AND b1.blocked_org_id = c.seller_org_id),
	EXISTS (SELECT 1 FROM blocks b2 WHERE b2.blocker_org_id = c.seller_org_id AND b2.blocked_user_id = c.buyer_user_id), c.subject_code`

const convFrom = ` FROM conversations c
	JOIN users bu ON bu.id = c.buyer_user_id
	JOIN organizations so ON so.id = c.seller_org_id
	LEFT JOIN products p ON p.id = c.product_id
	LEFT JOIN orders o ON o.id = c.order_id
	LEFT JOIN users au ON au.id = c.assignee_user_id
	LEFT JOIN external_marketplaces em ON em.id = c.external_marketplace_id`

const blockedExpr = `EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_user_id = c.buyer_user_id AND b.blocked_org_id = c.seller_org_id)
	OR (b.blocker_org_id = c.seller_org_id AND b.blocked_user_id = c.buyer_user_id))`

func (r *ConversationRow) dest() []any {
	return []any{&r.ID, &r.MarketplaceID, &r.Kind, &r.Status, &r.Subject,
		&r.BuyerUserID, &r.BuyerExternalID, &r.BuyerName, &r.SellerOrgID, &r.SellerExternalID, &r.SellerName,
		&r.ProductID, &r.ProductExternalID, &r.OrderID, &r.OrderExternalID, &r.PageURL,
		&r.AssigneeUserID, &r.AssigneeExternalID, &r.AssigneeName, &r.ClosedReason,
		&r.LastSeq, timeDest{&r.LastActivityAt},
		&r.BuyerDeliveredSeq, &r.BuyerReadSeq, &r.SellerDeliveredSeq, &r.SellerReadSeq, &r.ChangeSeq, timeDest{&r.CreatedAt},
		&r.ExternalMarketplaceSlug, &r.ExternalMarketplaceName, &r.SellerChatEnabled, &r.BlockedByBuyer, &r.BlockedBySeller, &r.SubjectCode}
}

// timeDest scans unix microseconds into a time.
type timeDest struct{ t *time.Time }

func (d timeDest) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*d.t = FromMicros(v)
	case nil:
		*d.t = time.Time{}
	}
	return nil
}

// ConversationByID returns a conversation without viewer state.
func ConversationByID(q Querier, id int64) (ConversationRow, error) {
	var r ConversationRow
	err := q.QueryRow(convSelect+`, `+blockedExpr+convFrom+` WHERE c.id = ?`, id).Scan(append(r.dest(), &r.Blocked)...)
	return r, mapError(err)
}

// sideExpr is the viewer's side in a row of c, as SQL.
func sideExpr(b *builder, v Viewer) {
	b.w(`(CASE WHEN c.buyer_user_id = ? THEN 'buyer' WHEN `, v.UserID).in("c.seller_org_id", v.OrgIDs).w(` THEN 'seller' ELSE 'operator' END)`)
}

// myReadSeq is the viewer's read pointer: the buyer is the whole buyer side,
// so the side's pointer is theirs (no per-user row is written for a buyer's
// message); seller members and operators have their own.
const myReadSeq = `(CASE WHEN c.buyer_user_id = ? THEN c.buyer_read_seq ELSE COALESCE(rs.read_seq, 0) END)`

// viewerSelect writes the select list with the viewer's own columns.
func viewerSelect(b *builder, v Viewer) {
	b.w(convSelect+`, `+myReadSeq+`, COALESCE(rs.marked_unread, 0), (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id
		AND m.seq > `+myReadSeq+` AND m.side <> 'system' AND m.side <> `, v.UserID, v.UserID)
	sideExpr(b, v)
	b.w(`), `+blockedExpr+convFrom+` LEFT JOIN read_states rs ON rs.conversation_id = c.id AND rs.user_id = ?`, v.UserID)
}

// visible writes the predicate "the viewer is a party of c".
func visible(b *builder, v Viewer) {
	b.w(`c.marketplace_id = ?`, v.MarketplaceID)
	if v.Operator {
		return
	}
	b.w(` AND (c.buyer_user_id = ? OR `, v.UserID).in("c.seller_org_id", v.OrgIDs).w(`)`)
}

func scanViewerRows(q Querier, b *builder) ([]ConversationRow, error) {
	rows, err := q.Query(b.String(), b.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConversationRow
	for rows.Next() {
		var r ConversationRow
		var marked int64
		if err := rows.Scan(append(r.dest(), &r.MyReadSeq, &marked, &r.UnreadCount, &r.Blocked)...); err != nil {
			return nil, err
		}
		r.MarkedUnread = marked != 0
		out = append(out, r)
	}
	return out, rows.Err()
}

// ConversationForViewer returns a conversation the viewer is a party of,
// with the viewer's state; ErrNotFound when missing or not theirs.
func ConversationForViewer(q Querier, v Viewer, id int64) (ConversationRow, error) {
	b := &builder{}
	viewerSelect(b, v)
	b.w(` WHERE c.id = ? AND `, id)
	visible(b, v)
	rows, err := scanViewerRows(q, b)
	if err != nil {
		return ConversationRow{}, err
	}
	if len(rows) == 0 {
		return ConversationRow{}, ErrNotFound
	}
	return rows[0], nil
}

// ConversationsForViewer reads the conversations among ids that v may see,
// as v sees them (one query for many: the real-time hub renders a burst of
// updates for one socket this way).
func ConversationsForViewer(q Querier, v Viewer, ids []int64) ([]ConversationRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	b := &builder{}
	viewerSelect(b, v)
	b.w(` WHERE `).in("c.id", ids).w(` AND `)
	visible(b, v)
	return scanViewerRows(q, b)
}

// WriteState is what the rules of sending need to know about a
// conversation, read inside the writing transaction.
type WriteState struct {
	ID            int64
	MarketplaceID int64
	Kind          string
	Status        string
	BuyerUserID   int64
	SellerOrgID   int64
	ChatEnabled   bool
	Blocked       bool
}

// ConversationWriteState reads a conversation's write state.
func ConversationWriteState(q Querier, id int64) (WriteState, error) {
	var w WriteState
	var chat int64
	err := q.QueryRow(`SELECT c.id, c.marketplace_id, c.kind, c.status, c.buyer_user_id, c.seller_org_id, so.chat_enabled, `+blockedExpr+`
		FROM conversations c JOIN organizations so ON so.id = c.seller_org_id WHERE c.id = ?`, id).
		Scan(&w.ID, &w.MarketplaceID, &w.Kind, &w.Status, &w.BuyerUserID, &w.SellerOrgID, &chat, &w.Blocked)
	w.ChatEnabled = chat != 0
	return w, mapError(err)
}

// NewConversation is what starting a conversation stores.
type NewConversation struct {
	MarketplaceID int64
	Kind          string
	Subject       string
	SubjectCode   string // parley.Text JSON of a server-made subject
	BuyerUserID   int64
	SellerOrgID   int64
	ProductID     int64
	OrderID       int64
	PageURL       string
	SearchText    string
	// ExternalMarketplaceID is the external marketplace a connector
	// brings the conversation from (EnsureExternalMarketplace); 0 is native.
	ExternalMarketplaceID int64
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// InsertConversation stores a new open conversation and returns its id.
func InsertConversation(tx *Tx, c NewConversation) (int64, error) {
	now := Micros(tx.Now())
	var id int64
	err := tx.QueryRow(`INSERT INTO conversations (marketplace_id, kind, status, subject, buyer_user_id, seller_org_id, product_id, order_id,
		page_url, last_activity_at, change_seq, search_text, created_at, updated_at, external_marketplace_id, subject_code)
		VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?) RETURNING id`,
		c.MarketplaceID, c.Kind, c.Subject, c.BuyerUserID, c.SellerOrgID, nullID(c.ProductID), nullID(c.OrderID),
		c.PageURL, now, c.SearchText, now, now, nullID(c.ExternalMarketplaceID), c.SubjectCode).Scan(&id)
	if err == nil {
		tx.touch(id)
	}
	return id, mapError(err)
}

// FindOpenConversation returns the id of a conversation not closed between
// the same buyer and seller, of the same kind, product, order and channel
// (a message started here never lands in a conversation a connector
// brought from elsewhere).
func FindOpenConversation(tx *Tx, c NewConversation) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM conversations WHERE buyer_user_id = ? AND seller_org_id = ? AND kind = ? AND status <> 'closed'
		AND COALESCE(product_id, 0) = ? AND COALESCE(order_id, 0) = ? AND COALESCE(external_marketplace_id, 0) = ? ORDER BY id DESC LIMIT 1`,
		c.BuyerUserID, c.SellerOrgID, c.Kind, c.ProductID, c.OrderID, c.ExternalMarketplaceID).Scan(&id)
	return id, mapError(err)
}

// ConversationUpdate changes a conversation's status, assignee or reason.
type ConversationUpdate struct {
	Status         *string
	AssigneeUserID *int64 // 0 clears
	ClosedReason   *string
}

// UpdateConversation applies u and marks the conversation changed.
func UpdateConversation(tx *Tx, id int64, u ConversationUpdate) error {
	b := &builder{}
	tx.touch(id)
	b.w(`UPDATE conversations SET updated_at = ?`, Micros(tx.Now()))
	if u.Status != nil {
		b.w(`, status = ?`, *u.Status)
	}
	if u.AssigneeUserID != nil {
		b.w(`, assignee_user_id = ?`, nullID(*u.AssigneeUserID))
	}
	if u.ClosedReason != nil {
		b.w(`, closed_reason = ?`, *u.ClosedReason)
	}
	b.w(` WHERE id = ?`, id)
	_, err := tx.Exec(b.String(), b.args...)
	return err
}

// TouchConversation marks a conversation changed without other updates,
// so that sync readers pick it up (pointers, blocks, read state).
func TouchConversation(tx *Tx, id int64) error {
	tx.touch(id)
	return nil
}

// MovePointers moves a side's delivered and read pointers forward, never
// back, clamped to last_seq; reading implies delivered.
func MovePointers(tx *Tx, id int64, side string, delivered, read int64) error {
	if side != "buyer" && side != "seller" {
		return nil
	}
	if delivered < read {
		delivered = read
	}
	greatest := "MAX"
	least := "MIN"
	if tx.dialect() == Postgres {
		greatest, least = "GREATEST", "LEAST"
	}
	d, r := side+"_delivered_seq", side+"_read_seq"
	_, err := tx.Exec(`UPDATE conversations SET `+d+` = `+greatest+`(`+d+`, `+least+`(?, last_seq)), `+r+` = `+greatest+`(`+r+`, `+least+`(?, last_seq)),
		updated_at = ? WHERE id = ?`, delivered, read, Micros(tx.Now()), id)
	tx.touch(id)
	return err
}

// ReadState is a user's own pointer in a conversation.
type ReadState struct {
	ReadSeq      int64
	MarkedUnread bool
}

// GetReadState returns a user's read state (zero when none).
func GetReadState(q Querier, convID, userID int64) (ReadState, error) {
	var rs ReadState
	var marked int64
	err := q.QueryRow(`SELECT read_seq, marked_unread FROM read_states WHERE conversation_id = ? AND user_id = ?`, convID, userID).Scan(&rs.ReadSeq, &marked)
	if err != nil {
		if err = mapError(err); err == ErrNotFound {
			return ReadState{}, nil
		}
		return rs, err
	}
	rs.MarkedUnread = marked != 0
	return rs, nil
}

// SetReadState stores a user's read pointer (only forward) and manual
// unread flag.
func SetReadState(tx *Tx, convID, userID, readSeq int64, markedUnread bool) error {
	greatest := "MAX"
	if tx.dialect() == Postgres {
		greatest = "GREATEST"
	}
	_, err := tx.Exec(`INSERT INTO read_states (conversation_id, user_id, read_seq, marked_unread) VALUES (?, ?, ?, ?)
		ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_seq = `+greatest+`(read_states.read_seq, excluded.read_seq),
		marked_unread = excluded.marked_unread`, convID, userID, readSeq, boolInt(markedUnread))
	return err
}
