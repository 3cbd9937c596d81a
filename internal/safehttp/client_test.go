package safehttp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// get sends one GET with the client and returns its error's class, or the
// answer's status class.
func get(t *testing.T, c *http.Client, url string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Do(req)
	if err != nil {
		return Class(err), err
	}
	res.Body.Close()
	return StatusClass(res.StatusCode), nil
}

// TestClientRefusesInternal: every form of an internal address, and a name
// that resolves to one, is refused at dial time; nothing reaches the
// server listening there.
func TestClientRefusesInternal(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	c := NewClient(Policy{})
	for _, host := range []string{"127.0.0.1", "localhost", "169.254.169.254", "[::ffff:169.254.169.254]", "10.0.0.1",
		"[fd00::1]", "0.0.0.0", "[::1]", "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]"} {
		t.Run(host, func(t *testing.T) {
			class, err := get(t, c, "http://"+host+":"+port+"/")
			if class != ClassBlocked || !errors.Is(err, ErrBlocked) {
				t.Errorf("GET %s = %q (%v), want %q", host, class, err, ClassBlocked)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the internal server got %d requests, want 0", n)
	}
	// The same server is reachable when the policy allows internal targets.
	if class, err := get(t, NewClient(Policy{AllowInternal: true}), srv.URL); class != "http 200" {
		t.Errorf("allowed GET = %q (%v), want http 200", class, err)
	}
}

// TestClientRefusesRedirects: a redirect is an error and its target is not
// asked.
func TestClientRefusesRedirects(t *testing.T) {
	var targetHits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { targetHits.Add(1) }))
	t.Cleanup(target.Close)
	for _, code := range []int{301, 302, 307, 308} {
		redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/stolen", code)
		}))
		t.Cleanup(redirect.Close)
		class, err := get(t, NewClient(Policy{AllowInternal: true}), redirect.URL)
		if class != ClassRedirect || !errors.Is(err, ErrRedirect) {
			t.Errorf("%d: GET = %q (%v), want %q", code, class, err, ClassRedirect)
		}
	}
	if n := targetHits.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests, want 0", n)
	}
}

// TestClass: each kind of failure is reported by its class, never with
// the address or port in it.
func TestClass(t *testing.T) {
	allow := NewClient(Policy{AllowInternal: true})

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(tlsSrv.Close)
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(plain.Close)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "db at 10.0.0.5:5432 is down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(failing.Close)

	cases := []struct {
		name   string
		client *http.Client
		url    string
		want   string
	}{
		{"Blocked", NewClient(Policy{}), "http://" + closedAddr + "/", ClassBlocked},
		{"Refused", allow, "http://" + closedAddr + "/", ClassRefused},
		{"Timeout", NewClient(Policy{AllowInternal: true, Timeout: 200 * time.Millisecond}), slow.URL, ClassTimeout},
		{"UnknownAuthority", allow, tlsSrv.URL, ClassTLS},
		{"NotTLS", allow, strings.Replace(plain.URL, "http://", "https://", 1), ClassTLS},
		{"DNS", allow, "http://no-such-host.invalid/", ClassDNS},
		{"Status", allow, failing.URL, "http 503"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := get(t, tc.client, tc.url)
			if got != tc.want {
				t.Errorf("class = %q (%v), want %q", got, err, tc.want)
			}
			if strings.Contains(got, "127.0.0.1") || strings.ContainsAny(got, ":0123456789") && tc.name != "Status" {
				t.Errorf("class %q carries an address", got)
			}
		})
	}
}
