package ratelimit

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) next() int { return int(c.n.Add(1)) }

// TestMemorySweep: the sweep drops the buckets that are full again and
// keeps the others, so that a node's memory holds only recent keys.
func TestMemorySweep(t *testing.T) {
	m := newMemory(Limit{Count: 2, Per: time.Minute})
	now := time.Unix(1_700_000_000, 0)
	for i := range 1000 {
		if res, _ := m.take("k"+strconv.Itoa(i), now); res == nil {
			t.Fatalf("key %d refused", i)
		}
	}
	if kept := m.sweep(now); kept != 1000 {
		t.Errorf("kept %d right away, want 1000", kept)
	}
	m.take("late", now.Add(59*time.Second))
	if kept := m.sweep(now.Add(time.Minute)); kept != 1 {
		t.Errorf("kept %d after a minute, want 1 (the late key)", kept)
	}
	if kept := m.sweep(now.Add(2 * time.Minute)); kept != 0 {
		t.Errorf("kept %d after two minutes, want 0", kept)
	}
}

// BenchmarkAllow is the check on the send path of one node (SQLite: the
// whole check): 50 users sending at once.
func BenchmarkAllow(b *testing.B) {
	l := New(Settings{Messages: Limit{Count: 1_000_000, Per: time.Second}}, Options{})
	keys := make([]string, 50)
	for i := range keys {
		keys[i] = "u" + strconv.Itoa(i)
	}
	var n atomicCounter
	b.RunParallel(func(pb *testing.PB) {
		key := keys[n.next()%len(keys)]
		for pb.Next() {
			if err := l.Allow(b.Context(), Messages, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}
