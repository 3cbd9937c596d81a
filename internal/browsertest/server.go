package browsertest

import (
	"context"
	"io"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// SSOSecret is the SSO secret of the test server's marketplace.
const SSOSecret = "browser-test-sso-secret-0123456789abcdef"

// Server is a running Parley with the demo data.
type Server struct {
	App *app.App
	URL string

	mu      sync.Mutex
	stopHub context.CancelFunc
}

// DropSockets closes every WebSocket of the server (as a node restart or
// a network cut would) and serves sockets again at once. Clients must
// reconnect and catch up with /api/v1/sync.
func (s *Server) DropSockets(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopHub()
	deadline := time.Now().Add(Patience)
	for s.App.Hub.Sockets() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d sockets still open after stopping the hub", s.App.Hub.Sockets())
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stopHub = cancel
	go s.App.Hub.Run(ctx)
}

// Start opens Parley on a new SQLite database (or, with postgres, a new
// PostgreSQL schema), seeds the demo marketplace and serves it on
// 127.0.0.1:0 until the test ends.
func Start(t *testing.T, postgres bool) *Server {
	t.Helper()
	return StartWith(t, postgres, nil)
}

// StartWith is Start with a change to the configuration (a short ticket
// auto-close period, say) made before the app opens.
func StartWith(t *testing.T, postgres bool, change func(*app.Config)) *Server {
	t.Helper()
	url := ""
	if postgres {
		url = storetest.NewSchema(t)
	}
	// The listener comes first, so that Parley's public URL (links in mails,
	// the shop's product links) is where the browser reaches it.
	srv := httptest.NewUnstartedServer(nil)
	cfg := app.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SSOSecret: SSOSecret, MailFrom: "Parley <parley@test>",
		MaxUpload: 5 << 20, LogLevel: "error", BaseURL: "http://" + srv.Listener.Addr().String(), DatabaseURL: url, Demo: true,
		// The browser signs in and sends far more often than a person:
		// the limits are checked but not reached (a test may set its own).
		RateLimits: ratelimit.Generous}
	if change != nil {
		change(&cfg)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, io.Discard)
	if err != nil {
		srv.Listener.Close()
		t.Fatalf("open app: %v", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	hubCtx, stopHub := context.WithCancel(context.Background())
	a.Start(runCtx, hubCtx)
	srv.Config.Handler = a.Handler()
	srv.Start()
	// The demo shop pushes its catalogue, people and orders over HTTP, as
	// in `parley serve --demo`.
	if err := a.Shop.Start(runCtx, srv.URL); err != nil {
		srv.Close()
		cancel()
		stopHub()
		a.Close()
		t.Fatalf("demo seed: %v", err)
	}
	s := &Server{App: a, URL: srv.URL, stopHub: stopHub}
	t.Cleanup(func() {
		srv.Close()
		a.Runner.Stop(context.Background())
		cancel()
		s.mu.Lock()
		s.stopHub()
		s.mu.Unlock()
		a.Close()
	})
	return s
}
