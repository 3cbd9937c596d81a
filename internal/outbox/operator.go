package outbox

import (
	"context"
	"fmt"

	"github.com/parleyhq/parley/internal/store"
)

// List returns the jobs of a marketplace (store.AllMarketplaces: of all) in
// a state (all states when state is empty), newest first, for the operator.
// cursor is 0 for the first page, then the next value returned; next is 0
// after the last page.
func (r *Runner) List(ctx context.Context, marketplaceID int64, state string, cursor int64, limit int) (jobs []store.Job, next int64, err error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	switch state {
	case "", store.JobQueued, store.JobRunning, store.JobDone, store.JobFailed:
	default:
		return nil, 0, fmt.Errorf("outbox: unknown job state %q", state)
	}
	// One more row than asked says whether a next page exists.
	jobs, err = store.Jobs(r.db.Reader(ctx), marketplaceID, state, cursor, limit+1)
	if err != nil {
		return nil, 0, err
	}
	if len(jobs) > limit {
		jobs = jobs[:limit]
		next = jobs[limit-1].ID
	}
	return jobs, next, nil
}

// Failed lists a marketplace's jobs that gave up, with their last error.
func (r *Runner) Failed(ctx context.Context, marketplaceID, cursor int64, limit int) ([]store.Job, int64, error) {
	return r.List(ctx, marketplaceID, store.JobFailed, cursor, limit)
}

// Requeue gives a failed job of the marketplace (store.AllMarketplaces: of
// any) a fresh set of attempts, starting now. It returns store.ErrNotFound
// unless the job exists there and has failed.
func (r *Runner) Requeue(ctx context.Context, marketplaceID, id int64) error {
	return r.db.Write(ctx, func(tx *store.Tx) error {
		if err := store.RequeueJob(tx, marketplaceID, id); err != nil {
			return err
		}
		tx.AfterCommit(r.wake)
		return nil
	})
}
