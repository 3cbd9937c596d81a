package identity

import (
	"sync"
	"time"
)

// principalTTL is how long a resolved credential is trusted without asking
// the database again. Logout on this node drops the entry at once; another
// node, or a membership change pushed by the host, is seen within this time.
const principalTTL = 2 * time.Second

// maxCached bounds the cache; when full, expired entries go first, then an
// arbitrary half.
const maxCached = 20000

type cachedPrincipal struct {
	p       *Principal
	expires time.Time
}

// principalCache maps token hashes to resolved principals for a moment:
// every API request authenticates, and resolving takes four queries.
type principalCache struct {
	mu      sync.Mutex
	entries map[string]cachedPrincipal
}

func (c *principalCache) get(hash string, now time.Time) *Principal {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || now.After(e.expires) {
		return nil
	}
	return e.p
}

func (c *principalCache) put(hash string, p *Principal, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedPrincipal{}
	}
	if len(c.entries) >= maxCached {
		n := 0
		for k, e := range c.entries {
			if now.After(e.expires) || n%2 == 0 {
				delete(c.entries, k)
			}
			n++
		}
	}
	c.entries[hash] = cachedPrincipal{p: p, expires: now.Add(principalTTL)}
}

// dropSession forgets every cached principal of a session.
func (c *principalCache) dropSession(sessionID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if e.p.SessionID == sessionID {
			delete(c.entries, k)
		}
	}
}
