package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/attachment"
	"github.com/parleyhq/parley/internal/store"
)

// TestUploadCleanupScheduled: a started Parley runs the uploads' clean-up
// at once and queues the next run a sweep period later (an hour, for the
// default retention). What it deletes is tested in package attachment.
func TestUploadCleanupScheduled(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var next store.Job
		waitFor(t, "the first sweep done and the next queued", func() bool {
			jobs, err := store.Jobs(e.app.DB.Reader(ctx), store.AllMarketplaces, "", 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			done := false
			next = store.Job{}
			for _, j := range jobs {
				if j.Kind != attachment.KindSweep {
					continue
				}
				switch j.State {
				case store.JobDone:
					done = true
				case store.JobQueued:
					next = j
				}
			}
			return done && next.ID != 0
		})
		if d := time.Until(next.RunAt); d < 59*time.Minute || d > time.Hour {
			t.Errorf("next sweep in %v, want an hour", d)
		}
	})
}
