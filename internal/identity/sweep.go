package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// KindTokenSweep deletes the used sign-in tokens that have expired; each
// run queues the next one.
const KindTokenSweep = "identity.token_sweep"

const (
	// tokenSweepEvery is how often the sweep runs. A used token's row
	// outlives its exp by at most this much (plus JWTLeeway).
	tokenSweepEvery = 10 * time.Minute
	// tokenSweepBatch bounds the rows one transaction deletes.
	tokenSweepBatch = 1000
)

// Register installs the used-token sweep on r. Then ScheduleSweep.
func (s *Service) Register(r *outbox.Runner) {
	s.queue = r.Queue()
	r.Register(KindTokenSweep, s.runTokenSweep)
}

// ScheduleSweep makes sure a used-token sweep is queued (every node calls
// it at start; the dedupe key keeps one). Register first.
func (s *Service) ScheduleSweep(ctx context.Context) error {
	if s.queue == nil {
		return errors.New("identity: ScheduleSweep before Register")
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		return s.queue.Enqueue(tx, outbox.Job{Kind: KindTokenSweep, Payload: struct{}{}, DedupeKey: KindTokenSweep})
	})
}

// runTokenSweep queues the next sweep first (so that a failed run, retried
// on its own, does not end the chain) and deletes expired rows in batches.
func (s *Service) runTokenSweep(ctx context.Context, _ []byte) error {
	now := s.db.Now()
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		return s.queue.Enqueue(tx, outbox.Job{Kind: KindTokenSweep, Payload: struct{}{}, RunAt: now.Add(tokenSweepEvery), DedupeKey: KindTokenSweep})
	}); err != nil {
		return fmt.Errorf("schedule the next token sweep: %w", err)
	}
	for {
		var n int
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			n, err = store.DeleteExpiredSignInTokens(tx, now, tokenSweepBatch)
			return err
		}); err != nil {
			return err
		}
		if n < tokenSweepBatch {
			return nil
		}
	}
}
