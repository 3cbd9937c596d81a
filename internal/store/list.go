package store

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ListFilter selects a viewer's conversations.
type ListFilter struct {
	View           string // active (default), archive, blocked
	Side           string // buyer, seller or empty
	Status         string
	Kind           string
	Unread         bool
	Query          string
	OrderID        int64
	AssigneeUserID int64
	// Unassigned keeps only conversations nobody is assigned to.
	Unassigned bool
	// Native keeps only conversations started on this marketplace;
	// ExternalMarketplace only those a connector brought from the external
	// marketplace with this slug.
	Native              bool
	ExternalMarketplace string
	ArchiveBefore       time.Time // activity before this is archived
	// Keyset cursor: strictly older than (CursorAt, CursorID).
	CursorAt int64
	CursorID int64
	Limit    int
}

// blockedForViewer writes "a block made by the viewer's side stands".
func blockedForViewer(b *builder, v Viewer) {
	b.w(`EXISTS (SELECT 1 FROM blocks bb WHERE (bb.blocker_user_id = c.buyer_user_id AND bb.blocked_org_id = c.seller_org_id AND c.buyer_user_id = ?)
		OR (bb.blocker_org_id = c.seller_org_id AND bb.blocked_user_id = c.buyer_user_id AND `, v.UserID).in("c.seller_org_id", v.OrgIDs).w(`))`)
}

// ListConversations returns the viewer's conversations matching f, newest
// activity first.
func ListConversations(q Querier, v Viewer, f ListFilter) ([]ConversationRow, error) {
	b := &builder{}
	viewerSelect(b, v)
	b.w(` WHERE `)
	visible(b, v)
	switch f.View {
	case "blocked":
		b.w(` AND `)
		blockedForViewer(b, v)
	case "archive":
		b.w(` AND NOT `)
		blockedForViewer(b, v)
		b.w(` AND c.last_activity_at < ?`, Micros(f.ArchiveBefore))
	default:
		b.w(` AND NOT `)
		blockedForViewer(b, v)
		b.w(` AND c.last_activity_at >= ?`, Micros(f.ArchiveBefore))
	}
	switch f.Side {
	case "buyer":
		b.w(` AND c.buyer_user_id = ?`, v.UserID)
	case "seller":
		b.w(` AND `).in("c.seller_org_id", v.OrgIDs)
	}
	if f.Status != "" {
		b.w(` AND c.status = ?`, f.Status)
	}
	if f.Kind != "" {
		b.w(` AND c.kind = ?`, f.Kind)
	}
	if f.OrderID != 0 {
		b.w(` AND c.order_id = ?`, f.OrderID)
	}
	if f.AssigneeUserID != 0 {
		b.w(` AND c.assignee_user_id = ?`, f.AssigneeUserID)
	}
	if f.Unassigned {
		b.w(` AND c.assignee_user_id IS NULL`)
	}
	if f.Native {
		b.w(` AND c.external_marketplace_id IS NULL`)
	}
	if f.ExternalMarketplace != "" {
		b.w(` AND em.slug = ?`, f.ExternalMarketplace)
	}
	if f.Unread {
		b.w(` AND (COALESCE(rs.marked_unread, 0) = 1 OR EXISTS (SELECT 1 FROM messages um WHERE um.conversation_id = c.id
			AND um.seq > `+myReadSeq+` AND um.side <> 'system' AND um.side <> `, v.UserID)
		sideExpr(b, v)
		b.w(`))`)
	}
	if f.Query != "" {
		if !search(b, q.dialect(), f.Query) {
			return nil, nil
		}
	}
	if f.CursorID != 0 {
		b.w(` AND (c.last_activity_at < ? OR (c.last_activity_at = ? AND c.id < ?))`, f.CursorAt, f.CursorAt, f.CursorID)
	}
	b.w(` ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?`, f.Limit)
	return scanViewerRows(q, b)
}

// searchTerms splits a query into words of letters and digits, the same
// way both full-text indexes tokenize.
func searchTerms(query string) []string {
	terms := strings.FieldsFunc(strings.ToLower(query), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(terms) > 8 {
		terms = terms[:8]
	}
	return terms
}

// search writes the full-text predicate: every term, as a prefix, in the
// conversation's names, subject and order id, or in one of its messages.
// It reports false when the query has no searchable word.
func search(b *builder, d Dialect, query string) bool {
	terms := searchTerms(query)
	if len(terms) == 0 {
		return false
	}
	if d == Postgres {
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = t + ":*"
		}
		tsq := strings.Join(parts, " & ")
		b.w(` AND (c.id IN (SELECT cs.conversation_id FROM conversation_search cs
			WHERE to_tsvector('simple', regexp_replace(cs.search_text, '[^[:alnum:]]+', ' ', 'g')) @@ to_tsquery('simple', ?))
			OR c.id IN (SELECT sm.conversation_id FROM messages sm
			WHERE to_tsvector('simple', regexp_replace(sm.body, '[^[:alnum:]]+', ' ', 'g')) @@ to_tsquery('simple', ?)))`, tsq, tsq)
		return true
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = strconv.Quote(t) + "*"
	}
	fts := strings.Join(parts, " ")
	b.w(` AND (c.id IN (SELECT rowid FROM conversation_fts WHERE conversation_fts MATCH ?) OR c.id IN (SELECT sm.conversation_id FROM messages sm
		WHERE sm.id IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ?)))`, fts, fts)
	return true
}
