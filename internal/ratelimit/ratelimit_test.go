package ratelimit_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestParseLimit(t *testing.T) {
	tests := []struct {
		name, in string
		want     ratelimit.Limit
		wantErr  bool
	}{
		{name: "OK", in: "10/1m", want: ratelimit.Limit{Count: 10, Per: time.Minute}},
		{name: "BareUnit", in: "2/s", want: ratelimit.Limit{Count: 2, Per: time.Second}},
		{name: "Spaces", in: " 30 / 15s ", want: ratelimit.Limit{Count: 30, Per: 15 * time.Second}},
		{name: "Off", in: "off", want: ratelimit.Off},
		{name: "ErrNoPeriod", in: "10", wantErr: true},
		{name: "ErrZero", in: "0/1m", wantErr: true},
		{name: "ErrNegative", in: "-1/1m", wantErr: true},
		{name: "ErrBadPeriod", in: "10/soon", wantErr: true},
		{name: "ErrZeroPeriod", in: "10/0s", wantErr: true},
		{name: "ErrTooFine", in: "1000/1ns", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ratelimit.ParseLimit(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseLimit(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("ParseLimit(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if !tc.wantErr {
				again, err := ratelimit.ParseLimit(got.String())
				if err != nil || again != got {
					t.Errorf("ParseLimit(String()) = %+v, %v, want %+v", again, err, got)
				}
			}
		})
	}
}

// clock is a clock a test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// node is one Parley's limiter on the database: shared buckets on
// PostgreSQL, its own memory on SQLite.
func node(db *store.DB, s ratelimit.Settings, c *clock) *ratelimit.Limiter {
	o := ratelimit.Options{Now: c.now}
	if db.Dialect == store.Postgres {
		o.Shared = db
	}
	return ratelimit.New(s, o)
}

func wantExceeded(t *testing.T, err error, minWait, maxWait time.Duration) {
	t.Helper()
	var ex *ratelimit.Exceeded
	if !errors.As(err, &ex) {
		t.Fatalf("err = %v, want *Exceeded", err)
	}
	if parley.ErrorCode(err) != parley.ERateLimited {
		t.Errorf("code = %q, want rate_limited", parley.ErrorCode(err))
	}
	if ex.RetryAfter < minWait || ex.RetryAfter > maxWait {
		t.Errorf("RetryAfter = %v, want within [%v, %v]", ex.RetryAfter, minWait, maxWait)
	}
}

// TestLimiter: a burst of Count, then one every Per/Count; keys and classes
// count apart; a returned token is there again; Off allows everything; the
// sweep drops the buckets that are full again; on both databases.
func TestLimiter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: time.Unix(1_700_000_000, 0)}
		s := ratelimit.Generous
		s.Messages = ratelimit.Limit{Count: 3, Per: 3 * time.Second}
		s.Uploads = ratelimit.Off
		l := node(db, s, c)
		for i := range 3 {
			if err := l.Allow(ctx, ratelimit.Messages, "u1"); err != nil {
				t.Fatalf("message %d: %v", i+1, err)
			}
		}
		wantExceeded(t, l.Allow(ctx, ratelimit.Messages, "u1"), 999*time.Millisecond, time.Second)
		if err := l.Allow(ctx, ratelimit.Messages, "u2"); err != nil {
			t.Errorf("another user: %v", err)
		}
		if err := l.Allow(ctx, ratelimit.Starts, "u1"); err != nil {
			t.Errorf("another class: %v", err)
		}
		c.add(400 * time.Millisecond)
		wantExceeded(t, l.Allow(ctx, ratelimit.Messages, "u1"), 599*time.Millisecond, 600*time.Millisecond)
		c.add(600 * time.Millisecond)
		if err := l.Allow(ctx, ratelimit.Messages, "u1"); err != nil {
			t.Errorf("after a token came back: %v", err)
		}
		wantExceeded(t, l.Allow(ctx, ratelimit.Messages, "u1"), 999*time.Millisecond, time.Second)

		// A returned token: taken, given back, taken again.
		c.add(time.Second)
		tk, err := l.Take(ctx, ratelimit.Messages, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if err := tk.Return(ctx); err != nil {
			t.Fatal(err)
		}
		if err := l.Allow(ctx, ratelimit.Messages, "u1"); err != nil {
			t.Errorf("after the token was returned: %v", err)
		}
		wantExceeded(t, l.Allow(ctx, ratelimit.Messages, "u1"), time.Millisecond, time.Second)

		for range 100 {
			if err := l.Allow(ctx, ratelimit.Uploads, "u1"); err != nil {
				t.Fatalf("off: %v", err)
			}
		}

		// The sweep: u1's bucket is not full yet; after Per every bucket is.
		if db.Dialect == store.Postgres {
			if n, _ := db.RateLimitRows(ctx); n != 3 {
				t.Errorf("rows = %d, want 3 (u1, u2 messages, u1 starts)", n)
			}
			if err := l.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			if n, _ := db.RateLimitRows(ctx); n != 1 {
				t.Errorf("rows after a sweep = %d, want 1 (u1's messages are not full again)", n)
			}
			c.add(3*time.Second + time.Millisecond)
			if err := l.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			if n, _ := db.RateLimitRows(ctx); n != 0 {
				t.Errorf("rows after Per = %d, want 0", n)
			}
		}
		c.add(3*time.Second + time.Millisecond)
		if err := l.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if err := l.Allow(ctx, ratelimit.Messages, "u1"); err != nil {
				t.Fatalf("after the sweep, message %d: %v", i+1, err)
			}
		}
	})
}

