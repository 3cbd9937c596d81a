package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// clock is the tests' settable store clock.
type clock = storetest.Clock

// eachClocked runs f on both dialects with the database clock under test
// control.
func eachClocked(t *testing.T, f func(t *testing.T, db *store.DB, clk *clock)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			clk := storetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			cfg := storetest.Config(t, d)
			cfg.Now = clk.Now
			db, err := store.Open(context.Background(), cfg)
			if err != nil {
				t.Fatalf("open %s: %v", d, err)
			}
			t.Cleanup(func() { db.Close() })
			f(t, db, clk)
		})
	}
}

func mustWrite(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func insertJob(t *testing.T, db *store.DB, j store.NewJob) (int64, bool) {
	t.Helper()
	var id int64
	var inserted bool
	mustWrite(t, db, func(tx *store.Tx) (err error) {
		id, inserted, err = store.InsertJob(tx, j)
		return err
	})
	return id, inserted
}

func claim(t *testing.T, db *store.DB, limit int, lease time.Duration) []store.Job {
	t.Helper()
	var jobs []store.Job
	mustWrite(t, db, func(tx *store.Tx) (err error) {
		jobs, err = store.ClaimJobs(tx, limit, lease)
		return err
	})
	return jobs
}

func jobByID(t *testing.T, db *store.DB, id int64) store.Job {
	t.Helper()
	j, err := store.JobByID(db.Reader(context.Background()), id)
	if err != nil {
		t.Fatalf("JobByID(%d): %v", id, err)
	}
	return j
}

func TestInsertJob_Dedupe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, ok := insertJob(t, db, store.NewJob{Kind: "mail", Payload: []byte(`{"a":1}`), DedupeKey: "k"})
		if !ok {
			t.Fatalf("first insert: inserted = false, want true")
		}
		b, ok := insertJob(t, db, store.NewJob{Kind: "mail", Payload: []byte(`{"a":2}`), DedupeKey: "k"})
		if ok || b != a {
			t.Errorf("duplicate insert = (%d, %v), want (%d, false)", b, ok, a)
		}
		if _, ok := insertJob(t, db, store.NewJob{Kind: "mail", Payload: []byte(`{}`)}); !ok {
			t.Errorf("insert without key: inserted = false, want true")
		}
		if _, ok := insertJob(t, db, store.NewJob{Kind: "mail", Payload: []byte(`{}`)}); !ok {
			t.Errorf("second insert without key: inserted = false, want true")
		}
		// Once the keyed job runs, the key is free again.
		claim(t, db, 10, time.Minute)
		c, ok := insertJob(t, db, store.NewJob{Kind: "mail", Payload: []byte(`{}`), DedupeKey: "k"})
		if !ok || c == a {
			t.Errorf("insert after claim = (%d, %v), want a new job", c, ok)
		}
		j := jobByID(t, db, a)
		if got, want := string(j.Payload), `{"a":1}`; got != want {
			t.Errorf("Payload = %s, want %s", got, want)
		}
	})
}

func TestClaimJobs(t *testing.T) {
	eachClocked(t, func(t *testing.T, db *store.DB, clk *clock) {
		now := clk.Now()
		due, _ := insertJob(t, db, store.NewJob{Kind: "a", Payload: []byte(`1`)})
		later, _ := insertJob(t, db, store.NewJob{Kind: "b", Payload: []byte(`2`), RunAt: now.Add(time.Hour)})

		jobs := claim(t, db, 10, time.Minute)
		if len(jobs) != 1 || jobs[0].ID != due {
			t.Fatalf("claim = %+v, want job %d only", jobs, due)
		}
		got := jobs[0]
		if got.State != store.JobRunning || got.Attempts != 1 || !got.LockedUntil.Equal(now.Add(time.Minute)) {
			t.Errorf("claimed = state %s attempts %d locked %v, want running 1 %v", got.State, got.Attempts, got.LockedUntil, now.Add(time.Minute))
		}
		if jobs := claim(t, db, 10, time.Minute); len(jobs) != 0 {
			t.Errorf("claim while leased = %d jobs, want 0", len(jobs))
		}

		// The lease runs out: the job is retaken, and the old claim is void.
		clk.Add(time.Minute)
		jobs = claim(t, db, 10, time.Minute)
		if len(jobs) != 1 || jobs[0].ID != due || jobs[0].Attempts != 2 {
			t.Fatalf("claim after lease = %+v, want job %d attempt 2", jobs, due)
		}
		err := db.Write(context.Background(), func(tx *store.Tx) error { return store.CompleteJob(tx, due, 1) })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CompleteJob(stale claim) = %v, want ErrNotFound", err)
		}
		mustWrite(t, db, func(tx *store.Tx) error { return store.CompleteJob(tx, due, 2) })
		if got := jobByID(t, db, due).State; got != store.JobDone {
			t.Errorf("State = %s, want done", got)
		}

		clk.Add(time.Hour)
		jobs = claim(t, db, 10, time.Minute)
		if len(jobs) != 1 || jobs[0].ID != later {
			t.Errorf("claim an hour later = %+v, want job %d", jobs, later)
		}
	})
}

