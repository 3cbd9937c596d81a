package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// maxBatch bounds how many write requests share one transaction.
const maxBatch = 256

// maxReruns bounds how often a batch is run again after a request failed
// half-way or PostgreSQL chose it as a deadlock victim.
const maxReruns = 8

// ErrClosed is returned for writes submitted after Close.
var ErrClosed = errors.New("store: closed")

// Row is one result row, scanned once.
type Row interface{ Scan(dest ...any) error }

// Tx is one write request's view of the shared batch transaction.
type Tx struct {
	tx     *sql.Tx
	db     *DB
	now    time.Time
	change int64
	after  []func()
	convs  []int64 // conversations this request changed
	msgs   []int64 // messages this request wrote
	// wrote and failed tell whether the request's error can be absorbed
	// without rolling the batch back: it ran no write and no statement of
	// it failed (a failed statement aborts a PostgreSQL transaction).
	wrote  bool
	failed bool
	batch  *batchState // SQLite: rows waiting for one INSERT (deferred.go)
}

func isWrite(q string) bool {
	q = strings.TrimSpace(q)
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "INSERT", "UPDATE", "DELETE":
		return true
	}
	return false
}

func (tx *Tx) note(q string, err error) {
	if isWrite(q) {
		tx.wrote = true
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		tx.failed = true
	}
}

// Query runs a query in the transaction.
func (tx *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	if err := tx.flushMessages(); err != nil {
		return nil, err
	}
	var rows *sql.Rows
	var err error
	if st := tx.stmt(q); st != nil {
		rows, err = st.Query(args...)
	} else {
		rows, err = tx.tx.Query(tx.db.rebind(q), args...)
	}
	tx.note(q, err)
	return rows, err
}

// QueryRow runs a single-row query in the transaction.
func (tx *Tx) QueryRow(q string, args ...any) Row {
	if err := tx.flushMessages(); err != nil {
		return errRow{err}
	}
	return tx.queryRowKeep(q, args...)
}

// queryRowKeep is QueryRow leaving the batch's deferred rows queued: for
// statements that do not read messages.
func (tx *Tx) queryRowKeep(q string, args ...any) Row {
	if st := tx.stmt(q); st != nil {
		return txRow{tx: tx, q: q, row: st.QueryRow(args...)}
	}
	return txRow{tx: tx, q: q, row: tx.tx.QueryRow(tx.db.rebind(q), args...)}
}

// errRow is a Row whose query could not run.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type txRow struct {
	tx  *Tx
	q   string
	row *sql.Row
}

