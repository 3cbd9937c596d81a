package store

// The change feed. Every write transaction takes the next value of the
// global change counter as its first statement (writer.go), and the counter
// row stays locked until the transaction ends. A second transaction cannot
// take a number before the first has committed or rolled back, so the
// committed numbers always form a prefix: a reader that has seen every row
// with change_seq <= N will never later find a new row at or below N. That
// is what makes "everything after my cursor" exact on PostgreSQL too, where
// sequence values commit out of order.

// CurrentChange returns the highest committed change number.
func CurrentChange(q Querier) (int64, error) {
	var v int64
	err := q.QueryRow(`SELECT value FROM counters WHERE name = 'change'`).Scan(&v)
	return v, mapError(err)
}

// ChangedConversations returns the viewer's conversations changed after
// the cursor (change, id), in change order, at most limit.
func ChangedConversations(q Querier, v Viewer, change, afterID int64, limit int) ([]ConversationRow, error) {
	b := &builder{}
	viewerSelect(b, v)
	b.w(` WHERE `)
	visible(b, v)
	b.w(` AND (c.change_seq > ? OR (c.change_seq = ? AND c.id > ?)) ORDER BY c.change_seq, c.id LIMIT ?`, change, change, afterID, limit)
	return scanViewerRows(q, b)
}
