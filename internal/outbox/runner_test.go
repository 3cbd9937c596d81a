package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

type mailPayload struct {
	To string `json:"to"`
}

func TestRunner_RunsAfterCommit(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		got := make(chan mailPayload, 1)
		// A poll interval of an hour: only the after-commit wake-up can
		// start the job in time.
		r := startRunner(t, db, outbox.Options{PollInterval: time.Hour}, map[string]outbox.Handler{
			"mail": func(ctx context.Context, payload []byte) error {
				var p mailPayload
				if err := json.Unmarshal(payload, &p); err != nil {
					return outbox.Permanent(err)
				}
				got <- p
				return nil
			},
		})
		time.Sleep(20 * time.Millisecond) // let the loop go to sleep
		enqueue(t, db, r.Queue(), outbox.Job{Kind: "mail", Payload: mailPayload{To: "a@example.com"}})
		select {
		case p := <-got:
			if p.To != "a@example.com" {
				t.Errorf("payload To = %q, want %q", p.To, "a@example.com")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("job did not run after commit")
		}
		jobIs(t, db, store.JobDone, 1)
	})
}

func TestRunner_RollbackRunsNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		var calls atomic.Int32
		r := startRunner(t, db, outbox.Options{}, map[string]outbox.Handler{
			"mail": func(ctx context.Context, payload []byte) error { calls.Add(1); return nil },
		})
		errBoom := errors.New("boom")
		err := db.Write(context.Background(), func(tx *store.Tx) error {
			if err := r.Queue().Enqueue(tx, outbox.Job{Kind: "mail", Payload: 1}); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("Write = %v, want boom", err)
		}
		time.Sleep(100 * time.Millisecond)
		if n := calls.Load(); n != 0 {
			t.Errorf("handler calls = %d, want 0", n)
		}
		if jobs := allJobs(t, db); len(jobs) != 0 {
			t.Errorf("jobs = %d, want 0", len(jobs))
		}
	})
}

func TestRunner_RetryWithBackoff(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		var calls atomic.Int32
		r := startRunner(t, db, outbox.Options{
			Backoff: func(attempt int) time.Duration { return time.Duration(attempt) * time.Minute },
		}, map[string]outbox.Handler{
			"mail": func(ctx context.Context, payload []byte) error {
				calls.Add(1)
				return errors.New("connection refused")
			},
		})
		enqueue(t, db, r.Queue(), outbox.Job{Kind: "mail", Payload: 1, MaxAttempts: 3})

		for attempt := 1; attempt <= 2; attempt++ {
			j := jobIs(t, db, store.JobQueued, attempt)
			if want := clk.Now().Add(time.Duration(attempt) * time.Minute); !j.RunAt.Equal(want) {
				t.Errorf("attempt %d: RunAt = %v, want %v", attempt, j.RunAt, want)
			}
			if j.LastError != "connection refused" {
				t.Errorf("attempt %d: LastError = %q, want %q", attempt, j.LastError, "connection refused")
			}
			// Not before its time.
			time.Sleep(30 * time.Millisecond)
			if n := calls.Load(); int(n) != attempt {
				t.Errorf("calls before backoff = %d, want %d", n, attempt)
			}
			clk.Add(time.Duration(attempt) * time.Minute)
		}
		j := jobIs(t, db, store.JobFailed, 3)
		if j.LastError != "connection refused" {
			t.Errorf("LastError = %q, want %q", j.LastError, "connection refused")
		}
		if n := calls.Load(); n != 3 {
			t.Errorf("calls = %d, want 3", n)
		}
	})
}

func TestRunner_RetryThenSucceed(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		var calls atomic.Int32
		r := startRunner(t, db, outbox.Options{
			Backoff: func(int) time.Duration { return time.Second },
		}, map[string]outbox.Handler{
			"mail": func(ctx context.Context, payload []byte) error {
				if calls.Add(1) == 1 {
					return errors.New("try again")
				}
				return nil
			},
		})
		enqueue(t, db, r.Queue(), outbox.Job{Kind: "mail", Payload: 1})
		jobIs(t, db, store.JobQueued, 1)
		clk.Add(time.Second)
		jobIs(t, db, store.JobDone, 2)
	})
}

