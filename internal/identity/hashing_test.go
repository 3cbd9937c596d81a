package identity

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parleyhq/parley"
)

// TestHashGate: no more hashes than slots run at once; a caller that finds
// none free within the wait is refused with rate_limited and a Retry-After,
// without hashing; a patient caller (an operator's command) waits; a
// cancelled caller leaves.
func TestHashGate(t *testing.T) {
	g := newHashGate(2, 50*time.Millisecond)
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	for range 2 {
		go g.do(context.Background(), false, func() { started <- struct{}{}; <-release })
	}
	<-started
	<-started

	ran := false
	t0 := time.Now()
	err := g.do(context.Background(), false, func() { ran = true })
	var e *parley.Error
	if parley.ErrorCode(err) != parley.ERateLimited || ran {
		t.Fatalf("third hash with both slots taken: err %v, ran %v; want rate_limited, not run", err, ran)
	}
	if d := time.Since(t0); d < 50*time.Millisecond {
		t.Errorf("refused after %v, want after the 50ms wait", d)
	}
	if errors.As(err, &e); e.RetryAfter < time.Second {
		t.Errorf("RetryAfter = %v, want at least 1s", e.RetryAfter)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.do(ctx, true, func() { ran = true }); err != context.Canceled || ran {
		t.Errorf("cancelled patient caller: err %v, ran %v; want context.Canceled, not run", err, ran)
	}

	patient := make(chan error, 1)
	go func() { patient <- g.do(context.Background(), true, func() { ran = true }) }()
	select {
	case err := <-patient:
		t.Fatalf("patient caller returned %v while both slots were taken", err)
	case <-time.After(150 * time.Millisecond): // well past the wait
	}
	close(release)
	if err := <-patient; err != nil || !ran {
		t.Errorf("patient caller: err %v, ran %v; want it run once a slot freed", err, ran)
	}
	if n := g.hashes.Load(); n != 3 {
		t.Errorf("hashes run = %d, want 3 (the refused ones did not run)", n)
	}
}

// TestDummyHashCostsTheSame: the dummy hash that unknown emails and
// accounts without a password are checked against has a real hash's
// parameters, and no password matches it.
func TestDummyHashCostsTheSame(t *testing.T) {
	enc, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	made, err := parseHash(enc)
	if err != nil {
		t.Fatal(err)
	}
	if dummy.time != made.time || dummy.mem != made.mem || dummy.threads != made.threads || len(dummy.key) != len(made.key) || len(dummy.salt) != len(made.salt) {
		t.Errorf("dummy hash t=%d m=%d p=%d key %d salt %d, want a real hash's t=%d m=%d p=%d key %d salt %d",
			dummy.time, dummy.mem, dummy.threads, len(dummy.key), len(dummy.salt), made.time, made.mem, made.threads, len(made.key), len(made.salt))
	}
	for _, p := range []string{"", "correct horse battery", "parley-dummy-password"} {
		if dummy.matches(p) {
			t.Errorf("dummy hash matches %q", p)
		}
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=32768,t=0,p=2$c2FsdA$a2V5", "$argon2id$v=19$m=32768,t=2,p=0$c2FsdA$a2V5", "$argon2id$v=19$m=32768,t=2,p=2$c2FsdA$"} {
		if _, err := parseHash(bad); err == nil {
			t.Errorf("parseHash(%q) accepted a hash argon2 cannot run", bad)
		}
	}
}