func (r txRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	r.tx.note(r.q, err)
	return err
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(q string, args ...any) (sql.Result, error) {
	if err := tx.flushMessages(); err != nil {
		return nil, err
	}
	return tx.execKeep(q, args...)
}

// execKeep is Exec leaving the batch's deferred rows queued: for statements
// that do not read messages.
func (tx *Tx) execKeep(q string, args ...any) (sql.Result, error) {
	var res sql.Result
	var err error
	if st := tx.stmt(q); st != nil {
		res, err = st.Exec(args...)
	} else {
		res, err = tx.tx.Exec(tx.db.rebind(q), args...)
	}
	tx.wrote = true
	tx.note(q, err)
	return res, mapError(err)
}

// stmt returns, on SQLite, the statement for q prepared once on the
// writer's connection, so that hot queries are not parsed again for every
// message; nil on PostgreSQL, whose driver caches prepared statements itself.
func (tx *Tx) stmt(q string) *sql.Stmt {
	if p := tx.db.prepared(tx.db.write, q); p != nil {
		return tx.tx.Stmt(p)
	}
	return nil
}

// Now is the transaction's clock reading: one instant for the whole batch.
func (tx *Tx) Now() time.Time { return tx.now }

// Change is this transaction's change number. On PostgreSQL it is known
// only once the transaction is about to commit: read it in AfterCommit hooks.
func (tx *Tx) Change() int64 { return tx.change }

// AfterCommit runs f once the transaction has committed; nothing runs when it
// rolls back. Used to publish events after commit.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// touch records conversations changed by this request: they get the
// transaction's change number at commit.
func (tx *Tx) touch(ids ...int64) { tx.convs = append(tx.convs, ids...) }

func (tx *Tx) dialect() Dialect { return tx.db.Dialect }

type writeReq struct {
	fn   func(*Tx) error
	done chan error
	tx   Tx
	err  error
	out  bool // excluded from the batch: err is final
}

// writer is the group-commit writer: goroutines that take queued requests,
// run up to maxBatch of them in one transaction and commit once. SQLite has
// one (it has one write lock); PostgreSQL several, each with its own queue,
// and writes with the same key (a conversation) always go to the same one, so
// that two batches rarely wait for each other's rows.
type writer struct {
	db     *DB
	queues []chan *writeReq
	quit   chan struct{}
	done   chan struct{}
}

func newWriter(db *DB, n int) *writer {
	w := &writer{db: db, quit: make(chan struct{}), done: make(chan struct{})}
	finished := make(chan struct{}, n)
	for i := 0; i < n; i++ {
		q := make(chan *writeReq, 4*maxBatch)
		w.queues = append(w.queues, q)
		go func() {
			w.loop(q)
			finished <- struct{}{}
		}()
	}
	go func() {
		for i := 0; i < n; i++ {
			<-finished
		}
		close(w.done)
	}()
	return w
}

// Write runs fn in a write transaction shared with other concurrent writers
// and returns once it is durably committed (or failed). An error returned by
// fn undoes fn's own changes only. fn may run more than once (when another
// request of its batch fails half-way, the batch runs again without it), so
// it must not keep state across runs other than its results.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	return db.WriteKey(ctx, 0, fn)
}

