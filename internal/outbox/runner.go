package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/store"
)

// Handler runs one job. ctx ends when the job's lease does (or when Stop
// gives up waiting); payload is the JSON the job was enqueued with. A nil
// error marks the job done; Permanent(err) fails it at once; any other error
// schedules a retry.
type Handler func(ctx context.Context, payload []byte) error

// Options tune a Runner. Zero fields take the defaults.
type Options struct {
	// Workers is how many jobs run at once on this node (default 4).
	Workers int
	// Lease is how long a claimed job belongs to this node before another
	// may retake it; handlers must finish within it (default 5 minutes).
	Lease time.Duration
	// PollInterval is the longest the runner sleeps without looking for
	// due jobs (default 1 second).
	PollInterval time.Duration
	// Backoff returns the delay before retrying after the attempt-th
	// failed try (default Backoff).
	Backoff func(attempt int) time.Duration
	// KeepDone is how long done jobs stay visible before they are pruned
	// (default 7 days).
	KeepDone time.Duration
	Log      *slog.Logger
	// OnRun, when set, is told of every run of a job on this node: its
	// kind, the outcome (done, retry or failed) and the handler's time
	// (metrics).
	OnRun func(kind, outcome string, took time.Duration)
}

// maxErrorLen bounds the last_error kept for the operator.
const maxErrorLen = 2000

// pruneEvery is how often the runner deletes old done jobs.
const pruneEvery = time.Hour

// Runner claims due jobs and runs them on a pool of workers.
type Runner struct {
	db   *store.DB
	opts Options
	log  *slog.Logger

	mu       sync.Mutex
	handlers map[string]Handler
	busy     int  // jobs running now
	backlog  bool // the last claim was full: more may be due
	started  bool

	wakeCh    chan struct{}
	stop      context.CancelFunc // ends the claim loop
	loopDone  chan struct{}
	jobs      sync.WaitGroup     // running handlers
	jobCtx    context.Context    // parent of every handler's context
	cancelJob context.CancelFunc // ends handlers when Stop gives up
	lastPrune time.Time
}

// NewRunner returns a Runner over db; register handlers, then Start it.
func NewRunner(db *store.DB, opts Options) *Runner {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Lease <= 0 {
		opts.Lease = 5 * time.Minute
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.Backoff == nil {
		opts.Backoff = Backoff
	}
	if opts.KeepDone <= 0 {
		opts.KeepDone = 7 * 24 * time.Hour
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Runner{
		db:       db,
		opts:     opts,
		log:      opts.Log.With("component", "outbox"),
		handlers: make(map[string]Handler),
		wakeCh:   make(chan struct{}, 1),
	}
}

// Queue returns the Queue whose jobs wake this runner after commit.
func (r *Runner) Queue() *Queue { return &Queue{runner: r} }

// Register sets the handler for a job kind. A job of a kind without a
// handler on this node is retried like a failure (another node, or this one
// after an upgrade, may know it).
func (r *Runner) Register(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[kind] = h
}

func (r *Runner) handler(kind string) Handler {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.handlers[kind]
}

// wake makes the claim loop look for due jobs now. It never blocks.
func (r *Runner) wake() {
	select {
	case r.wakeCh <- struct{}{}:
	default:
	}
}

// Start starts the claim loop. It runs until Stop is called or ctx ends;
// handlers outlive ctx until Stop, so that a shutdown can drain them.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return
	}
	r.started = true
	loopCtx, stop := context.WithCancel(ctx)
	r.stop = stop
	r.jobCtx, r.cancelJob = context.WithCancel(context.WithoutCancel(ctx))
	r.loopDone = make(chan struct{})
	go r.loop(loopCtx)
}

// Stop stops claiming jobs and waits for the running ones to finish until
// ctx ends; then it cancels their contexts and returns ctx's error. A job
// cut short stays leased and is retaken once the lease expires.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	started := r.started
	r.mu.Unlock()
	if !started {
		return nil
	}
	r.stop()
	<-r.loopDone
	drained := make(chan struct{})
	go func() {
		r.jobs.Wait()
		close(drained)
	}()
	select {
	case <-drained:
		r.cancelJob()
		return nil
	case <-ctx.Done():
		r.cancelJob()
		return ctx.Err()
	}
}

func (r *Runner) loop(ctx context.Context) {
	defer close(r.loopDone)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		r.claim(ctx)
		r.prune(ctx)
		timer.Reset(r.sleep(ctx))
		select {
		case <-ctx.Done():
			return
		case <-r.wakeCh:
		case <-timer.C:
		}
	}
}

// sleep returns how long the loop may wait: until the next queued job is
// due, at most PollInterval.
func (r *Runner) sleep(ctx context.Context) time.Duration {
	d := r.opts.PollInterval
	at, ok, err := store.NextJobAt(r.db.Reader(ctx))
	if err != nil || !ok {
		return d
	}
	return max(min(at.Sub(r.db.Now()), d), 0)
}

