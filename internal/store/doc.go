// Package store is Parley's database access: one hand-written SQL layer over
// database/sql that serves SQLite (embedded default, pure Go driver, WAL,
// synchronous=FULL) and PostgreSQL, with the dialect chosen once at Open.
//
// Writes go through a group-commit writer (writer.go): requests from many
// goroutines are queued, run one after another inside a single transaction,
// each under its own savepoint, and committed together, so that every
// acknowledged write is durable at the cost of one fsync per batch. Every
// write transaction takes the next value of a global change counter first;
// because that counter row stays locked until commit, transactions commit in
// counter order, and "everything with change_seq > cursor" is a sync feed that
// never skips a row (see sync.go).
//
// Reads use a separate pool (SQLite readers do not wait for the writer in WAL
// mode). Driver errors are mapped once, per dialect, to ErrNotFound and
// ErrConflict (errors.go). Times are stored as unix microseconds.
package store