// WriteKey is Write for a change to one conversation (key): changes to the
// same conversation share a writer.
func (db *DB) WriteKey(ctx context.Context, key int64, fn func(*Tx) error) error {
	r := &writeReq{fn: fn, done: make(chan error, 1)}
	q := db.w.queues[uint64(key)%uint64(len(db.w.queues))]
	select {
	case q <- r:
	case <-db.w.quit:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the request runs even if ctx ends: waiting for the result
	// keeps the caller's answer true (a retry is deduplicated anyway).
	return <-r.done
}

func (w *writer) close() {
	close(w.quit)
	<-w.done
}

func (w *writer) loop(reqs chan *writeReq) {
	batch := make([]*writeReq, 0, maxBatch)
	for {
		var first *writeReq
		select {
		case first = <-reqs:
		case <-w.quit:
			// Drain what was queued before Close.
			for {
				select {
				case r := <-reqs:
					w.run([]*writeReq{r})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		w.run(batch)
		if w.db.Dialect == SQLite {
			w.db.preparePending()
		}
	}
}

// run commits a batch and answers its requests. Requests whose error left
// no trace are simply answered with it; a request that failed after writing
// (or with a failed statement) makes the batch roll back and run again
// without it.
func (w *writer) run(batch []*writeReq) {
	var err error
	start := time.Now()
	bs := &batchState{}
	for deadlocks := 0; ; {
		var rerun bool
		rerun, err = w.runOnce(batch, bs)
		if rerun {
			continue // ends: every rerun leaves one more request out, or stops deferring
		}
		if err != nil && retryable(err) && deadlocks < maxReruns {
			deadlocks++
			continue
		}
		break
	}
	if err == nil && w.db.onBatch != nil {
		w.db.onBatch(len(batch), time.Since(start))
	}
	answer(batch, err)
}

// answer tells each request of a batch how it ended and, for those that
// committed, runs their after-commit hooks.
func answer(batch []*writeReq, err error) {
	for _, r := range batch {
		e := r.err
		if !r.out && err != nil {
			e = err
		}
		if e == nil {
			for _, f := range r.tx.after {
				f()
			}
		}
		r.done <- e
	}
}

// retryable reports whether a batch failed only because PostgreSQL chose
// it as a deadlock or serialization victim.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

func (w *writer) runOnce(batch []*writeReq, bs *batchState) (rerun bool, err error) {
	db := w.db
	bs.rows, bs.nextID, bs.deferErr = nil, 0, nil
	ctx := context.Background()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()

	now := db.now().UTC().Truncate(time.Microsecond)
	// SQLite has one writer: the batch takes its change number first and
	// writes it straight into new messages. PostgreSQL writers take theirs
	// last (below) and stamp the rows.
	var change int64
	if db.Dialect == SQLite {
		if change, err = nextChange(&Tx{tx: sqlTx, db: db}); err != nil {
			return false, err
		}
	}
	var convs, msgs []int64
	for _, r := range batch {
		if r.out {
			continue
		}
		r.tx = Tx{tx: sqlTx, db: db, now: now, change: change, batch: bs}
		r.err = call(r)
		if bs.deferErr != nil {
			// The queued rows of earlier requests failed, not this one.
			bs.noDefer = true
			return true, nil
		}
		if r.err == nil {
			convs = append(convs, r.tx.convs...)
			msgs = append(msgs, r.tx.msgs...)
			continue
		}
		r.tx.after = nil
		if r.tx.failed && retryable(r.err) {
			return false, r.err
		}
		if r.tx.wrote || r.tx.failed {
			// Its half-done work is in the transaction: roll back and run the
			// batch again without it. Its error stands.
			r.out = true
			return true, nil
		}
	}
	if err := (&Tx{tx: sqlTx, db: db, batch: bs}).flushMessages(); err != nil {
		bs.noDefer = true
		return true, nil
	}
	// The change number is taken last, just before commit, so that the
	// counter row is locked only for the commit: transactions still commit
	// in change order (see sync.go), but concurrent writers on PostgreSQL
	// do their work in parallel.
	if len(convs) > 0 || len(msgs) > 0 {
		if db.Dialect == Postgres {
			if change, err = nextChange(&Tx{tx: sqlTx, db: db}); err != nil {
				return false, err
			}
			if err := stamp(sqlTx, db, "messages", change, msgs); err != nil {
				return false, err
			}
		}
		if err := stamp(sqlTx, db, "conversations", change, convs); err != nil {
			return false, err
		}
		for _, r := range batch {
			r.tx.change = change
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return false, fmt.Errorf("commit: %w", err)
	}
	if len(msgs) > 0 {
		db.messagesWritten()
	}
	return false, nil
}

// nextChange takes the batch's change number. It runs for every batch: on
// SQLite as two prepared statements, since SQLite runs RETURNING as a
// trigger program into a temporary table.
func nextChange(tx *Tx) (int64, error) {
	var change int64
	var err error
	if tx.dialect() == SQLite {
		if _, err = tx.Exec(`UPDATE counters SET value = value + 1 WHERE name = 'change'`); err == nil {
			err = tx.QueryRow(`SELECT value FROM counters WHERE name = 'change'`).Scan(&change)
		}
	} else {
		err = tx.QueryRow(`UPDATE counters SET value = value + 1 WHERE name = 'change' RETURNING value`).Scan(&change)
	}
	if err != nil {
		return 0, fmt.Errorf("change counter: %w", err)
	}
	return change, nil
}

// stamp writes the change number on the rows a batch changed.
func stamp(tx *sql.Tx, db *DB, table string, change int64, ids []int64) error {
	ids = uniqueIDs(ids)
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, 0, n+1)
		args = append(args, change)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		if _, err := tx.Exec(db.rebind(`UPDATE `+table+` SET change_seq = ? WHERE id IN (`+placeholders(n)+`)`), args...); err != nil {
			return fmt.Errorf("stamp %s: %w", table, err)
		}
		ids = ids[n:]
	}
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// call runs one request, turning a panic into an error so that one bad
// request cannot take the batch (or the process) down.
func call(r *writeReq) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.tx.failed = true
			err = fmt.Errorf("store: panic in write: %v\n%s", p, debug.Stack())
		}
	}()
	return r.fn(&r.tx)
}
