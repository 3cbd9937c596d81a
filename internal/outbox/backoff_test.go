package outbox_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/outbox"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		name     string
		attempt  int
		min, max time.Duration
	}{
		{"First", 1, 5 * time.Second, 10 * time.Second},
		{"Second", 2, 10 * time.Second, 20 * time.Second},
		{"Fifth", 5, 80 * time.Second, 160 * time.Second},
		{"Capped", 10, 30 * time.Minute, time.Hour},
		{"HugeAttempt", 500, 30 * time.Minute, time.Hour},
		{"ZeroAttempt", 0, 5 * time.Second, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 100 {
				if got := outbox.Backoff(tt.attempt); got < tt.min || got > tt.max {
					t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", tt.attempt, got, tt.min, tt.max)
				}
			}
		})
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("bad address")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"Plain", base, false},
		{"Permanent", outbox.Permanent(base), true},
		{"Wrapped", fmt.Errorf("send: %w", outbox.Permanent(base)), true},
		{"Nil", outbox.Permanent(nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := outbox.IsPermanent(tt.err); got != tt.want {
				t.Errorf("IsPermanent = %v, want %v", got, tt.want)
			}
		})
	}
	if !errors.Is(outbox.Permanent(base), base) {
		t.Errorf("errors.Is(Permanent(err), err) = false, want true")
	}
}
