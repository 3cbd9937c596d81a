package identity

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley"
)

// DefaultHashWait is how long a password check waits for a free slot
// before it is refused with rate_limited.
const DefaultHashWait = 2 * time.Second

// DefaultConcurrentHashes is how many password hashes run at once by
// default: one per two CPUs (each hash runs on argonThreads = 2 threads, so
// that many already keep every CPU busy), at least one and at most four
// (4 × 32 MiB of argon2id memory).
func DefaultConcurrentHashes() int {
	return max(1, min(runtime.NumCPU()/2, 4))
}

// hashGate bounds the argon2id hashes running at once: each takes 32 MiB
// and two CPUs for tens of milliseconds, and anyone may ask for one (a
// sign-in with any email). Past the bound, callers queue for up to wait and
// are then refused with rate_limited, so a burst of sign-ins costs a fixed
// amount of memory and sheds what it cannot serve in time.
type hashGate struct {
	slots  chan struct{}
	wait   time.Duration
	hashes atomic.Int64 // argon2id runs, for tests
}

func newHashGate(concurrent int, wait time.Duration) *hashGate {
	if concurrent <= 0 {
		concurrent = DefaultConcurrentHashes()
	}
	if wait <= 0 {
		wait = DefaultHashWait
	}
	return &hashGate{slots: make(chan struct{}, concurrent), wait: wait}
}

// errHashBusy refuses a sign-in that found no free slot in time.
func (g *hashGate) errBusy() error {
	return &parley.Error{Code: parley.ERateLimited, RetryAfter: max(g.wait, time.Second),
		Message: "Too many sign-ins at once: try again in a moment."}
}

// do runs fn in a slot: at once when one is free, else after waiting for
// one up to the gate's wait (patient: until ctx ends, for operators'
// commands such as creating an account).
func (g *hashGate) do(ctx context.Context, patient bool, fn func()) error {
	select {
	case g.slots <- struct{}{}:
	default:
		var expired <-chan time.Time
		if !patient {
			t := time.NewTimer(g.wait)
			defer t.Stop()
			expired = t.C
		}
		select {
		case g.slots <- struct{}{}:
		case <-expired:
			return g.errBusy()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-g.slots }()
	g.hashes.Add(1)
	fn()
	return nil
}

// LimitHashing sets how many password hashes run at once and how long a
// sign-in waits for one (zero: the defaults). Call it before serving.
func (s *Service) LimitHashing(concurrent int, wait time.Duration) {
	s.hash = newHashGate(concurrent, wait)
}

// PasswordHashes counts the argon2id hashes the service has run (tests use
// it to see that every sign-in path hashes).
func (s *Service) PasswordHashes() int64 { return s.hash.hashes.Load() }

// checkPassword verifies password against the stored hash in a slot of
// the gate. A missing or malformed hash (an account that signs in through
// the host, or no account at all) is checked against a dummy hash of the
// same cost, so that the answer takes as long as for a wrong password.
func (s *Service) checkPassword(ctx context.Context, encoded, password string) (bool, error) {
	h, err := parseHash(encoded)
	usable := err == nil
	if !usable {
		h = dummy
	}
	var ok bool
	if err := s.hash.do(ctx, false, func() { ok = h.matches(password) }); err != nil {
		return false, err
	}
	return ok && usable, nil
}