func TestClaimJobs_Limit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for range 5 {
			insertJob(t, db, store.NewJob{Kind: "a", Payload: []byte(`{}`)})
		}
		if got := len(claim(t, db, 3, time.Minute)); got != 3 {
			t.Errorf("claim(3) = %d jobs, want 3", got)
		}
		if got := len(claim(t, db, 3, time.Minute)); got != 2 {
			t.Errorf("second claim(3) = %d jobs, want 2", got)
		}
	})
}

func TestClaimJobs_ExpiredLastAttemptFails(t *testing.T) {
	eachClocked(t, func(t *testing.T, db *store.DB, clk *clock) {
		id, _ := insertJob(t, db, store.NewJob{Kind: "a", Payload: []byte(`{}`), MaxAttempts: 1})
		claim(t, db, 1, time.Minute)
		clk.Add(2 * time.Minute)
		if jobs := claim(t, db, 1, time.Minute); len(jobs) != 0 {
			t.Errorf("claim = %d jobs, want 0", len(jobs))
		}
		j := jobByID(t, db, id)
		if j.State != store.JobFailed || j.LastError != "lease expired" {
			t.Errorf("job = %s %q, want failed %q", j.State, j.LastError, "lease expired")
		}
	})
}

func TestRetryAndFailJob(t *testing.T) {
	eachClocked(t, func(t *testing.T, db *store.DB, clk *clock) {
		id, _ := insertJob(t, db, store.NewJob{Kind: "a", Payload: []byte(`{}`), DedupeKey: "k"})
		claim(t, db, 1, time.Minute)
		// A new job with the key arrives while the first one runs; the retry
		// must not collide with it.
		other, ok := insertJob(t, db, store.NewJob{Kind: "a", Payload: []byte(`{}`), DedupeKey: "k"})
		if !ok {
			t.Fatalf("insert while running: inserted = false, want true")
		}
		runAt := clk.Now().Add(10 * time.Second)
		mustWrite(t, db, func(tx *store.Tx) error { return store.RetryJob(tx, id, 1, runAt, "boom") })
		j := jobByID(t, db, id)
		if j.State != store.JobQueued || !j.RunAt.Equal(runAt) || j.LastError != "boom" || j.DedupeKey != "" {
			t.Errorf("retried = %s %v %q key %q, want queued %v %q key \"\"", j.State, j.RunAt, j.LastError, j.DedupeKey, runAt, "boom")
		}
		if got := jobByID(t, db, other).DedupeKey; got != "k" {
			t.Errorf("other DedupeKey = %q, want k", got)
		}

		clk.Add(10 * time.Second)
		jobs := claim(t, db, 10, time.Minute)
		if len(jobs) != 2 {
			t.Fatalf("claim = %d jobs, want 2", len(jobs))
		}
		mustWrite(t, db, func(tx *store.Tx) error { return store.FailJob(tx, id, 2, "bad address") })
		j = jobByID(t, db, id)
		if j.State != store.JobFailed || j.LastError != "bad address" || j.Attempts != 2 {
			t.Errorf("failed = %s %q attempts %d, want failed %q 2", j.State, j.LastError, j.Attempts, "bad address")
		}

		mustWrite(t, db, func(tx *store.Tx) error { return store.RequeueJob(tx, store.AllMarketplaces, id) })
		j = jobByID(t, db, id)
		if j.State != store.JobQueued || j.Attempts != 0 {
			t.Errorf("requeued = %s attempts %d, want queued 0", j.State, j.Attempts)
		}
		err := db.Write(context.Background(), func(tx *store.Tx) error { return store.RequeueJob(tx, store.AllMarketplaces, id) })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RequeueJob(queued) = %v, want ErrNotFound", err)
		}
	})
}

