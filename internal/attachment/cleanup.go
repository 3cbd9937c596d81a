package attachment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// The clean-up's job kinds.
const (
	// KindSweep expires old unattached uploads and looks for blobs that no
	// row ever referenced; each run schedules the next one.
	KindSweep = "attachment.sweep"
	// KindRelease deletes the blobs of expired uploads that nothing else
	// references.
	KindRelease = "attachment.release"
)

const (
	// DefaultRetention is how long an upload that no message took is kept
	// when Config.Retention is 0.
	DefaultRetention = 24 * time.Hour
	// BlobGrace is how long a blob is kept after its last Put, whatever
	// references it. It covers an upload between its Put and the commit
	// of its row (at most maxPutToRow, which Upload enforces), with room
	// for the clocks of two nodes to disagree by up to BlobGrace -
	// maxPutToRow.
	BlobGrace = time.Hour
	// maxPutToRow is the longest an upload may take from putting its blob
	// to writing its row; a slower one is refused (see Upload).
	maxPutToRow = BlobGrace / 2
	// expireBatch bounds the rows one transaction expires and the keys one
	// release job carries.
	expireBatch = 500
)

// sweepEvery is how often the sweep runs for a retention: a quarter of it,
// between a minute and an hour, so that an upload is gone at most a
// quarter later than its retention (an hour for the default).
func sweepEvery(retention time.Duration) time.Duration {
	return min(max(retention/4, time.Minute), time.Hour)
}

// sweepPayload is a sweep job's payload.
type sweepPayload struct {
	// Since (unix µs) is where the sweep starts looking at blobs by put
	// time: the previous sweep looked at those put before it. 0 looks at
	// every blob (the first sweep, or one whose chain was lost).
	Since int64 `json:"since"`
}

// releasePayload is a release job's payload.
type releasePayload struct {
	Keys []string `json:"keys"`
}

// Register installs the clean-up's job handlers on r, and makes the
// service enqueue its jobs through r's queue. Then ScheduleSweep.
func (s *Service) Register(r *outbox.Runner) {
	s.queue = r.Queue()
	r.Register(KindSweep, s.runSweep)
	r.Register(KindRelease, s.runRelease)
}

// ScheduleSweep makes sure a sweep is queued: it enqueues one to run now
// unless one is queued already (every node calls it at start; the dedupe
// key keeps one). Register first.
func (s *Service) ScheduleSweep(ctx context.Context) error {
	if s.queue == nil {
		return errors.New("attachment: ScheduleSweep before Register")
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		return s.queue.Enqueue(tx, outbox.Job{Kind: KindSweep, Payload: sweepPayload{}, DedupeKey: KindSweep})
	})
}

// runSweep is the sweep job: it schedules the next sweep, expires the
// unattached uploads older than the retention (their blobs go to release
// jobs enqueued with the deletion), and then deletes the blobs put since
// the last sweep's look and more than BlobGrace ago that no row
// references: the blobs of uploads that stopped between their Put and
// their row (a crash, a failed write).
func (s *Service) runSweep(ctx context.Context, payload []byte) error {
	var p sweepPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return outbox.Permanent(fmt.Errorf("sweep payload: %w", err))
	}
	now := s.db.Now()
	putBefore := now.Add(-BlobGrace)
	// The next sweep is queued first, so that a sweep that fails (and is
	// retried on its own) does not end the chain.
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		return s.queue.Enqueue(tx, outbox.Job{Kind: KindSweep, Payload: sweepPayload{Since: store.Micros(putBefore)},
			RunAt: now.Add(s.sweepEvery), DedupeKey: KindSweep})
	}); err != nil {
		return fmt.Errorf("schedule the next sweep: %w", err)
	}

	expired := 0
	for {
		var n int
		err := s.db.Write(ctx, func(tx *store.Tx) error {
			var keys []string
			var err error
			n, keys, err = store.ExpireUploads(tx, now.Add(-s.retention), expireBatch)
			if err != nil || len(keys) == 0 {
				return err
			}
			return s.queue.Enqueue(tx, outbox.Job{Kind: KindRelease, Payload: releasePayload{Keys: keys}})
		})
		if err != nil {
			return fmt.Errorf("expire uploads: %w", err)
		}
		expired += n
		if n < expireBatch {
			break
		}
	}

	var keys []string
	deleted := 0
	flush := func() error {
		n, err := s.release(ctx, keys, putBefore)
		deleted += n
		keys = keys[:0]
		return err
	}
	err := s.blobs.Keys(ctx, store.FromMicros(p.Since), putBefore, func(key string) error {
		if keys = append(keys, key); len(keys) == expireBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if expired > 0 || deleted > 0 {
		s.log.Info("attachment sweep", "expired_uploads", expired, "orphan_blobs_deleted", deleted)
	}
	if err != nil {
		return fmt.Errorf("orphan blobs: %w", err)
	}
	return nil
}

// runRelease is the release job: it deletes those of its keys' blobs that
// no row references and that were not put within BlobGrace.
func (s *Service) runRelease(ctx context.Context, payload []byte) error {
	var p releasePayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return outbox.Permanent(fmt.Errorf("release payload: %w", err))
	}
	n, err := s.release(ctx, p.Keys, s.db.Now().Add(-BlobGrace))
	if n > 0 {
		s.log.Info("attachment blobs released", "deleted", n)
	}
	return err
}

// release deletes the blobs of keys that no attachment row references and
// that were last put before putBefore, and returns how many it deleted.
//
// Why an upload of the same content can never be left pointing at a
// deleted blob. The upload puts its blob (at time u1, which records u1 as
// the blob's put time, or writes the blob anew if it is gone), then commits
// its row (u2), refusing to if u2 - u1 > maxPutToRow. Here putBefore is
// fixed first (at most now - BlobGrace), then the rows are read (s1), then
// each blob is deleted only if its put time is still before putBefore (s2,
// atomic with respect to Put). Suppose the row exists and its blob is gone.
// The row was not seen at s1, so u2 came after s1. If the Put came after
// s2, it wrote the blob again. Otherwise the blob's put time at s2 was at
// least u1, so u1 < putBefore <= s1 - BlobGrace < u2 - BlobGrace: the
// upload took longer than BlobGrace between Put and row, which Upload
// refuses. (With two nodes, their clocks would have to disagree by more
// than BlobGrace - maxPutToRow.) The time between s1 and s2 does not matter.
func (s *Service) release(ctx context.Context, keys []string, putBefore time.Time) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	refs, err := store.ReferencedBlobs(s.db.Reader(ctx), keys)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, k := range keys {
		if refs[k] {
			continue
		}
		ok, err := s.blobs.Delete(ctx, k, putBefore)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