// claim leases as many due jobs as there are idle workers and starts them.
func (r *Runner) claim(ctx context.Context) {
	r.mu.Lock()
	free := r.opts.Workers - r.busy
	r.mu.Unlock()
	if free <= 0 || ctx.Err() != nil {
		return
	}
	var jobs []store.Job
	err := r.db.Write(ctx, func(tx *store.Tx) (err error) {
		jobs, err = store.ClaimJobs(tx, free, r.opts.Lease)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			r.log.Error("claim jobs", "err", err)
		}
		return
	}
	r.mu.Lock()
	r.busy += len(jobs)
	r.backlog = len(jobs) == free
	r.mu.Unlock()
	// Jobs claimed are ours even if ctx ended meanwhile: run them, Stop
	// waits for them.
	for _, j := range jobs {
		r.jobs.Add(1)
		go r.run(r.jobCtx, j)
	}
}

// RunDue claims the jobs that are due and runs them one at a time on the
// calling goroutine, until none is due, and returns how many ran; jobs that
// those jobs enqueue run too once due. It is for tests and tools that move
// the database's clock instead of waiting (a started Runner needs no help).
// A job that keeps enqueueing a due job would keep it running.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	ran := 0
	for {
		var jobs []store.Job
		err := r.db.Write(ctx, func(tx *store.Tx) (err error) {
			jobs, err = store.ClaimJobs(tx, 1, r.opts.Lease)
			return err
		})
		if err != nil || len(jobs) == 0 {
			return ran, err
		}
		r.mu.Lock()
		r.busy++
		r.mu.Unlock()
		r.jobs.Add(1)
		r.run(ctx, jobs[0])
		ran++
	}
}

// run runs one claimed job under parent and records the outcome.
func (r *Runner) run(parent context.Context, j store.Job) {
	defer r.jobs.Done()
	defer func() {
		r.mu.Lock()
		r.busy--
		backlog := r.backlog
		r.mu.Unlock()
		if backlog {
			r.wake()
		}
	}()
	log := r.log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	start := time.Now()
	err := r.call(parent, j)
	if r.opts.OnRun != nil {
		outcome := "done"
		switch {
		case err == nil:
		case IsPermanent(err) || j.Attempts >= j.MaxAttempts:
			outcome = "failed"
		default:
			outcome = "retry"
		}
		r.opts.OnRun(j.Kind, outcome, time.Since(start))
	}
	// The outcome is recorded even during shutdown: the write is quick and
	// saves a repeat.
	werr := r.db.Write(context.Background(), func(tx *store.Tx) error {
		switch {
		case err == nil:
			return store.CompleteJob(tx, j.ID, j.Attempts)
		case IsPermanent(err) || j.Attempts >= j.MaxAttempts:
			return store.FailJob(tx, j.ID, j.Attempts, errorText(err))
		default:
			return store.RetryJob(tx, j.ID, j.Attempts, tx.Now().Add(r.opts.Backoff(j.Attempts)), errorText(err))
		}
	})
	switch {
	case errors.Is(werr, store.ErrNotFound):
		log.Warn("job lease lost before its outcome was recorded; another node retook it", "err", err)
	case werr != nil:
		log.Error("record job outcome", "err", werr, "job_err", err)
	case err == nil:
		log.Debug("job done")
	case IsPermanent(err) || j.Attempts >= j.MaxAttempts:
		log.Error("job failed", "err", err)
	default:
		log.Warn("job will be retried", "err", err)
	}
}

// call runs the job's handler under a context bounded by the lease, turning
// a panic into an error.
func (r *Runner) call(parent context.Context, j store.Job) (err error) {
	h := r.handler(j.Kind)
	if h == nil {
		return errors.New("no handler for job kind " + j.Kind)
	}
	ctx, cancel := context.WithDeadline(parent, time.Now().Add(r.opts.Lease))
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = panicError{p}
			r.log.Error("job handler panicked", "job", j.ID, "kind", j.Kind, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	return h(ctx, j.Payload)
}

type panicError struct{ v any }

func (p panicError) Error() string { return fmt.Sprintf("panic: %v", p.v) }

// errorText is err as the operator sees it: valid UTF-8 without NUL bytes
// (PostgreSQL refuses both in TEXT), at most maxErrorLen bytes.
func errorText(err error) string {
	s := strings.ToValidUTF8(strings.ReplaceAll(err.Error(), "\x00", ""), "\uFFFD")
	if len(s) > maxErrorLen {
		cut := maxErrorLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// prune deletes done jobs older than KeepDone, at most once per pruneEvery.
func (r *Runner) prune(ctx context.Context) {
	now := r.db.Now()
	if !r.lastPrune.IsZero() && now.Sub(r.lastPrune) < pruneEvery {
		return
	}
	r.lastPrune = now
	err := r.db.Write(ctx, func(tx *store.Tx) error {
		_, err := store.PruneJobs(tx, store.JobDone, tx.Now().Add(-r.opts.KeepDone))
		return err
	})
	if err != nil && ctx.Err() == nil {
		r.log.Error("prune done jobs", "err", err)
	}
}
