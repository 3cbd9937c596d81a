package store

import (
	"database/sql"
	"time"

	"github.com/parleyhq/parley"
)

// Marketplaces returns every marketplace, by id.
func Marketplaces(q Querier) ([]parley.Marketplace, error) {
	rows, err := q.Query(`SELECT ` + marketplaceCols + ` FROM marketplaces ORDER BY id`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []parley.Marketplace
	for rows.Next() {
		m, err := scanMarketplace(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, mapError(rows.Err())
}

// IdleTickets returns up to limit of a marketplace's tickets not closed
// whose last activity is at or before the time, oldest activity first.
func IdleTickets(q Querier, marketplaceID int64, activeAtOrBefore time.Time, limit int) ([]int64, error) {
	rows, err := q.Query(`SELECT id FROM conversations WHERE marketplace_id = ? AND kind = 'ticket' AND status <> 'closed'
		AND last_activity_at <= ? ORDER BY last_activity_at, id LIMIT ?`, marketplaceID, Micros(activeAtOrBefore), limit)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, mapError(err)
		}
		ids = append(ids, id)
	}
	return ids, mapError(rows.Err())
}

// OldestTicketActivity returns the earliest last activity among a
// marketplace's tickets not closed; ok is false when there is none.
func OldestTicketActivity(q Querier, marketplaceID int64) (at time.Time, ok bool, err error) {
	var us sql.NullInt64
	err = q.QueryRow(`SELECT MIN(last_activity_at) FROM conversations WHERE marketplace_id = ? AND kind = 'ticket' AND status <> 'closed'`,
		marketplaceID).Scan(&us)
	if err != nil || !us.Valid {
		return time.Time{}, false, mapError(err)
	}
	return FromMicros(us.Int64), true, nil
}

// AutoCloseTicket closes a ticket with closed_reason "auto" if it is not
// closed yet and its last activity is at or before the time; closed
// reports whether it did. The check and the change are one statement on the
// row, so a message that commits first (and moves the activity) keeps the
// ticket open, and one that comes after finds it closed.
func AutoCloseTicket(tx *Tx, id int64, activeAtOrBefore time.Time) (closed bool, err error) {
	res, err := tx.Exec(`UPDATE conversations SET status = 'closed', closed_reason = 'auto', updated_at = ?
		WHERE id = ? AND kind = 'ticket' AND status <> 'closed' AND last_activity_at <= ?`,
		Micros(tx.Now()), id, Micros(activeAtOrBefore))
	if err != nil {
		return false, mapError(err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	tx.touch(id)
	return true, nil
}

// AdvanceJob moves the queued job with the dedupe key to run at runAt if it
// would run later; a job that is due sooner, or none, is left alone.
func AdvanceJob(tx *Tx, dedupeKey string, runAt time.Time) error {
	_, err := tx.Exec(`UPDATE jobs SET run_at = ?, updated_at = ? WHERE dedupe_key = ? AND state = 'queued' AND run_at > ?`,
		Micros(runAt), Micros(tx.Now()), dedupeKey, Micros(runAt))
	return mapError(err)
}
