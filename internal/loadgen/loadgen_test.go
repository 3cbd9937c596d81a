package loadgen_test

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/loadgen"
	"github.com/parleyhq/parley/internal/ratelimit"
)

const (
	testKey    = "loadgen-test-host-key"
	testSecret = "loadgen-test-sso-secret-0123456789abcdef"
)

// startServer runs a Parley server in-process on a loopback port: SQLite in
// a temporary directory, or PostgreSQL when PARLEY_BENCH_DATABASE_URL names
// a fresh schema.
func startServer(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := app.Config{Addr: "127.0.0.1:0", DataDir: tb.TempDir(), BaseURL: "http://127.0.0.1", HostAPIKey: testKey,
		SSOSecret: testSecret, MailFrom: "Parley <parley@localhost>", MaxUpload: 1 << 20, LogLevel: "warn",
		DatabaseURL: os.Getenv("PARLEY_BENCH_DATABASE_URL"), RateLimits: ratelimit.Generous,
		// The runs share a few users' sessions among many sockets.
		WSMaxPerUser: 1 << 20, WSMaxPerSession: 1 << 20}
	a, err := app.Open(ctx, cfg, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	tb.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	return "http://" + a.Addr()
}

func TestRun(t *testing.T) {
	url := startServer(t)
	for _, seller := range []bool{false, true} {
		r, err := loadgen.Run(context.Background(), loadgen.Options{BaseURL: url, APIKey: testKey, SSOSecret: testSecret,
			Senders: 4, Messages: 40, SellerReplies: seller})
		if err != nil {
			t.Fatal(err)
		}
		if r.Sent != 40 || r.Errors != 0 || r.PerSecond <= 0 || r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 {
			t.Fatalf("seller replies %v: %+v", seller, r)
		}
		wantConv := 4
		if seller {
			wantConv = 2
		}
		if r.Conversations != wantConv {
			t.Errorf("conversations %d, want %d", r.Conversations, wantConv)
		}
	}
	// A wrong key fails the setup, not the sends.
	if _, err := loadgen.Run(context.Background(), loadgen.Options{BaseURL: url, APIKey: "wrong-key-wrong-key", SSOSecret: testSecret,
		Senders: 1, Messages: 1}); err == nil {
		t.Fatal("setup with a wrong API key succeeded")
	}
}

// BenchmarkSend measures acknowledged sends through the HTTP API of an
// in-process server with 50 senders (client and server share the CPUs):
//
//	go test ./internal/loadgen -run '^$' -bench Send -benchtime 20000x -cpuprofile /tmp/send.prof
func BenchmarkSend(b *testing.B) {
	url := startServer(b)
	b.ResetTimer()
	r, err := loadgen.Run(context.Background(), loadgen.Options{BaseURL: url, APIKey: testKey, SSOSecret: testSecret,
		Senders: 50, Messages: b.N})
	if err != nil {
		b.Fatal(err)
	}
	if r.Errors > 0 {
		b.Fatalf("%d errors: %v", r.Errors, r.ErrorsBy)
	}
	b.ReportMetric(r.PerSecond, "msgs/s")
	b.ReportMetric(float64(r.P50)/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(r.P99)/float64(time.Millisecond), "p99-ms")
}
