package loadgen_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/loadgen"
)

func TestRunSockets(t *testing.T) {
	url := startServer(t)
	// 6 buyer sockets over 4 conversations (two buyers with two devices) and
	// 2 seller sockets: each message is owed to 3 or 4 sockets.
	r, err := loadgen.RunSockets(context.Background(), loadgen.SocketOptions{BaseURL: url, APIKey: testKey, SSOSecret: testSecret,
		Sockets: 6, Conversations: 4, SellerSockets: 2, Senders: 4, Rate: 200, Duration: 300 * time.Millisecond,
		Warmup: 50 * time.Millisecond, Drain: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if r.Sent < 40 || r.SendErrors != 0 {
		t.Fatalf("sent %d, errors %d %v", r.Sent, r.SendErrors, r.ErrorsBy)
	}
	// Conversations 0 and 1 have two buyer sockets: 4 deliveries; 2 and 3: 3.
	if r.Expected < 3*r.Sent || r.Expected > 4*r.Sent || r.Delivered != r.Expected || r.Duplicates != 0 || r.Unexpected != 0 {
		t.Fatalf("delivered %d of %d for %d sends (duplicates %d, unexpected %d)", r.Delivered, r.Expected, r.Sent, r.Duplicates, r.Unexpected)
	}
	if r.P50ms <= 0 || r.P99ms < r.P50ms || r.MaxMs < r.P99ms || r.Resyncs != 0 || len(r.Closes) != 0 {
		t.Fatalf("%+v", r)
	}
	if r.Frames["message.created"] < r.Delivered {
		t.Fatalf("frames %v", r.Frames)
	}
}

func TestRunIdle(t *testing.T) {
	url := startServer(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	pp := httptest.NewServer(mux)
	defer pp.Close()
	dir := t.TempDir()
	r, err := loadgen.RunIdle(context.Background(), loadgen.IdleOptions{BaseURL: url, APIKey: testKey, SSOSecret: testSecret,
		Sockets: 40, Users: 3, ServerPID: os.Getpid(), PprofURL: pp.URL, ProfileDir: dir, Settle: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// Client and server share this process: each socket adds at least the
	// server's reader goroutine and the client's.
	if r.Sockets != 40 || r.Before.RSS == 0 || r.Open.HeapInuse == 0 || r.Open.StackInuse == 0 || r.Goroutines < 1.5 || len(r.Closes) != 0 {
		t.Fatalf("%+v", r)
	}
	if r.AfterClose.Goroutines > r.Before.Goroutines+10 {
		t.Errorf("goroutines before %d, after closing %d", r.Before.Goroutines, r.AfterClose.Goroutines)
	}
	for _, f := range []string{"heap.pb.gz", "goroutine.txt"} {
		if _, err := os.Stat(dir + "/" + f); err != nil {
			t.Error(err)
		}
	}
}
