package ratelimit

import (
	"hash/maphash"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// memory holds one class's buckets on this node, in shards so that
// concurrent checks of different keys rarely share a lock.
type memory struct {
	every  rate.Limit
	burst  int
	seed   maphash.Seed
	shards [64]shard
}

type shard struct {
	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func newMemory(l Limit) *memory {
	m := &memory{every: rate.Every(l.interval()), burst: l.Count, seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].m = map[string]*rate.Limiter{}
	}
	return m
}

func (m *memory) bucket(key string) *rate.Limiter {
	sh := &m.shards[maphash.String(m.seed, key)%uint64(len(m.shards))]
	sh.mu.Lock()
	lim := sh.m[key]
	if lim == nil {
		lim = rate.NewLimiter(m.every, m.burst)
		sh.m[key] = lim
	}
	sh.mu.Unlock()
	return lim
}

// take takes a token for key at now; when none is there it takes nothing
// and says how long until one is.
func (m *memory) take(key string, now time.Time) (*rate.Reservation, time.Duration) {
	r := m.bucket(key).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return nil, d
	}
	return r, 0
}

// sweep drops the buckets that are full again (the same as none).
func (m *memory) sweep(now time.Time) (kept int) {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		for k, lim := range sh.m {
			if lim.TokensAt(now) >= float64(m.burst) {
				delete(sh.m, k)
			}
		}
		kept += len(sh.m)
		sh.mu.Unlock()
	}
	return kept
}
