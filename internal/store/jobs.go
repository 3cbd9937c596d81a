package store

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Job states. A job is queued until a runner claims it, running while a
// runner holds its lease, and ends done or failed. A queued job may wait for
// a later run_at (a retry after backoff, a timer).
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// AllMarketplaces, as the marketplace filter of a list, lists the rows of
// every marketplace (and those tied to none). Any other value lists only the
// rows of that marketplace; 0 is the rows tied to none.
const AllMarketplaces int64 = -1

// Job is one row of the jobs table: a side effect recorded in the
// transaction that caused it (see package outbox).
type Job struct {
	ID            int64
	MarketplaceID int64 // the marketplace whose change caused it; 0: none
	Kind          string
	Payload       []byte
	DedupeKey     string
	State         string
	Attempts      int
	MaxAttempts   int
	RunAt         time.Time
	LockedUntil   time.Time
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// NewJob is what InsertJob records.
type NewJob struct {
	MarketplaceID int64 // 0: not tied to a marketplace
	Kind          string
	Payload       []byte
	DedupeKey     string    // empty: no deduplication
	RunAt         time.Time // zero: now
	MaxAttempts   int       // 0: the column default (10)
}

const jobCols = `id, kind, payload, dedupe_key, state, attempts, max_attempts, run_at, locked_until, last_error, created_at, updated_at, marketplace_id`

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var payload string
	var key sql.NullString
	var runAt, locked, created, updated int64
	err := row.Scan(&j.ID, &j.Kind, &payload, &key, &j.State, &j.Attempts, &j.MaxAttempts,
		&runAt, &locked, &j.LastError, &created, &updated, &j.MarketplaceID)
	if err != nil {
		return Job{}, mapError(err)
	}
	j.Payload = []byte(payload)
	j.DedupeKey = key.String
	j.RunAt, j.CreatedAt, j.UpdatedAt = FromMicros(runAt), FromMicros(created), FromMicros(updated)
	if locked != 0 {
		j.LockedUntil = FromMicros(locked)
	}
	return j, nil
}

func scanJobs(rows *sql.Rows, err error) ([]Job, error) {
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var jobs []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, mapError(rows.Err())
}

// InsertJob records a queued job. When j.DedupeKey is set and a queued job
// with that key exists, nothing is inserted: it returns the existing job's id
// and inserted = false.
func InsertJob(tx *Tx, j NewJob) (id int64, inserted bool, err error) {
	now := tx.Now()
	runAt := j.RunAt
	if runAt.IsZero() {
		runAt = now
	}
	maxAttempts := j.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 10
	}
	var key any
	if j.DedupeKey != "" {
		key = j.DedupeKey
	}
	// The conflict target names the partial unique index jobs_dedupe; rows
	// without a key never conflict. On PostgreSQL the queued job we
	// conflicted with can be claimed by a runner between the INSERT and the
	// SELECT; the index then no longer holds it and the INSERT is tried again.
	for attempt := 0; ; attempt++ {
		err = tx.QueryRow(`INSERT INTO jobs (marketplace_id, kind, payload, dedupe_key, state, max_attempts, run_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)
			ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'queued' DO NOTHING
			RETURNING id`,
			j.MarketplaceID, j.Kind, string(j.Payload), key, maxAttempts, Micros(runAt), Micros(now), Micros(now)).Scan(&id)
		if err == nil {
			return id, true, nil
		}
		if err != sql.ErrNoRows {
			return 0, false, mapError(err)
		}
		err = tx.QueryRow(`SELECT id FROM jobs WHERE dedupe_key = ? AND state = 'queued'`, j.DedupeKey).Scan(&id)
		if err != sql.ErrNoRows || attempt == 3 {
			return id, false, mapError(err)
		}
	}
}

