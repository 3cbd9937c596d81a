// Package storetest opens real databases for tests: a fresh SQLite file in a
// temporary directory, and a fresh schema on the PostgreSQL server named by
// PARLEY_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
// Without PostgreSQL the PostgreSQL half of a test is skipped, unless CI=true,
// where it fails.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// PostgresURL is the server used by tests.
func PostgresURL() string {
	if u := os.Getenv("PARLEY_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// Each runs f once per dialect, as subtests named "sqlite" and "postgres".
func Each(t *testing.T, f func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			f(t, Open(t, d))
		})
	}
}

// Open opens a fresh, migrated database of the dialect, closed at cleanup.
func Open(tb testing.TB, d store.Dialect) *store.DB {
	tb.Helper()
	cfg := Config(tb, d)
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open %s: %v", d, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Config returns a store.Config for a fresh database of the dialect: a
// temporary directory for SQLite, a new schema for PostgreSQL (dropped at
// cleanup).
func Config(tb testing.TB, d store.Dialect) store.Config {
	tb.Helper()
	if d == store.SQLite {
		return store.Config{Dir: tb.TempDir()}
	}
	return store.Config{URL: NewSchema(tb)}
}

// NewSchema creates an empty schema on the test PostgreSQL server and returns
// a URL whose search_path points at it.
func NewSchema(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL is required with CI=true: %v", err)
		}
		tb.Skipf("PostgreSQL not available: %v", err)
	}
	schema := fmt.Sprintf("t_%d_%d", time.Now().UnixNano(), rand.IntN(1e6))
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Clock is a settable clock for store.Config.Now, so that tests move time
// instead of waiting for it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock forward.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