// TestLimiterAcrossNodes: two nodes on one PostgreSQL schema share the
// buckets: what one node allowed counts on the other, concurrently too.
func TestLimiterAcrossNodes(t *testing.T) {
	db1 := storetest.Open(t, store.Postgres)
	db2, err := store.Open(context.Background(), store.Config{URL: db1URL(t, db1)})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	ctx := context.Background()
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := ratelimit.Generous
	s.Starts = ratelimit.Limit{Count: 10, Per: time.Hour}
	a, b := node(db1, s, c), node(db2, s, c)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed, refused := 0, 0
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := a
			if i%2 == 1 {
				l = b
			}
			err := l.Allow(ctx, ratelimit.Starts, "u7")
			mu.Lock()
			defer mu.Unlock()
			var ex *ratelimit.Exceeded
			switch {
			case err == nil:
				allowed++
			case errors.As(err, &ex):
				refused++
			default:
				t.Errorf("check: %v", err)
			}
		}()
	}
	wg.Wait()
	if allowed != 10 || refused != 30 {
		t.Errorf("allowed %d, refused %d across two nodes, want 10 and 30", allowed, refused)
	}
}

// db1URL is the URL of the schema db was opened on (storetest.Open keeps
// it to itself): a second Open of the same schema is a second node.
func db1URL(t *testing.T, db *store.DB) string {
	t.Helper()
	var schema string
	if err := db.Pool().QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	return storetest.PostgresURL() + "&search_path=" + schema
}

// TestAddress: the connection's address, unless it is a trusted proxy;
// then the nearest untrusted X-Forwarded-For entry. IPv6 counts by /64.
func TestAddress(t *testing.T) {
	proxies, err := ratelimit.ParseProxies("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, remote, xff, want string
		trusted                 []netip.Prefix
	}{
		{name: "Direct", remote: "203.0.113.5:4000", want: "203.0.113.5"},
		{name: "ForwardedIgnoredWithoutProxies", remote: "203.0.113.5:4000", xff: "198.51.100.1", want: "203.0.113.5"},
		{name: "ForwardedIgnoredFromUntrusted", remote: "203.0.113.5:4000", xff: "198.51.100.1", trusted: proxies, want: "203.0.113.5"},
		{name: "Proxy", remote: "10.1.2.3:4000", xff: "198.51.100.1", trusted: proxies, want: "198.51.100.1"},
		{name: "ProxyChainSpoofedLeft", remote: "10.1.2.3:4000", xff: "1.1.1.1, 198.51.100.1, 192.0.2.7", trusted: proxies, want: "198.51.100.1"},
		{name: "ProxyWithoutHeader", remote: "10.1.2.3:4000", trusted: proxies, want: "10.1.2.3"},
		{name: "ProxyGarbage", remote: "10.1.2.3:4000", xff: "nonsense", trusted: proxies, want: "10.1.2.3"},
		{name: "IPv6By64", remote: "[2001:db8:1:2:3:4:5:6]:4000", want: "2001:db8:1:2::/64"},
		{name: "MappedIPv4", remote: "[::ffff:203.0.113.5]:4000", want: "203.0.113.5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			l := ratelimit.New(ratelimit.Settings{TrustedProxies: tc.trusted}, ratelimit.Options{})
			if got := l.Address(r); got != tc.want {
				t.Errorf("Address = %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := ratelimit.ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("ParseProxies(10.0.0.0/33) = nil error")
	}
	if _, err := ratelimit.ParseProxies("proxy.example"); err == nil {
		t.Error("ParseProxies(proxy.example) = nil error")
	}
}
