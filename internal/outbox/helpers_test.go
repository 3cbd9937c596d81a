package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// clock is the tests' settable store clock.
type clock = storetest.Clock

// eachDB runs f on SQLite and on PostgreSQL with a test clock; cfg lets a
// test open a second DB (a second node) on the same database.
func eachDB(t *testing.T, f func(t *testing.T, db *store.DB, clk *clock, cfg store.Config)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			clk := storetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			cfg := storetest.Config(t, d)
			cfg.Now = clk.Now
			f(t, openDB(t, cfg), clk, cfg)
		})
	}
}

func openDB(t *testing.T, cfg store.Config) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// startRunner starts a runner with quick test defaults, stopped at cleanup.
func startRunner(t *testing.T, db *store.DB, opts outbox.Options, handlers map[string]outbox.Handler) *outbox.Runner {
	t.Helper()
	if opts.PollInterval == 0 {
		opts.PollInterval = 10 * time.Millisecond
	}
	r := outbox.NewRunner(db, opts)
	for kind, h := range handlers {
		r.Register(kind, h)
	}
	r.Start(context.Background())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
	return r
}

func enqueue(t *testing.T, db *store.DB, q *outbox.Queue, jobs ...outbox.Job) {
	t.Helper()
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		for _, j := range jobs {
			if err := q.Enqueue(tx, j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
}

// allJobs returns every job, newest first.
func allJobs(t *testing.T, db *store.DB) []store.Job {
	t.Helper()
	jobs, err := store.Jobs(db.Reader(context.Background()), store.AllMarketplaces, "", 0, 1000)
	if err != nil {
		t.Fatalf("Jobs: %v", err)
	}
	return jobs
}

// onlyJob returns the single job in the table.
func onlyJob(t *testing.T, db *store.DB) store.Job {
	t.Helper()
	jobs := allJobs(t, db)
	if len(jobs) != 1 {
		t.Fatalf("jobs = %d, want 1", len(jobs))
	}
	return jobs[0]
}

// waitFor polls cond for up to a minute: it returns as soon as cond holds,
// so the bound only matters when cond never comes (a busy machine makes it
// late, not false).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// jobIs waits until the single job is in state after attempts tries.
func jobIs(t *testing.T, db *store.DB, state string, attempts int) store.Job {
	t.Helper()
	var j store.Job
	waitFor(t, "job "+state, func() bool {
		j = onlyJob(t, db)
		return j.State == state && j.Attempts == attempts
	})
	return j
}
