package store

import "time"

// Presence statuses.
const (
	PresenceOnline  = "online"
	PresenceAway    = "away"
	PresenceOffline = "offline"
)

// SetPresence records a user's status on a node.
func SetPresence(tx *Tx, userID int64, node, status string) error {
	_, err := tx.Exec(`INSERT INTO presence (user_id, node, status, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, node) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
		userID, node, status, Micros(tx.Now()))
	return err
}

// ClearPresence forgets a user on a node (their last socket there closed).
func ClearPresence(tx *Tx, userID int64, node string) error {
	_, err := tx.Exec(`DELETE FROM presence WHERE user_id = ? AND node = ?`, userID, node)
	return err
}

// RefreshPresence keeps a node's rows alive, and drops its rows for users
// no longer connected to it.
func RefreshPresence(tx *Tx, node string, userIDs []int64) error {
	if _, err := tx.Exec(`UPDATE presence SET updated_at = ? WHERE node = ?`, Micros(tx.Now()), node); err != nil {
		return err
	}
	keep := map[int64]bool{}
	for _, id := range userIDs {
		keep[id] = true
	}
	stale, err := int64s(tx, `SELECT user_id FROM presence WHERE node = ?`, node)
	if err != nil {
		return err
	}
	for _, id := range stale {
		if !keep[id] {
			if err := ClearPresence(tx, id, node); err != nil {
				return err
			}
		}
	}
	return nil
}

// PresenceOf returns the status of each user seen since the cutoff: online
// on any node beats away; users without a live row are offline (absent).
func PresenceOf(q Querier, userIDs []int64, since time.Time) (map[int64]string, error) {
	out := map[int64]string{}
	if len(userIDs) == 0 {
		return out, nil
	}
	b := &builder{}
	b.w(`SELECT user_id, status FROM presence WHERE updated_at >= ? AND `, Micros(since)).in("user_id", userIDs)
	rows, err := q.Query(b.String(), b.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			return nil, err
		}
		if out[id] != PresenceOnline {
			out[id] = st
		}
	}
	return out, rows.Err()
}

// ConnectedElsewhere returns which of the users have a live presence row
// (an open socket) on a node other than node, seen since the cutoff.
func ConnectedElsewhere(q Querier, userIDs []int64, node string, since time.Time) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(userIDs) == 0 {
		return out, nil
	}
	b := &builder{}
	b.w(`SELECT DISTINCT user_id FROM presence WHERE node <> ? AND updated_at >= ? AND `, node, Micros(since)).in("user_id", userIDs)
	ids, err := int64s(q, b.String(), b.args...)
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}