func TestRunner_FailsAtOnce(t *testing.T) {
	tests := []struct {
		name    string
		kind    string
		handler outbox.Handler
		want    string
	}{
		{"Permanent", "mail", func(context.Context, []byte) error {
			return fmt.Errorf("send: %w", outbox.Permanent(errors.New("no such mailbox")))
		}, "send: no such mailbox"},
		{"LastAttempt", "mail", func(context.Context, []byte) error { return errors.New("timeout") }, "timeout"},
		{"Panic", "mail", func(context.Context, []byte) error { panic("kaboom") }, "panic: kaboom"},
		{"NoHandler", "fax", nil, "no handler for job kind fax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
				handlers := map[string]outbox.Handler{}
				if tt.handler != nil {
					handlers[tt.kind] = tt.handler
				}
				r := startRunner(t, db, outbox.Options{}, handlers)
				maxAttempts := 5
				if tt.name != "Permanent" {
					maxAttempts = 1
				}
				enqueue(t, db, r.Queue(), outbox.Job{Kind: tt.kind, Payload: 1, MaxAttempts: maxAttempts})
				jobIs(t, db, store.JobFailed, 1)

				failed, next, err := r.Failed(context.Background(), store.AllMarketplaces, 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				if len(failed) != 1 || next != 0 {
					t.Fatalf("Failed = %d jobs next %d, want 1 job next 0", len(failed), next)
				}
				if got := failed[0].LastError; got != tt.want {
					t.Errorf("LastError = %q, want %q", got, tt.want)
				}
			})
		})
	}
}

func TestRunner_Requeue(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		var fixed atomic.Bool
		r := startRunner(t, db, outbox.Options{PollInterval: time.Hour}, map[string]outbox.Handler{
			"mail": func(context.Context, []byte) error {
				if !fixed.Load() {
					return outbox.Permanent(errors.New("relay denied"))
				}
				return nil
			},
		})
		enqueue(t, db, r.Queue(), outbox.Job{MarketplaceID: 7, Kind: "mail", Payload: 1})
		j := jobIs(t, db, store.JobFailed, 1)
		if j.MarketplaceID != 7 {
			t.Errorf("MarketplaceID = %d, want 7", j.MarketplaceID)
		}
		if jobs, _, err := r.Failed(context.Background(), 8, 0, 10); err != nil || len(jobs) != 0 {
			t.Errorf("Failed(other marketplace) = %d jobs %v, want none", len(jobs), err)
		}
		if jobs, _, err := r.Failed(context.Background(), 7, 0, 10); err != nil || len(jobs) != 1 {
			t.Errorf("Failed(its marketplace) = %d jobs %v, want 1", len(jobs), err)
		}
		if err := r.Requeue(context.Background(), 8, j.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Requeue(other marketplace) = %v, want ErrNotFound", err)
		}
		fixed.Store(true)
		if err := r.Requeue(context.Background(), 7, j.ID); err != nil {
			t.Fatalf("Requeue: %v", err)
		}
		jobIs(t, db, store.JobDone, 1)
		if err := r.Requeue(context.Background(), store.AllMarketplaces, j.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Requeue(done) = %v, want ErrNotFound", err)
		}
	})
}

func TestQueue_Dedupe(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		var q outbox.Queue // no runner: jobs wait
		enqueue(t, db, &q,
			outbox.Job{Kind: "digest", Payload: "first", DedupeKey: "digest:7"},
			outbox.Job{Kind: "digest", Payload: "second", DedupeKey: "digest:7"})
		enqueue(t, db, &q, outbox.Job{Kind: "digest", Payload: "third", DedupeKey: "digest:7"})
		enqueue(t, db, &q, outbox.Job{Kind: "digest", Payload: "other", DedupeKey: "digest:8"})

		var mu sync.Mutex
		var got []string
		startRunner(t, db, outbox.Options{}, map[string]outbox.Handler{
			"digest": func(ctx context.Context, payload []byte) error {
				var s string
				json.Unmarshal(payload, &s)
				mu.Lock()
				got = append(got, s)
				mu.Unlock()
				return nil
			},
		})
		waitFor(t, "both jobs", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(got) == 2
		})
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 2 || !(got[0] == "first" && got[1] == "other" || got[0] == "other" && got[1] == "first") {
			t.Errorf("handled = %q, want first and other", got)
		}
	})
}

func TestRunner_LeaseExpiryRetake(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		enqueue(t, db, &outbox.Queue{}, outbox.Job{Kind: "mail", Payload: 1})
		// A node claims the job and dies.
		err := db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := store.ClaimJobs(tx, 10, time.Minute)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var calls atomic.Int32
		startRunner(t, db, outbox.Options{Lease: time.Minute}, map[string]outbox.Handler{
			"mail": func(context.Context, []byte) error { calls.Add(1); return nil },
		})
		time.Sleep(50 * time.Millisecond)
		if n := calls.Load(); n != 0 {
			t.Fatalf("calls while leased = %d, want 0", n)
		}
		clk.Add(time.Minute)
		jobIs(t, db, store.JobDone, 2)
		if n := calls.Load(); n != 1 {
			t.Errorf("calls = %d, want 1", n)
		}
	})
}

