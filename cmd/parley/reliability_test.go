package main

// End-to-end reliability test: receivers drop and reopen their sockets at
// random while senders post and the server is killed with SIGKILL and
// restarted on the same data. After a final sync every receiver must hold
// every acknowledged message exactly once (duplicates de-duplicated by
// conversation and seq), in gapless seq order.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// relMessage is a message as the socket and /sync deliver it.
type relMessage struct {
	ID           jsonID `json:"id"`
	Conversation jsonID `json:"conversation"`
	Seq          int64  `json:"seq"`
	ClientID     string `json:"client_id"`
}

type relSync struct {
	Changes []struct {
		Conversation struct {
			ID jsonID `json:"id"`
		} `json:"conversation"`
		Messages []relMessage `json:"messages"`
	} `json:"changes"`
	Cursor  string `json:"cursor"`
	HasMore bool   `json:"has_more"`
}

// relReceiver is one user who keeps a sync cursor and a flaky socket.
type relReceiver struct {
	user  string
	token string

	mu        sync.Mutex
	got       map[jsonID]map[int64]string // conversation → seq → client id
	conflicts []string
	dups      int
	viaSocket int
	viaSync   int
	connects  int
	resyncs   int
	syncCalls int
	dialFails int
	cursor    string
}

func (r *relReceiver) record(conv jsonID, m relMessage, socket bool) {
	if m.Conversation != "" {
		conv = m.Conversation
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if socket {
		r.viaSocket++
	} else {
		r.viaSync++
	}
	seqs := r.got[conv]
	if seqs == nil {
		seqs = map[int64]string{}
		r.got[conv] = seqs
	}
	if prev, ok := seqs[m.Seq]; ok {
		r.dups++
		if prev != m.ClientID {
			r.conflicts = append(r.conflicts, fmt.Sprintf("conversation %s seq %d: client_id %q then %q", conv, m.Seq, prev, m.ClientID))
		}
		return
	}
	seqs[m.Seq] = m.ClientID
}

// syncFrom pages /sync from the receiver's cursor and records every message;
// the cursor advances only with a complete answer.
func (r *relReceiver) syncFrom(ctx context.Context, hc *http.Client, base string) error {
	c := &apiClient{http: hc, base: base, token: r.token}
	cursor := r.cursor
	for pages := 0; pages < 100; pages++ {
		var res relSync
		if _, err := c.do(ctx, http.MethodGet, "/api/v1/sync?cursor="+url.QueryEscape(cursor), nil, &res); err != nil {
			return err
		}
		r.mu.Lock()
		r.syncCalls++
		r.mu.Unlock()
		for _, ch := range res.Changes {
			for _, m := range ch.Messages {
				r.record(ch.Conversation.ID, m, false)
			}
		}
		if res.Cursor != "" {
			cursor = res.Cursor
			r.cursor = cursor
		}
		if !res.HasMore {
			return nil
		}
	}
	return errors.New("sync: too many pages")
}

// socketOnce connects with the cursor and reads frames until the random
// drop time, a resync frame or an error.
func (r *relReceiver) socketOnce(ctx context.Context, base string, life time.Duration) (resync bool, err error) {
	u := "ws" + strings.TrimPrefix(base, "http") + "/api/v1/ws?cursor=" + url.QueryEscape(r.cursor)
	h := http.Header{"Authorization": {"Bearer " + r.token}}
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	conn, br, _, err := ws.Dialer{Header: ws.HandshakeHeaderHTTP(h)}.Dial(dctx, u)
	cancel()
	if err != nil {
		return false, err
	}
	defer conn.Close()
	r.mu.Lock()
	r.connects++
	r.mu.Unlock()
	var rd io.Reader = conn
	if br != nil {
		rd = io.MultiReader(br, conn)
	}
	rw := struct {
		io.Reader
		io.Writer
	}{rd, conn}
	conn.SetReadDeadline(time.Now().Add(life))
	for {
		data, op, err := wsutil.ReadServerData(rw)
		if err != nil {
			return false, nil // dropped at random, or by the server
		}
		if op != ws.OpText {
			continue
		}
		var f struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(data, &f) != nil {
			continue
		}
		switch f.Type {
		case "message.created":
			var m relMessage
			if err := json.Unmarshal(f.Data, &m); err != nil {
				return false, fmt.Errorf("message.created %s: %v", f.Data, err)
			}
			r.record("", m, true)
		case "resync":
			r.mu.Lock()
			r.resyncs++
			r.mu.Unlock()
			return true, nil
		}
	}
}

// run loops sync + flaky socket until stop closes.
func (r *relReceiver) run(ctx context.Context, base *atomic.Pointer[string], stop <-chan struct{}) {
	hc := newHTTPClient()
	defer hc.CloseIdleConnections()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		b := *base.Load()
		if err := r.syncFrom(ctx, hc, b); err != nil {
			time.Sleep(30 * time.Millisecond)
			continue
		}
		life := time.Duration(100+rand.IntN(400)) * time.Millisecond
		if _, err := r.socketOnce(ctx, b, life); err != nil {
			r.mu.Lock()
			r.dialFails++
			r.mu.Unlock()
			time.Sleep(30 * time.Millisecond)
		}
	}
}

