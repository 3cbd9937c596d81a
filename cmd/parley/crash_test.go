package main

// End-to-end crash tests: the server is killed with SIGKILL while 8 clients
// send concurrently, restarted on the same data, and every acknowledged
// message must be there exactly once, in gapless order. A second test stops
// it with SIGTERM and expects a clean, prompt exit with nothing lost.

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store/storetest"
)

// crashDatabases runs f as the subtests "sqlite" and "postgres", with the
// database URL empty for SQLite (the data directory holds the database).
func crashDatabases(t *testing.T, f func(t *testing.T, ps *parleyServer)) {
	bin := buildParley(t)
	t.Run("sqlite", func(t *testing.T) {
		f(t, &parleyServer{bin: bin, dataDir: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		url := storetest.NewSchema(t)
		f(t, &parleyServer{bin: bin, dataDir: t.TempDir(), dbURL: url})
	})
}

// TestCrashSIGKILL kills the server twice in a row mid-flight.
func TestCrashSIGKILL(t *testing.T) {
	crashDatabases(t, func(t *testing.T, ps *parleyServer) {
		sp := ps.start(t)
		w := setupWorld(t, sp.base)
		l := &ledger{}
		for round := 1; round <= 2; round++ {
			name := fmt.Sprintf("k%d", round)
			runWriters(t, sp.base, w, name, l, nil, 1500*time.Millisecond, sp.kill)
			acked, inflight, refused := counts(l, name)
			if acked == 0 {
				t.Fatalf("round %d: no message was acknowledged before the kill", round)
			}

			sp = ps.start(t)
			retryAcked(t, sp.base, w, l)
			committed, created := retryUnacked(t, sp.base, w, l)
			stored := verify(t, sp.base, w, l)
			t.Logf("round %d (SIGKILL): %d acknowledged, %d in flight at the kill, %d refused after it; "+
				"retries after restart: %d were committed before the kill (200), %d created (201); %d messages stored in %d conversations",
				round, acked, inflight, refused, committed, created, stored, len(w.convs))
			if t.Failed() {
				return
			}
		}
	})
}

// TestCrashSIGTERM stops the server with SIGTERM while clients send: it must
// exit 0 within 10 s, and after a restart every acknowledged message is there.
func TestCrashSIGTERM(t *testing.T) {
	crashDatabases(t, func(t *testing.T, ps *parleyServer) {
		sp := ps.start(t)
		w := setupWorld(t, sp.base)
		l := &ledger{}
		var code int
		var took time.Duration
		runWriters(t, sp.base, w, "t1", l, nil, time.Second, func() {
			code, took = sp.terminate(10 * time.Second)
		})
		if code != 0 {
			t.Errorf("exit code after SIGTERM: %d, want 0", code)
		}
		acked, inflight, refused := counts(l, "t1")
		if acked == 0 {
			t.Fatal("no message was acknowledged before SIGTERM")
		}

		sp = ps.start(t)
		retryAcked(t, sp.base, w, l)
		committed, created := retryUnacked(t, sp.base, w, l)
		if committed > 0 {
			// A graceful shutdown answers every request it has begun.
			t.Errorf("%d messages were stored but their senders got no answer before the SIGTERM exit", committed)
		}
		stored := verify(t, sp.base, w, l)
		t.Logf("SIGTERM: exit %d after %v; %d acknowledged, %d without answer, %d refused; retries: %d committed (200), %d created (201); %d messages stored",
			code, took.Round(time.Millisecond), acked, inflight, refused, committed, created, stored)

		// The restarted server still answers normally.
		c := &apiClient{http: newHTTPClient(), base: sp.base, token: w.tokens["b1"]}
		if status := c.must(t, http.MethodGet, "/api/v1/conversations", nil, nil); status != http.StatusOK {
			t.Errorf("list conversations after restart: %d", status)
		}
	})
}