func TestJobs_Pagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var ids []int64
		for range 5 {
			id, _ := insertJob(t, db, store.NewJob{Kind: "a", Payload: []byte(`{}`)})
			ids = append(ids, id)
		}
		claim(t, db, 1, time.Minute) // ids[0] runs
		tests := []struct {
			name   string
			state  string
			before int64
			limit  int
			want   []int64
		}{
			{"AllFirstPage", "", 0, 2, []int64{ids[4], ids[3]}},
			{"AllNextPage", "", ids[3], 2, []int64{ids[2], ids[1]}},
			{"AllLastPage", "", ids[1], 2, []int64{ids[0]}},
			{"Queued", store.JobQueued, 0, 10, []int64{ids[4], ids[3], ids[2], ids[1]}},
			{"Running", store.JobRunning, 0, 10, []int64{ids[0]}},
			{"Failed", store.JobFailed, 0, 10, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				jobs, err := store.Jobs(db.Reader(context.Background()), store.AllMarketplaces, tt.state, tt.before, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, j := range jobs {
					got = append(got, j.ID)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("ids = %v, want %v", got, tt.want)
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Errorf("ids = %v, want %v", got, tt.want)
						break
					}
				}
			})
		}
	})
}

func TestJobs_Marketplace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a1, _ := insertJob(t, db, store.NewJob{MarketplaceID: 1, Kind: "a", Payload: []byte(`{}`)})
		b1, _ := insertJob(t, db, store.NewJob{MarketplaceID: 2, Kind: "a", Payload: []byte(`{}`)})
		none, _ := insertJob(t, db, store.NewJob{Kind: "a", Payload: []byte(`{}`)})
		a2, _ := insertJob(t, db, store.NewJob{MarketplaceID: 1, Kind: "a", Payload: []byte(`{}`)})
		claim(t, db, 1, time.Minute) // a1 runs
		if got := jobByID(t, db, b1).MarketplaceID; got != 2 {
			t.Errorf("MarketplaceID = %d, want 2", got)
		}
		tests := []struct {
			name        string
			marketplace int64
			state       string
			before      int64
			want        []int64
		}{
			{"All", store.AllMarketplaces, "", 0, []int64{a2, none, b1, a1}},
			{"One", 1, "", 0, []int64{a2, a1}},
			{"OneNextPage", 1, "", a2, []int64{a1}},
			{"OneQueued", 1, store.JobQueued, 0, []int64{a2}},
			{"OneRunning", 1, store.JobRunning, 0, []int64{a1}},
			{"Other", 2, "", 0, []int64{b1}},
			{"None", 0, "", 0, []int64{none}},
			{"Unknown", 3, "", 0, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				jobs, err := store.Jobs(db.Reader(context.Background()), tt.marketplace, tt.state, tt.before, 10)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, j := range jobs {
					got = append(got, j.ID)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("ids = %v, want %v", got, tt.want)
				}
			})
		}

		// Only a failed job of the marketplace is requeued.
		mustWrite(t, db, func(tx *store.Tx) error { return store.FailJob(tx, a1, 1, "boom") })
		err := db.Write(context.Background(), func(tx *store.Tx) error { return store.RequeueJob(tx, 2, a1) })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RequeueJob(another marketplace) = %v, want ErrNotFound", err)
		}
		mustWrite(t, db, func(tx *store.Tx) error { return store.RequeueJob(tx, 1, a1) })
		if got := jobByID(t, db, a1).State; got != store.JobQueued {
			t.Errorf("State = %s, want queued", got)
		}
	})
}

func TestNextJobAtAndPrune(t *testing.T) {
	eachClocked(t, func(t *testing.T, db *store.DB, clk *clock) {
		q := db.Reader(context.Background())
		if _, ok, err := store.NextJobAt(q); err != nil || ok {
			t.Errorf("NextJobAt(empty) = ok %v err %v, want false nil", ok, err)
		}
		at := clk.Now().Add(time.Hour)
		insertJob(t, db, store.NewJob{Kind: "a", Payload: []byte(`{}`), RunAt: at})
		id, _ := insertJob(t, db, store.NewJob{Kind: "a", Payload: []byte(`{}`), RunAt: at.Add(time.Hour)})
		if got, ok, err := store.NextJobAt(q); err != nil || !ok || !got.Equal(at) {
			t.Errorf("NextJobAt = %v %v %v, want %v true nil", got, ok, err, at)
		}

		clk.Add(3 * time.Hour)
		claim(t, db, 10, time.Minute)
		mustWrite(t, db, func(tx *store.Tx) error { return store.CompleteJob(tx, id, 1) })
		clk.Add(24 * time.Hour)
		var n int64
		mustWrite(t, db, func(tx *store.Tx) (err error) {
			n, err = store.PruneJobs(tx, store.JobDone, tx.Now().Add(-time.Hour))
			return err
		})
		if n != 1 {
			t.Errorf("PruneJobs = %d, want 1", n)
		}
		if _, err := store.JobByID(q, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("JobByID(pruned) = %v, want ErrNotFound", err)
		}
	})
}