// reliabilityRun is how long TestReliabilitySIGKILL keeps killing the
// server: a short run in the suite, or PARLEY_RELIABILITY_FOR (a Go
// duration) for the long run of scripts/reliability.sh.
func reliabilityRun(t *testing.T) time.Duration {
	v := os.Getenv("PARLEY_RELIABILITY_FOR")
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("PARLEY_RELIABILITY_FOR=%q: want a positive Go duration", v)
	}
	return d
}

func TestReliabilitySIGKILL(t *testing.T) {
	runFor := reliabilityRun(t)
	crashDatabases(t, func(t *testing.T, ps *parleyServer) {
		ctx, cancel := context.WithTimeout(context.Background(), runFor+30*time.Second)
		defer cancel()
		sp := ps.start(t)
		w := setupWorld(t, sp.base)
		var base atomic.Pointer[string]
		b0 := sp.base
		base.Store(&b0)

		// Receivers: two buyers and a seller member. Each takes the current
		// cursor, then reads what exists so far (the opening messages).
		hc := newHTTPClient()
		var recvs []*relReceiver
		for _, u := range []string{"b1", "b2", "s2"} {
			r := &relReceiver{user: u, token: w.tokens[u], got: map[jsonID]map[int64]string{}}
			c := &apiClient{http: hc, base: sp.base, token: r.token}
			var res relSync
			c.must(t, http.MethodGet, "/api/v1/sync", nil, &res)
			if res.Cursor == "" {
				t.Fatalf("sync without cursor for %s: no cursor", u)
			}
			r.cursor = res.Cursor
			for _, conv := range w.convs {
				if status, err := c.do(ctx, http.MethodGet, "/api/v1/conversations/"+string(conv), nil, nil); err != nil || status != http.StatusOK {
					continue // not visible to this user
				}
				for _, m := range readAll(t, c, conv) {
					r.record(conv, relMessage{ID: m.ID, Conversation: conv, Seq: m.Seq, ClientID: m.ClientID}, false)
				}
			}
			recvs = append(recvs, r)
		}

		stopRecv := make(chan struct{})
		var rwg sync.WaitGroup
		for _, r := range recvs {
			rwg.Go(func() { r.run(ctx, &base, stopRecv) })
		}

		// Senders: post back to back, following the server across restarts.
		l := &ledger{}
		stopSend := make(chan struct{})
		var swg sync.WaitGroup
		shc := newHTTPClient()
		for _, wr := range w.writers() {
			swg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stopSend:
						return
					case <-ctx.Done():
						return
					default:
					}
					c := &apiClient{http: shc, base: *base.Load(), token: w.tokens[wr.user]}
					s := &sent{writer: wr, clientID: fmt.Sprintf("r-%s-%d", wr.user, i), body: fmt.Sprintf("message %d of %s", i, wr.user)}
					sendOne(ctx, c, s)
					l.add(s)
					if s.err != nil {
						time.Sleep(20 * time.Millisecond)
					} else {
						time.Sleep(time.Duration(rand.IntN(10)) * time.Millisecond)
					}
				}
			})
		}

		// SIGKILL once in the short run; in a long run, again and again at
		// random moments until its time is up.
		var downFor time.Duration
		kills := 0
		for end := time.Now().Add(runFor); kills == 0 || time.Now().Before(end); {
			time.Sleep(500*time.Millisecond + time.Duration(rand.IntN(2000))*time.Millisecond)
			sp.kill()
			killedAt := time.Now()
			kills++
			sp = ps.start(t)
			b := sp.base
			base.Store(&b)
			downFor += time.Since(killedAt)
		}
		time.Sleep(time.Second)
		close(stopSend)
		swg.Wait()
		// Let the receivers run on a little past the last send.
		time.Sleep(300 * time.Millisecond)
		close(stopRecv)
		rwg.Wait()
		if ctx.Err() != nil {
			t.Fatalf("test ran out of its %v budget", runFor+30*time.Second)
		}

		// Final sync for every receiver.
		for _, r := range recvs {
			if err := r.syncFrom(ctx, hc, sp.base); err != nil {
				t.Fatalf("final sync for %s: %v", r.user, err)
			}
		}

		acked, unacked := 0, 0
		for _, s := range l.msgs {
			if s.acked {
				acked++
			} else {
				unacked++
			}
		}
		if acked == 0 {
			t.Fatal("no message was acknowledged")
		}
		for _, r := range recvs {
			visible := map[jsonID]bool{}
			for conv := range r.got {
				visible[conv] = true
			}
			for _, c := range r.conflicts {
				t.Errorf("%s: conflicting duplicate: %s", r.user, c)
			}
			expected, missing := 0, 0
			for _, s := range l.msgs {
				if !s.acked || !visible[s.writer.conv] {
					continue
				}
				expected++
				if got, ok := r.got[s.writer.conv][s.seq]; !ok || got != s.clientID {
					missing++
					if missing <= 10 {
						t.Errorf("%s: acknowledged %s (conversation %s seq %d) not received (have %q, %v)", r.user, s.clientID, s.writer.conv, s.seq, got, ok)
					}
				}
			}
			if missing > 10 {
				t.Errorf("%s: %d acknowledged messages missing in all", r.user, missing)
			}
			total := 0
			var convs []string
			for conv, seqs := range r.got {
				keys := make([]int64, 0, len(seqs))
				for s := range seqs {
					keys = append(keys, s)
				}
				sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
				for i, s := range keys {
					if s != int64(i+1) {
						t.Errorf("%s: conversation %s: received seqs not 1..N: position %d has seq %d", r.user, conv, i, s)
						break
					}
				}
				total += len(keys)
				convs = append(convs, fmt.Sprintf("%s:%d", conv, len(keys)))
			}
			sort.Strings(convs)
			t.Logf("%s: %d conversations [%s], %d distinct messages, %d expected acknowledged; %d via socket, %d via sync, %d duplicates dropped; %d connects, %d dial failures, %d resyncs, %d sync calls",
				r.user, len(r.got), strings.Join(convs, " "), total, expected, r.viaSocket, r.viaSync, r.dups, r.connects, r.dialFails, r.resyncs, r.syncCalls)
			if len(r.got) == 0 {
				t.Errorf("%s: sees no conversation", r.user)
			}
		}
		t.Logf("senders: %d acknowledged, %d not; %d SIGKILLs, server down %v in all between SIGKILL and healthy restart",
			acked, unacked, kills, downFor.Round(time.Millisecond))
	})
}
