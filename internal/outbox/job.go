package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// Job is a side effect to run after the enqueueing transaction commits.
type Job struct {
	// MarketplaceID is the marketplace whose change caused the job, so that
	// its operators see it; zero when it is tied to none.
	MarketplaceID int64
	// Kind selects the handler (Runner.Register).
	Kind string
	// Payload is JSON-encoded for the handler; pass a json.RawMessage to
	// store bytes that are JSON already.
	Payload any
	// RunAt delays the job; zero means as soon as it commits.
	RunAt time.Time
	// DedupeKey, when set, drops the job if a queued job has the same key.
	DedupeKey string
	// MaxAttempts bounds the tries before the job fails; zero means
	// DefaultMaxAttempts.
	MaxAttempts int
}

// DefaultMaxAttempts is how often a job is tried unless it says otherwise:
// with the default backoff, about nine hours of retries.
const DefaultMaxAttempts = 10

// Queue records jobs inside write transactions. The zero Queue works but
// wakes no runner: its jobs wait for the next poll.
type Queue struct {
	runner *Runner
}

// Enqueue records the job in tx; it runs once tx commits, and never if tx
// rolls back.
func (q *Queue) Enqueue(tx *store.Tx, job Job) error {
	if job.Kind == "" {
		return errors.New("outbox: job kind is required")
	}
	payload, err := json.Marshal(job.Payload)
	if err != nil {
		return fmt.Errorf("outbox: encode %s payload: %w", job.Kind, err)
	}
	maxAttempts := job.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	_, inserted, err := store.InsertJob(tx, store.NewJob{
		MarketplaceID: job.MarketplaceID,
		Kind:          job.Kind,
		Payload:       payload,
		DedupeKey:     job.DedupeKey,
		RunAt:         job.RunAt,
		MaxAttempts:   maxAttempts,
	})
	if err != nil {
		return fmt.Errorf("outbox: enqueue %s: %w", job.Kind, err)
	}
	if inserted && q.runner != nil {
		tx.AfterCommit(q.runner.wake)
	}
	return nil
}