func TestRunner_Stop(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		started := make(chan struct{})
		release := make(chan struct{})
		r := outbox.NewRunner(db, outbox.Options{PollInterval: 10 * time.Millisecond})
		r.Register("slow", func(ctx context.Context, _ []byte) error {
			close(started)
			<-release
			return nil
		})
		r.Start(context.Background())
		enqueue(t, db, r.Queue(), outbox.Job{Kind: "slow", Payload: 1})
		<-started

		stopped := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			stopped <- r.Stop(ctx)
		}()
		select {
		case err := <-stopped:
			t.Fatalf("Stop returned %v while a job was running", err)
		case <-time.After(50 * time.Millisecond):
		}
		close(release)
		if err := <-stopped; err != nil {
			t.Errorf("Stop = %v, want nil", err)
		}
		jobIs(t, db, store.JobDone, 1)

		// Stopped: new jobs wait.
		enqueue(t, db, r.Queue(), outbox.Job{Kind: "slow", Payload: 2})
		time.Sleep(50 * time.Millisecond)
		if jobs, _, _ := r.List(context.Background(), store.AllMarketplaces, store.JobQueued, 0, 10); len(jobs) != 1 {
			t.Errorf("queued after Stop = %d, want 1", len(jobs))
		}
	})
}

func TestRunner_StopDeadline(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		started := make(chan struct{})
		cancelled := make(chan struct{})
		r := outbox.NewRunner(db, outbox.Options{PollInterval: 10 * time.Millisecond})
		r.Register("stuck", func(ctx context.Context, _ []byte) error {
			close(started)
			<-ctx.Done()
			close(cancelled)
			return ctx.Err()
		})
		r.Start(context.Background())
		enqueue(t, db, r.Queue(), outbox.Job{Kind: "stuck", Payload: 1})
		<-started
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if err := r.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Stop = %v, want DeadlineExceeded", err)
		}
		select {
		case <-cancelled:
		case <-time.After(5 * time.Second):
			t.Fatal("handler context not cancelled after Stop gave up")
		}
	})
}

func TestRunner_WorkerPool(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		var running, peak, done atomic.Int32
		release := make(chan struct{})
		r := startRunner(t, db, outbox.Options{Workers: 2}, map[string]outbox.Handler{
			"work": func(context.Context, []byte) error {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				<-release
				running.Add(-1)
				done.Add(1)
				return nil
			},
		})
		for i := range 6 {
			enqueue(t, db, r.Queue(), outbox.Job{Kind: "work", Payload: i})
		}
		waitFor(t, "two running", func() bool { return running.Load() == 2 })
		time.Sleep(50 * time.Millisecond)
		close(release)
		waitFor(t, "all done", func() bool { return done.Load() == 6 })
		if p := peak.Load(); p != 2 {
			t.Errorf("peak concurrency = %d, want 2", p)
		}
	})
}

func TestRunner_TwoNodesRunEachJobOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, cfg store.Config) {
		other := openDB(t, cfg)
		const n = 60
		var mu sync.Mutex
		runs := map[int]int{}
		handler := func(ctx context.Context, payload []byte) error {
			var i int
			if err := json.Unmarshal(payload, &i); err != nil {
				return err
			}
			mu.Lock()
			runs[i]++
			mu.Unlock()
			return nil
		}
		a := startRunner(t, db, outbox.Options{}, map[string]outbox.Handler{"work": handler})
		b := startRunner(t, other, outbox.Options{}, map[string]outbox.Handler{"work": handler})
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				node, q := db, a.Queue()
				if i%2 == 1 {
					node, q = other, b.Queue()
				}
				enqueue(t, node, q, outbox.Job{Kind: "work", Payload: i})
			}()
		}
		wg.Wait()
		waitFor(t, "every job", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(runs) == n
		})
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		for i, c := range runs {
			if c != 1 {
				t.Errorf("job %d ran %d times, want 1", i, c)
			}
		}
	})
}

func TestRunner_List(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		r := outbox.NewRunner(db, outbox.Options{})
		for i := range 5 {
			enqueue(t, db, r.Queue(), outbox.Job{Kind: "k", Payload: i})
		}
		var pages [][]int64
		cursor := int64(0)
		for {
			jobs, next, err := r.List(context.Background(), store.AllMarketplaces, store.JobQueued, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, j := range jobs {
				ids = append(ids, j.ID)
			}
			pages = append(pages, ids)
			if next == 0 {
				break
			}
			cursor = next
		}
		if got := fmt.Sprint(pages); got != "[[5 4] [3 2] [1]]" {
			t.Errorf("pages = %s, want [[5 4] [3 2] [1]]", got)
		}
		if _, _, err := r.List(context.Background(), store.AllMarketplaces, "lost", 0, 2); err == nil {
			t.Errorf("List(lost) error = nil, want an error")
		}
	})
}
