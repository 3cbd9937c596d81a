package ratelimit

import (
	"context"
	"log/slog"
	"math"
	"net/netip"
	"time"

	"golang.org/x/time/rate"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Shared is a cluster's store of buckets: *store.DB on PostgreSQL.
type Shared interface {
	TakeRateToken(ctx context.Context, key string, now time.Time, interval, window time.Duration) (bool, time.Duration, error)
	ReturnRateToken(ctx context.Context, key string, interval time.Duration) error
	DeleteIdleRateLimits(ctx context.Context, now time.Time) (int64, error)
}

var _ Shared = (*store.DB)(nil)

// Limiter checks the rate limits. A nil *Limiter allows everything.
type Limiter struct {
	limits  [numClasses]Limit
	mem     [numClasses]*memory
	shared  Shared // nil: this node alone (SQLite)
	now     func() time.Time
	proxies []netip.Prefix
	log     *slog.Logger
	refused func(class string)
}

// Options are what New needs besides the settings.
type Options struct {
	// Shared keeps the buckets for every node (the PostgreSQL database);
	// nil keeps them in this node's memory only.
	Shared Shared
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
	// OnRefused, when set, is told the class of every refusal (metrics).
	OnRefused func(class string)
}

// New returns a limiter with the settings (zero limits take the defaults).
func New(s Settings, o Options) *Limiter {
	l := &Limiter{limits: s.limits(), shared: o.Shared, now: o.Now, proxies: s.TrustedProxies, log: o.Log, refused: o.OnRefused}
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	for c, lim := range l.limits {
		if !lim.IsOff() {
			l.mem[c] = newMemory(lim)
		}
	}
	return l
}

// ForDB returns a limiter that shares its buckets through db when db is
// PostgreSQL, and keeps them in memory on SQLite.
func ForDB(s Settings, db *store.DB, log *slog.Logger, onRefused func(class string)) *Limiter {
	o := Options{Now: db.Now, Log: log, OnRefused: onRefused}
	if db.Dialect == store.Postgres {
		o.Shared = db
	}
	return New(s, o)
}

// Limit is the limit in force for the class.
func (l *Limiter) Limit(c Class) Limit { return l.limits[c] }

// Exceeded is the refusal of a check: the problem rate_limited (429),
// with the time until the next try is allowed.
type Exceeded struct {
	Class      Class
	RetryAfter time.Duration
	err        *parley.Error
}

func (e *Exceeded) Error() string { return e.err.Error() }

// Unwrap gives the problem (code rate_limited).
func (e *Exceeded) Unwrap() error { return e.err }

// Seconds is Retry-After: the wait in whole seconds, at least one.
func (e *Exceeded) Seconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// exceeded is the refusal of class c for d, counted by OnRefused.
func (l *Limiter) exceeded(c Class, d time.Duration) *Exceeded {
	if l.refused != nil {
		l.refused(c.String())
	}
	return exceeded(c, d)
}

func exceeded(c Class, d time.Duration) *Exceeded {
	e := &Exceeded{Class: c, RetryAfter: d}
	e.err = parley.Errorf(parley.ERateLimited, "Too many requests: try again in %d seconds.", e.Seconds())
	// The problem carries the wait, so that the one writer of problems
	// sets Retry-After for every rate_limited answer alike.
	e.err.RetryAfter = time.Duration(e.Seconds()) * time.Second
	return e
}

// Ticket is a token taken; Return gives it back.
type Ticket struct {
	l     *Limiter
	class Class
	key   string
	at    time.Time
	res   *rate.Reservation
}

// Allow takes a token of the class for key, or answers *Exceeded.
func (l *Limiter) Allow(ctx context.Context, c Class, key string) error {
	_, err := l.Take(ctx, c, key)
	return err
}

// Take is Allow that keeps the token's ticket, to give it back when the
// action turns out not to count (a sign-in that succeeded).
func (l *Limiter) Take(ctx context.Context, c Class, key string) (Ticket, error) {
	if l == nil || l.mem[c] == nil {
		return Ticket{}, nil
	}
	now := l.now()
	res, wait := l.mem[c].take(key, now)
	if res == nil {
		return Ticket{}, l.exceeded(c, wait)
	}
	t := Ticket{l: l, class: c, key: key, at: now, res: res}
	if l.shared == nil {
		return t, nil
	}
	lim := l.limits[c]
	ok, wait, err := l.shared.TakeRateToken(ctx, c.String()+":"+key, now, lim.interval(), lim.Per)
	if err != nil {
		res.CancelAt(now)
		return Ticket{}, err
	}
	if !ok {
		res.CancelAt(now)
		return Ticket{}, l.exceeded(c, wait)
	}
	return t, nil
}

// Return gives the token back (to memory and to the shared bucket).
func (t Ticket) Return(ctx context.Context) error {
	if t.l == nil {
		return nil
	}
	t.res.CancelAt(t.at)
	if t.l.shared == nil {
		return nil
	}
	return t.l.shared.ReturnRateToken(ctx, t.class.String()+":"+t.key, t.l.limits[t.class].interval())
}

// Sweep drops the buckets that are full again, in memory and in the shared
// table.
func (l *Limiter) Sweep(ctx context.Context) error {
	now := l.now()
	for _, m := range l.mem {
		if m != nil {
			m.sweep(now)
		}
	}
	if l.shared == nil {
		return nil
	}
	_, err := l.shared.DeleteIdleRateLimits(ctx, now)
	return err
}

// SweepEvery is how often Run sweeps.
const SweepEvery = time.Minute

// Run sweeps every SweepEvery until ctx ends. Every node sweeps the shared
// table: the DELETE is the same from any node.
func (l *Limiter) Run(ctx context.Context) {
	if l == nil {
		return
	}
	tick := time.NewTicker(SweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := l.Sweep(ctx); err != nil && ctx.Err() == nil {
				l.log.Warn("rate limits: clean-up failed", "err", err)
			}
		}
	}
}
