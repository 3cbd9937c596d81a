package store

import (
	"cmp"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
)

// MessageRow is a stored message with its author's names.
type MessageRow struct {
	ID               int64
	ConversationID   int64
	Seq              int64
	AuthorUserID     int64
	AuthorExternalID string
	AuthorName       string
	Side             string
	OrgID            int64
	OrgExternalID    string
	OrgName          string
	Kind             string
	Body             string
	PageURL          string
	Data             string
	ClientID         string
	ChangeSeq        int64
	CreatedAt        time.Time
}

const messageSelect = `SELECT m.id, m.conversation_id, m.seq, COALESCE(m.author_user_id, 0), COALESCE(u.external_id, ''), COALESCE(u.name, ''),
	m.side, COALESCE(m.organization_id, 0), COALESCE(o.external_id, ''), COALESCE(o.name, ''), m.kind, m.body, m.page_url, m.data,
	COALESCE(m.client_id, ''), m.change_seq, m.created_at
	FROM messages m LEFT JOIN users u ON u.id = m.author_user_id LEFT JOIN organizations o ON o.id = m.organization_id`

func scanMessages(q Querier, query string, args ...any) ([]MessageRow, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MessageRow
	for rows.Next() {
		var m MessageRow
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Seq, &m.AuthorUserID, &m.AuthorExternalID, &m.AuthorName, &m.Side, &m.OrgID,
			&m.OrgExternalID, &m.OrgName, &m.Kind, &m.Body, &m.PageURL, &m.Data, &m.ClientID, &m.ChangeSeq, timeDest{&m.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func oneMessage(q Querier, query string, args ...any) (MessageRow, error) {
	ms, err := scanMessages(q, query, args...)
	if err != nil {
		return MessageRow{}, err
	}
	if len(ms) == 0 {
		return MessageRow{}, ErrNotFound
	}
	return ms[0], nil
}

// MessageByID returns a message.
func MessageByID(q Querier, id int64) (MessageRow, error) {
	return oneMessage(q, messageSelect+` WHERE m.id = ?`, id)
}

// MessageByClientID returns an author's message with the client id.
func MessageByClientID(q Querier, authorUserID int64, clientID string) (MessageRow, error) {
	return oneMessage(q, messageSelect+` WHERE m.author_user_id = ? AND m.client_id = ?`, authorUserID, clientID)
}

// MessagesAfter returns up to limit messages with seq > after, ascending.
func MessagesAfter(q Querier, convID, after int64, limit int) ([]MessageRow, error) {
	return scanMessages(q, messageSelect+` WHERE m.conversation_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?`, convID, after, limit)
}

// MessagesBefore returns the newest limit messages with seq < before,
// ascending.
func MessagesBefore(q Querier, convID, before int64, limit int) ([]MessageRow, error) {
	ms, err := scanMessages(q, messageSelect+` WHERE m.conversation_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`, convID, before, limit)
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms, err
}

// MessagesChangedAfter returns a conversation's messages written by
// transactions after the change cursor, ascending.
//
// Within a conversation change_seq never decreases with seq (a later seq
// waits for the earlier one's row lock, and commits in change order), so the
// scan walks back from the newest message and stops at the first one at or
// below the cursor: it reads only what changed, without an index of its own.
func MessagesChangedAfter(q Querier, convID, change int64, limit int) ([]MessageRow, error) {
	rows, err := q.Query(`SELECT m.id, m.change_seq FROM messages m WHERE m.conversation_id = ? ORDER BY m.seq DESC`, convID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id, ch int64
		if err := rows.Scan(&id, &ch); err != nil {
			rows.Close()
			return nil, err
		}
		if ch <= change || len(ids) == limit {
			break
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ms, err := MessagesByIDs(q, ids)
	slices.SortFunc(ms, func(a, b MessageRow) int { return cmp.Compare(a.Seq, b.Seq) })
	return ms, err
}

// MessagesByIDs returns messages by id.
func MessagesByIDs(q Querier, ids []int64) ([]MessageRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	b := &builder{}
	b.w(messageSelect+` WHERE `).in("m.id", ids)
	return scanMessages(q, b.String(), b.args...)
}

// NewMessage is what sending stores.
type NewMessage struct {
	ConversationID int64
	AuthorUserID   int64 // 0 for system messages
	Side           string
	OrgID          int64
	Kind           string
	Body           string
	PageURL        string
	Data           string
	ClientID       string
	// Party, when set, is the author as a viewer: InsertMessage finds the
	// side (and OrgID) itself and refuses a non-party.
	Party *Viewer
}

// ErrRuleChanged means a conversation no longer takes the message: it is
// gone, or a block, the chat switch or a closed ticket came first.
var ErrRuleChanged = errors.New("store: the conversation no longer takes this message")

// InsertMessage appends a message to a conversation: it takes the next seq
// (the UPDATE holds the conversation row until commit, so seqs are gapless
// and ordered per conversation), stores the message and moves the
// conversation's activity. The returned row carries no author names: the
// caller knows them. The WriteState is the conversation's as the UPDATE found
// it.
//
// When m.Party is set, the author's side is found by the UPDATE itself (the
// buyer, a member of the seller company, or an operator of its marketplace),
// so that sending needs no read before the write; anything else is
// ErrRuleChanged with nothing written.
func InsertMessage(tx *Tx, m NewMessage) (MessageRow, WriteState, error) {
	now := Micros(tx.Now())
	b := &builder{}
	side := func() {
		if m.Party == nil {
			b.w(`?`, m.Side)
			return
		}
		b.w(`(CASE WHEN buyer_user_id = ? THEN 'buyer' WHEN `, m.Party.UserID).in("seller_org_id", m.Party.OrgIDs).w(` THEN 'seller' ELSE 'operator' END)`)
	}
	// The author has read everything up to their own message: a buyer's or
	// seller's message moves that side's pointers in the same statement.
	b.w(`UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = ?`, now)
	sqlite := tx.dialect() == SQLite
	if sqlite {
		// SQLite's batch knows its change number from the start: stamp the
		// row here rather than in a statement of its own at commit.
		b.w(`, change_seq = ?`, tx.change)
	}
	for _, ptr := range []string{"buyer_delivered_seq", "buyer_read_seq", "seller_delivered_seq", "seller_read_seq"} {
		b.w(`, ` + ptr + ` = CASE WHEN `)
		side()
		b.w(` = '` + ptr[:strings.IndexByte(ptr, '_')] + `' THEN last_seq + 1 ELSE ` + ptr + ` END`)
	}
	b.w(` WHERE id = ?`, m.ConversationID)
	if p := m.Party; p != nil {
		b.w(` AND marketplace_id = ? AND (buyer_user_id = ? OR `, p.MarketplaceID, p.UserID).in("seller_org_id", p.OrgIDs).w(` OR ? = 1)`, boolInt(p.Operator))
	}
	// The rules: no closed ticket, no block (operators excepted), chat on for
	// a buyer's chat message. System messages (a ticket closing) pass.
	b.w(` AND (`)
	side()
	b.w(` = 'system' OR NOT (kind = 'ticket' AND status = 'closed')) AND (`)
	side()
	b.w(` IN ('operator', 'system') OR NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_user_id = conversations.buyer_user_id AND b.blocked_org_id = conversations.seller_org_id)
			OR (b.blocker_org_id = conversations.seller_org_id AND b.blocked_user_id = conversations.buyer_user_id))) AND (`)
	side()
	b.w(` <> 'buyer' OR kind <> 'chat' OR (SELECT so.chat_enabled FROM organizations so WHERE so.id = conversations.seller_org_id) = 1)`)
	var seq int64
	ws := WriteState{ID: m.ConversationID}
	wrote := tx.wrote
	const state = `last_seq, marketplace_id, kind, status, buyer_user_id, seller_org_id`
	var err error
	if sqlite {
		// SQLite runs RETURNING as a trigger program into a temporary
		// table: an UPDATE and a read of the row by its key cost less than
		// half of it.
		var res sql.Result
		if res, err = tx.execKeep(b.String(), b.args...); err == nil {
			var n int64
			if n, err = res.RowsAffected(); err == nil && n == 0 {
				err = ErrNotFound
			}
		}
		if err == nil {
			err = tx.queryRowKeep(`SELECT `+state+` FROM conversations WHERE id = ?`, m.ConversationID).
				Scan(&seq, &ws.MarketplaceID, &ws.Kind, &ws.Status, &ws.BuyerUserID, &ws.SellerOrgID)
		}
	} else {
		err = tx.QueryRow(b.String()+` RETURNING `+state, b.args...).Scan(&seq, &ws.MarketplaceID, &ws.Kind, &ws.Status, &ws.BuyerUserID, &ws.SellerOrgID)
	}
	if err != nil {
		if err = mapError(err); err == ErrNotFound {
			// Nothing matched, so nothing was written.
			tx.wrote = wrote
			err = ErrRuleChanged
		}
		return MessageRow{}, ws, err
	}
	if p := m.Party; p != nil {
		m.Side, m.OrgID = "operator", 0
		if ws.BuyerUserID == p.UserID {
			m.Side = "buyer"
		} else if slices.Contains(p.OrgIDs, ws.SellerOrgID) {
			m.Side, m.OrgID = "seller", ws.SellerOrgID
		}
	}
	ws.ChatEnabled = true
	var clientID any
	if m.ClientID != "" {
		clientID = m.ClientID
	}
	// On SQLite, Exec and LastInsertId rather than RETURNING: SQLite buffers
	// RETURNING rows in a temporary table, a cost paid on every message.
	// PostgreSQL's driver has no LastInsertId.
	const insert = `INSERT INTO messages (conversation_id, seq, author_user_id, side, organization_id, kind, body, page_url, data, client_id, change_seq, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	args := []any{m.ConversationID, seq, nullID(m.AuthorUserID), m.Side, nullID(m.OrgID), m.Kind, m.Body, m.PageURL, m.Data, clientID, tx.change, now}
	id, deferred, err := tx.deferMessage(args)
	if err != nil {
		return MessageRow{}, ws, err
	}
	if deferred {
		// Inserted with the batch's other messages (deferred.go).
	} else if sqlite {
		res, err := tx.Exec(insert, args...)
		if err != nil {
			return MessageRow{}, ws, err
		}
		if id, err = res.LastInsertId(); err != nil {
			return MessageRow{}, ws, err
		}
	} else if err := tx.QueryRow(insert+` RETURNING id`, args...).Scan(&id); err != nil {
		return MessageRow{}, ws, mapError(err)
	}
	if !sqlite {
		tx.touch(m.ConversationID)
	}
	tx.msgs = append(tx.msgs, id)
	return MessageRow{ID: id, ConversationID: m.ConversationID, Seq: seq, AuthorUserID: m.AuthorUserID, Side: m.Side, OrgID: m.OrgID,
		Kind: m.Kind, Body: m.Body, PageURL: m.PageURL, Data: m.Data, ClientID: m.ClientID, CreatedAt: tx.Now()}, ws, nil
}

// LastMessages returns the last message of each conversation.
func LastMessages(q Querier, convIDs []int64) (map[int64]MessageRow, error) {
	out := make(map[int64]MessageRow, len(convIDs))
	if len(convIDs) == 0 {
		return out, nil
	}
	b := &builder{}
	b.w(messageSelect+` JOIN conversations c ON c.id = m.conversation_id AND m.seq = c.last_seq WHERE `).in("c.id", convIDs)
	ms, err := scanMessages(q, b.String(), b.args...)
	for _, m := range ms {
		out[m.ConversationID] = m
	}
	return out, err
}