// ClaimJobs leases up to limit due jobs to the caller until now+lease:
// queued jobs whose run_at has come, and running jobs whose lease expired
// (their runner died or hung). Each claim counts an attempt; a job whose lease
// expired on its last attempt fails instead of being retaken. The returned
// Attempts value is the claim token that CompleteJob, RetryJob and FailJob
// check, so that a runner that lost its lease cannot overwrite the result of
// the one that retook the job.
func ClaimJobs(tx *Tx, limit int, lease time.Duration) ([]Job, error) {
	if limit <= 0 {
		return nil, nil
	}
	now := Micros(tx.Now())
	if _, err := tx.Exec(`UPDATE jobs SET state = 'failed', locked_until = 0, updated_at = ?,
			last_error = CASE WHEN last_error = '' THEN 'lease expired' ELSE 'lease expired; before: ' || last_error END
		WHERE state = 'running' AND locked_until <= ? AND attempts >= max_attempts`, now, now); err != nil {
		return nil, fmt.Errorf("fail expired jobs: %w", err)
	}
	lock := ""
	if tx.dialect() == Postgres {
		// Concurrent claimers on other nodes skip each other's rows
		// instead of waiting for them.
		lock = " FOR UPDATE SKIP LOCKED"
	}
	jobs, err := scanJobs(tx.Query(`UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ?, updated_at = ?
		WHERE id IN (
			SELECT id FROM jobs
			WHERE (state = 'queued' AND run_at <= ?)
			   OR (state = 'running' AND locked_until <= ? AND attempts < max_attempts)
			ORDER BY run_at, id LIMIT ?`+lock+`)
		RETURNING `+jobCols,
		Micros(tx.Now().Add(lease)), now, now, now, limit))
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	slices.SortFunc(jobs, func(a, b Job) int {
		if c := a.RunAt.Compare(b.RunAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return jobs, nil
}

// CompleteJob marks a claimed job done. It returns ErrNotFound when the
// claim (id, attempt) no longer holds the job: its lease expired and another
// runner took it.
func CompleteJob(tx *Tx, id int64, attempt int) error {
	return finishJob(tx, `UPDATE jobs SET state = 'done', locked_until = 0, updated_at = ?
		WHERE id = ? AND state = 'running' AND attempts = ?`, Micros(tx.Now()), id, attempt)
}

// FailJob marks a claimed job failed for good, keeping err for the operator.
func FailJob(tx *Tx, id int64, attempt int, lastErr string) error {
	return finishJob(tx, `UPDATE jobs SET state = 'failed', locked_until = 0, last_error = ?, updated_at = ?
		WHERE id = ? AND state = 'running' AND attempts = ?`, lastErr, Micros(tx.Now()), id, attempt)
}

// RetryJob puts a claimed job back in the queue to run again at runAt. If a
// queued job with the same dedupe key was enqueued meanwhile, this one gives
// up its key (both run) rather than break the key's uniqueness.
func RetryJob(tx *Tx, id int64, attempt int, runAt time.Time, lastErr string) error {
	return finishJob(tx, `UPDATE jobs SET state = 'queued', locked_until = 0, run_at = ?, last_error = ?, updated_at = ?,
			dedupe_key = CASE WHEN EXISTS (SELECT 1 FROM jobs d WHERE d.dedupe_key = jobs.dedupe_key AND d.state = 'queued')
				THEN NULL ELSE dedupe_key END
		WHERE id = ? AND state = 'running' AND attempts = ?`,
		Micros(runAt), lastErr, Micros(tx.Now()), id, attempt)
}

// RequeueJob gives a failed job of the marketplace (AllMarketplaces: of
// any) a fresh set of attempts, to run now. It is the operator's retry
// button; it returns ErrNotFound unless the job exists there and has failed.
func RequeueJob(tx *Tx, marketplaceID, id int64) error {
	var b builder
	b.w(`UPDATE jobs SET state = 'queued', attempts = 0, locked_until = 0, run_at = ?, updated_at = ?,
			dedupe_key = CASE WHEN EXISTS (SELECT 1 FROM jobs d WHERE d.dedupe_key = jobs.dedupe_key AND d.state = 'queued')
				THEN NULL ELSE dedupe_key END
		WHERE id = ? AND state = 'failed'`, Micros(tx.Now()), Micros(tx.Now()), id)
	if marketplaceID != AllMarketplaces {
		b.w(` AND marketplace_id = ?`, marketplaceID)
	}
	return finishJob(tx, b.String(), b.args...)
}

func finishJob(tx *Tx, q string, args ...any) error {
	res, err := tx.Exec(q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// PruneJobs deletes jobs in state last updated before the time, and returns
// how many it deleted. Done jobs are kept a while for the operator, then
// pruned so that the table stays small.
func PruneJobs(tx *Tx, state string, before time.Time) (int64, error) {
	res, err := tx.Exec(`DELETE FROM jobs WHERE state = ? AND updated_at < ?`, state, Micros(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// JobByID returns a job.
func JobByID(q Querier, id int64) (Job, error) {
	return scanJob(q.QueryRow(`SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
}

// Jobs lists the jobs of a marketplace (AllMarketplaces: of all) newest
// first, in one state (all states when state is empty), with keyset
// pagination: pass before = 0 for the first page and the last id seen for the
// next. The conditions are left out rather than disabled with parameters, so
// that the (marketplace_id, state, id) indexes serve the query.
func Jobs(q Querier, marketplaceID int64, state string, before int64, limit int) ([]Job, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	var b builder
	b.w(`SELECT `+jobCols+` FROM jobs WHERE id < ?`, before)
	if marketplaceID != AllMarketplaces {
		b.w(` AND marketplace_id = ?`, marketplaceID)
	}
	if state != "" {
		b.w(` AND state = ?`, state)
	}
	b.w(` ORDER BY id DESC LIMIT ?`, limit)
	return scanJobs(q.Query(b.String(), b.args...))
}

// NextJobAt returns when the earliest queued job is due; ok is false when
// none is queued.
func NextJobAt(q Querier) (at time.Time, ok bool, err error) {
	var us sql.NullInt64
	if err := q.QueryRow(`SELECT MIN(run_at) FROM jobs WHERE state = 'queued'`).Scan(&us); err != nil {
		return time.Time{}, false, mapError(err)
	}
	if !us.Valid {
		return time.Time{}, false, nil
	}
	return FromMicros(us.Int64), true, nil
}

// DeleteQueuedJobs deletes a marketplace's queued jobs of a kind whose JSON
// payload has field (a top-level key, letters, digits and _) equal to the
// number value, and returns how many it deleted: the jobs of something that
// is gone (a removed webhook's pending deliveries). Running jobs are left
// to finish; their handler finds the thing gone.
func DeleteQueuedJobs(tx *Tx, marketplaceID int64, kind, field string, value int64) (int64, error) {
	ok := field != ""
	for _, r := range field {
		ok = ok && (r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}
	if !ok {
		return 0, fmt.Errorf("store: bad payload field %q", field)
	}
	// The payload is TEXT on both dialects; each reads JSON its own way.
	match := `json_extract(payload, '$.` + field + `') = ?`
	var arg any = value
	if tx.dialect() == Postgres {
		match = `(payload::jsonb -> '` + field + `') = CAST(? AS jsonb)`
		arg = strconv.FormatInt(value, 10)
	}
	res, err := tx.Exec(`DELETE FROM jobs WHERE marketplace_id = ? AND state = 'queued' AND kind = ? AND `+match, marketplaceID, kind, arg)
	if err != nil {
		return 0, mapError(err)
	}
	return res.RowsAffected()
}

// JobDepth is how many jobs of a kind wait in a state.
type JobDepth struct {
	Kind  string
	State string
	Count int64
}

// JobDepths counts the jobs that are queued or running, and those that
// failed for good, by kind (the queue depths metrics show). Done jobs are
// left out: they are pruned after a while and say nothing about a backlog.
func JobDepths(q Querier) ([]JobDepth, error) {
	rows, err := q.Query(`SELECT kind, state, COUNT(*) FROM jobs WHERE state IN ('queued', 'running', 'failed') GROUP BY kind, state`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []JobDepth
	for rows.Next() {
		var d JobDepth
		if err := rows.Scan(&d.Kind, &d.State, &d.Count); err != nil {
			return nil, mapError(err)
		}
		out = append(out, d)
	}
	return out, mapError(rows.Err())
}
