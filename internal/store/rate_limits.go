package store

import (
	"context"
	"errors"
	"time"
)

// TakeRateToken takes one token from the PostgreSQL rate-limit bucket key
// (GCRA: a bucket of window/interval tokens, one back every interval) in one
// UPSERT, and reports whether it was there and, if not, how long until it
// is. It runs on the pool outside the group-commit writer: the table is
// UNLOGGED, the statement commits on its own without an fsync, and a check
// must not wait behind a batch of other writes. Only PostgreSQL keeps
// buckets; SQLite (one node) keeps them in memory.
func (db *DB) TakeRateToken(ctx context.Context, key string, now time.Time, interval, window time.Duration) (bool, time.Duration, error) {
	if db.Dialect != Postgres {
		return false, 0, errors.New("store: rate-limit buckets are kept on PostgreSQL only")
	}
	n, t, w := now.UnixMicro(), interval.Microseconds(), window.Microseconds()
	// The bucket allows when its theoretical arrival time, moved on by one
	// interval, is within the window of now. SET's expressions all read the
	// row as it was, so allowed and tat agree.
	var tat int64
	var allowed bool
	err := db.write.QueryRowContext(ctx, `INSERT INTO rate_limits AS r (key, tat, allowed) VALUES ($1, $2::bigint + $3::bigint, $3::bigint <= $4::bigint)
		ON CONFLICT (key) DO UPDATE SET
			allowed = GREATEST(r.tat, $2) + $3 - $4 <= $2,
			tat = CASE WHEN GREATEST(r.tat, $2) + $3 - $4 <= $2 THEN GREATEST(r.tat, $2) + $3 ELSE r.tat END
		RETURNING tat, allowed`, key, n, t, w).Scan(&tat, &allowed)
	if err != nil {
		return false, 0, err
	}
	if allowed {
		return true, 0, nil
	}
	return false, time.Duration(tat+t-w-n) * time.Microsecond, nil
}

// ReturnRateToken gives back a token TakeRateToken took (a sign-in that
// succeeded counts against no one).
func (db *DB) ReturnRateToken(ctx context.Context, key string, interval time.Duration) error {
	if db.Dialect != Postgres {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `UPDATE rate_limits SET tat = tat - $2::bigint WHERE key = $1`, key, interval.Microseconds())
	return err
}

// DeleteIdleRateLimits deletes the buckets that are full again (their
// theoretical arrival time has passed: the same as no row) and returns how
// many went.
func (db *DB) DeleteIdleRateLimits(ctx context.Context, now time.Time) (int64, error) {
	if db.Dialect != Postgres {
		return 0, nil
	}
	res, err := db.write.ExecContext(ctx, `DELETE FROM rate_limits WHERE tat < $1`, now.UnixMicro())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RateLimitRows counts the stored buckets (tests).
func (db *DB) RateLimitRows(ctx context.Context) (int64, error) {
	if db.Dialect != Postgres {
		return 0, nil
	}
	var n int64
	err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits`).Scan(&n)
	return n, err
}
