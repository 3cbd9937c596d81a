package app_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSyncNeverMisses runs concurrent writers in shared conversations while
// a reader syncs in a loop from its cursor: at the end the reader has seen
// every acknowledged message, with no gaps, and its pages carried no message
// twice beyond what de-duplication by (conversation, seq) absorbs.
func TestSyncNeverMisses(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		owner := w.owner
		cursor := e.must(200, "GET", "/api/v1/sync", owner, nil)["cursor"].(string)

		buyers := []string{w.buyer, w.stranger}
		convs := make([]string, len(buyers))
		for i, b := range buyers {
			st := e.must(201, "POST", "/api/v1/conversations", b, map[string]any{"kind": "chat", "seller": "acme", "message": msg(fmt.Sprintf("open-%d", i), "hello")})
			convs[i] = st["conversation"].(map[string]any)["id"].(string)
		}
		type key struct {
			conv string
			seq  int64
		}
		var mu sync.Mutex
		acked := map[key]string{}
		for i, c := range convs {
			acked[key{c, 1}] = fmt.Sprintf("open-%d", i)
		}
		var writers sync.WaitGroup
		var stop atomic.Bool
		writer := func(token string, conv string, name string) {
			defer writers.Done()
			for n := 0; !stop.Load() && n < 150; n++ {
				cid := fmt.Sprintf("%s-%d", name, n)
				r := e.call("POST", "/api/v1/conversations/"+conv+"/messages", token, msg(cid, "m "+cid))
				if r.Status != 201 {
					t.Errorf("send %s = %d %s", cid, r.Status, r.Body)
					return
				}
				m := r.json(t)
				mu.Lock()
				acked[key{conv, num(m["seq"])}] = cid
				mu.Unlock()
			}
		}
		// Buyers and both seller members write into the same conversations.
		for i, c := range convs {
			writers.Add(3)
			go writer(buyers[i], c, fmt.Sprintf("b%d", i))
			go writer(w.owner, c, fmt.Sprintf("o%d", i))
			go writer(w.manager, c, fmt.Sprintf("m%d", i))
		}
		seen := map[key]string{}
		syncOnce := func() {
			for {
				res := e.must(200, "GET", "/api/v1/sync?limit=1&cursor="+cursor, owner, nil)
				for _, ch := range res["changes"].([]any) {
					change := ch.(map[string]any)
					for _, mm := range change["messages"].([]any) {
						m := mm.(map[string]any)
						seen[key{m["conversation"].(string), num(m["seq"])}] = m["client_id"].(string)
					}
				}
				cursor = res["cursor"].(string)
				if res["has_more"] != true {
					return
				}
			}
		}
		done := make(chan struct{})
		go func() { writers.Wait(); close(done) }()
		for running := true; running; {
			select {
			case <-done:
				running = false
			default:
				syncOnce()
				time.Sleep(2 * time.Millisecond)
			}
		}
		syncOnce()
		if len(acked) < 500 {
			t.Fatalf("only %d messages acknowledged", len(acked))
		}
		for k, cid := range acked {
			if got, ok := seen[k]; !ok {
				t.Errorf("sync never returned %s seq %d (%s)", k.conv, k.seq, cid)
			} else if got != cid {
				t.Errorf("seq %d of %s: sync has %s, sender acknowledged %s", k.seq, k.conv, got, cid)
			}
		}
		for _, c := range convs {
			last := int64(0)
			for k := range seen {
				if k.conv == c && k.seq > last {
					last = k.seq
				}
			}
			for s := int64(1); s <= last; s++ {
				if _, ok := seen[key{c, s}]; !ok {
					t.Errorf("conversation %s: seq %d missing (gap)", c, s)
				}
			}
		}
		t.Logf("%d acknowledged, %d seen by sync", len(acked), len(seen))
	})
}
