package outbox_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// TestRunner_RunDue: an unstarted runner runs the due jobs on the caller's
// goroutine, with the jobs they enqueue, records their outcomes, and leaves
// the jobs that are not due yet for when the clock gets there.
func TestRunner_RunDue(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB, clk *clock, _ store.Config) {
		ctx := context.Background()
		r := outbox.NewRunner(db, outbox.Options{})
		q := r.Queue()
		var ran []string
		r.Register("step", func(ctx context.Context, payload []byte) error {
			ran = append(ran, string(payload))
			if string(payload) == `"first"` {
				return db.Write(ctx, func(tx *store.Tx) error {
					return q.Enqueue(tx, outbox.Job{Kind: "step", Payload: "follow-up"})
				})
			}
			return nil
		})
		r.Register("fail", func(context.Context, []byte) error { return errors.New("no") })
		enqueue(t, db, q,
			outbox.Job{Kind: "step", Payload: "first"},
			outbox.Job{Kind: "step", Payload: "later", RunAt: clk.Now().Add(time.Hour)},
			outbox.Job{Kind: "fail"})

		n, err := r.RunDue(ctx)
		if err != nil || n != 3 {
			t.Fatalf("RunDue = %d, %v, want 3 (first, its follow-up, the failing one), nil", n, err)
		}
		if want := []string{`"first"`, `"follow-up"`}; !slices.Equal(ran, want) {
			t.Errorf("ran %v, want %v", ran, want)
		}
		for _, j := range allJobs(t, db) {
			want := store.JobDone
			switch {
			case j.Kind == "fail":
				want = store.JobQueued // retried after its backoff
			case string(j.Payload) == `"later"`:
				want = store.JobQueued
			}
			if j.State != want {
				t.Errorf("job %s %s: state %s, want %s", j.Kind, j.Payload, j.State, want)
			}
		}
		clk.Add(time.Hour)
		if n, err := r.RunDue(ctx); err != nil || n != 2 {
			t.Errorf("RunDue an hour later = %d, %v, want 2 (later, the retry), nil", n, err)
		}
		if ran[len(ran)-1] != `"later"` {
			t.Errorf("ran %v, want later last", ran)
		}
	})
}
