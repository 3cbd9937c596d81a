package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names the SQL database behind a DB.
type Dialect string

// The two dialects Parley runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

// Config says where the database is.
type Config struct {
	// URL is a postgres:// URL; empty means SQLite in Dir.
	URL string
	// Dir is the data directory holding parley.db for SQLite.
	Dir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
	// MigrateTo stops the migrations at this version (0: all of them): tests
	// open a database at an older schema to check a data migration.
	MigrateTo int64
	// OnBatch, when set, is told of every committed group-commit batch:
	// how many write requests it held and how long it took (metrics).
	OnBatch func(requests int, took time.Duration)
}

// DB is the database: a write side behind the group-commit writer and a read
// pool.
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB
	now     func() time.Time
	log     *slog.Logger
	w       *writer
	binds   sync.Map // query string -> rebound query (PostgreSQL)
	path    string   // SQLite database file

	readStmts, writeStmts sync.Map // query string -> *sql.Stmt (SQLite)
	stmtCount             atomic.Int64
	pendingMu             sync.Mutex
	pending               []string // writer queries to prepare after commit
	search                *searchIndexer
	onBatch               func(int, time.Duration)
	migrateTo             int64
}

// Open opens the database, applies migrations and starts the writer.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db := &DB{now: cfg.Now, log: cfg.Log, onBatch: cfg.OnBatch, migrateTo: cfg.MigrateTo}
	if db.now == nil {
		db.now = time.Now
	}
	if db.log == nil {
		db.log = slog.Default()
	}
	var err error
	if cfg.URL != "" {
		err = db.openPostgres(cfg.URL)
	} else {
		err = db.openSQLite(cfg.Dir)
	}
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.closeConns()
		return nil, err
	}
	writers := 1 // SQLite has one write lock
	if db.Dialect == Postgres {
		writers = 4
	}
	db.w = newWriter(db, writers)
	if err := db.startSearchIndexer(ctx); err != nil {
		db.w.close()
		db.closeConns()
		return nil, err
	}
	return db, nil
}

func (db *DB) openSQLite(dir string) error {
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dir, "parley.db")
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=temp_store(MEMORY)"
	// FULL: every commit fsyncs the WAL before it returns, so an
	// acknowledged write is on disk; group commit shares one fsync among a
	// batch. (Measured here: moving the fsync off the writer's path gained
	// nothing, an fdatasync costs about 0.3 ms on this disk.)
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return err
	}
	// One connection: SQLite has one writer, and the group-commit writer is
	// the only user of it.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return err
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	db.Dialect, db.write, db.read, db.path = SQLite, w, r, path
	return nil
}

func (db *DB) openPostgres(rawURL string) error {
	if u, err := url.Parse(rawURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("PARLEY_DATABASE_URL: want a postgres:// URL")
	}
	p, err := sql.Open("pgx", rawURL)
	if err != nil {
		return err
	}
	p.SetMaxOpenConns(16)
	p.SetMaxIdleConns(16)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	db.Dialect, db.write, db.read = Postgres, p, p
	return nil
}

func (db *DB) migrate(ctx context.Context) error {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if db.Dialect == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	var opts []goose.ProviderOption
	if db.Dialect == Postgres {
		// Nodes starting together on a new database take turns: a
		// session-level advisory lock around the migrations.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.write, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if db.migrateTo > 0 {
		_, err = p.UpTo(ctx, db.migrateTo)
	} else {
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

// Close drains the writer and closes the connections.
func (db *DB) Close() error {
	db.stopSearchIndexer()
	if db.w != nil {
		db.w.close()
	}
	for _, m := range []*sync.Map{&db.readStmts, &db.writeStmts} {
		m.Range(func(_, v any) bool {
			v.(*sql.Stmt).Close()
			return true
		})
	}
	return db.closeConns()
}

func (db *DB) closeConns() error {
	err := db.write.Close()
	if db.read != db.write {
		if rerr := db.read.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Now returns the database clock.
func (db *DB) Now() time.Time { return db.now() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// rebind rewrites ? placeholders to $n for PostgreSQL. Queries are written
// with ? and contain no literal question marks.
func (db *DB) rebind(q string) string {
	if db.Dialect != Postgres {
		return q
	}
	if v, ok := db.binds.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	out := b.String()
	db.binds.Store(q, out)
	return out
}

// Querier runs queries: a read connection or a write transaction.
type Querier interface {
	Query(q string, args ...any) (*sql.Rows, error)
	QueryRow(q string, args ...any) Row
	Exec(q string, args ...any) (sql.Result, error)
	Now() time.Time
	dialect() Dialect
}

// Reader returns a Querier on the read pool.
func (db *DB) Reader(ctx context.Context) Querier { return reader{db: db, ctx: ctx} }

type reader struct {
	db  *DB
	ctx context.Context
}

func (r reader) Query(q string, args ...any) (*sql.Rows, error) {
	if st := r.db.prepared(r.db.read, q); st != nil {
		return st.QueryContext(r.ctx, args...)
	}
	return r.db.read.QueryContext(r.ctx, r.db.rebind(q), args...)
}
func (r reader) QueryRow(q string, args ...any) Row {
	if st := r.db.prepared(r.db.read, q); st != nil {
		return st.QueryRowContext(r.ctx, args...)
	}
	return r.db.read.QueryRowContext(r.ctx, r.db.rebind(q), args...)
}
func (r reader) Exec(q string, args ...any) (sql.Result, error) {
	return nil, fmt.Errorf("store: write through the read pool")
}
func (r reader) Now() time.Time   { return r.db.now() }
func (r reader) dialect() Dialect { return r.db.Dialect }

// Micros converts a time to the stored unix microseconds.
func Micros(t time.Time) int64 { return t.UnixMicro() }

// FromMicros converts stored unix microseconds to a UTC time.
func FromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// Pool is the PostgreSQL connection pool, for parts that keep their own
// tables there (the blob store); nil on SQLite.
func (db *DB) Pool() *sql.DB {
	if db.Dialect != Postgres {
		return nil
	}
	return db.write
}
