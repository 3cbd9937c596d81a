package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

const (
	testAPIKey    = "pk_test_host_api_key_123456"
	testSSOSecret = "test-sso-secret-0123456789abcdef0123456789"
)

// env is a running Parley for one test, on one dialect.
type env struct {
	t   *testing.T
	app *app.App
	srv *httptest.Server
}

func newEnv(t *testing.T, d store.Dialect) *env {
	t.Helper()
	url := ""
	if d == store.Postgres {
		url = storetest.NewSchema(t)
	}
	return startNode(t, url, "")
}

// startNode opens and starts a Parley on the database URL (empty: a new
// SQLite) and NATS URL (empty: the in-process bus), closed at cleanup.
func startNode(t *testing.T, databaseURL, natsURL string) *env {
	t.Helper()
	return startConfigured(t, func(c *app.Config) { c.DatabaseURL, c.NATSURL = databaseURL, natsURL })
}

// startConfigured is startNode with the test configuration changed by
// change first.
func startConfigured(t *testing.T, change func(*app.Config)) *env {
	t.Helper()
	cfg := app.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), HostAPIKey: testAPIKey, SSOSecret: testSSOSecret,
		MailFrom: "Parley <parley@test>", MaxUpload: 1 << 20, LogLevel: "error", UnreadMailAfter: 200 * time.Millisecond,
		BaseURL: "http://parley.test",
		// Tests send far more than a person: the limits are checked
		// but never reached, except where a test sets its own.
		RateLimits: ratelimit.Generous}
	change(&cfg)
	logs := &testLog{t: t}
	a, err := app.Open(context.Background(), cfg, logs)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.Start(ctx, ctx)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Runner.Stop(context.Background())
		cancel()
		a.Close()
		logs.close()
	})
	return &env{t: t, app: a, srv: srv}
}

// testLog passes the server's log lines (errors only, by the config) to the
// test's log until the test ends.
type testLog struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Logf("server: %s", bytes.TrimSpace(p))
	}
	return len(p), nil
}

func (l *testLog) close() {
	l.mu.Lock()
	l.done = true
	l.mu.Unlock()
}

// eachDB runs f on SQLite and PostgreSQL.
func eachDB(t *testing.T, f func(t *testing.T, e *env)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { f(t, newEnv(t, d)) })
	}
}

// resp is an API answer.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	return m
}

func (r resp) code() string {
	var p struct{ Code string }
	json.Unmarshal(r.Body, &p)
	return p.Code
}

// call sends a JSON request with the token (a session or the API key).
func (e *env) call(method, path, token string, body any) resp {
	e.t.Helper()
	return e.callAs(method, path, token, body, nil)
}

// callAs is call with extra request headers (X-Forwarded-For,
// Accept-Language). A string or []byte body is sent as it is, anything
// else as its JSON.
func (e *env) callAs(method, path, token string, body any, header map[string]string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// must asserts the status and returns the decoded body.
func (e *env) must(status int, method, path, token string, body any) map[string]any {
	e.t.Helper()
	r := e.call(method, path, token, body)
	if r.Status != status {
		e.t.Fatalf("%s %s = %d %s, want %d", method, path, r.Status, r.Body, status)
	}
	if len(r.Body) == 0 {
		return nil
	}
	return r.json(e.t)
}

// signIn signs a host user in with a JWT and returns the session token.
func (e *env) signIn(sub string) string {
	e.t.Helper()
	jwt, err := identity.SignHostJWT(testSSOSecret, sub, sub+"@example.com", strings.ToUpper(sub[:1])+sub[1:], time.Now(), 5*time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.must(200, "POST", "/api/v1/auth/sso", "", map[string]any{"jwt": jwt})["token"].(string)
}

// world is the host data most tests start from.
type world struct {
	buyer, owner, manager, stranger, foreign string // session tokens
}

// seed pushes a marketplace through the host API: seller "acme" (owner,
// sales manager), seller "other" (foreign), a product, a completed order.
func (e *env) seed() world {
	e.t.Helper()
	for _, u := range []string{"buyer", "owner", "manager", "stranger", "foreign"} {
		e.must(201, "PUT", "/api/v1/host/users/"+u, testAPIKey, map[string]any{"email": u + "@example.com", "name": strings.ToUpper(u[:1]) + u[1:]})
	}
	e.must(201, "PUT", "/api/v1/host/organizations/acme", testAPIKey, map[string]any{"name": "Acme Tools", "kind": "seller", "email": "sales@acme.example",
		"members": []map[string]string{{"user": "owner", "role": "owner"}, {"user": "manager", "role": "sales_manager"}}})
	e.must(201, "PUT", "/api/v1/host/organizations/other", testAPIKey, map[string]any{"name": "Other Shop", "kind": "seller",
		"members": []map[string]string{{"user": "foreign", "role": "owner"}}})
	e.must(201, "PUT", "/api/v1/host/products/p1", testAPIKey, map[string]any{"seller": "acme", "title": "Cordless drill", "code": "AC-D1",
		"price": map[string]string{"amount": "99.00", "currency": "EUR", "unit": "piece"}})
	e.must(201, "PUT", "/api/v1/host/orders/ORD-77", testAPIKey, map[string]any{"buyer": "buyer", "seller": "acme", "status": "shipped",
		"items": []map[string]any{{"product": "p1", "title": "Cordless drill", "quantity": 1, "price": "99.00"}}})
	e.must(201, "POST", "/api/v1/host/orders/ORD-77/events", testAPIKey, map[string]any{"type": "completed"})
	return world{buyer: e.signIn("buyer"), owner: e.signIn("owner"), manager: e.signIn("manager"), stranger: e.signIn("stranger"), foreign: e.signIn("foreign")}
}

func msg(clientID, body string) map[string]any {
	return map[string]any{"client_id": clientID, "body": body}
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// patience bounds every wait for something that must happen. The waits
// return as soon as it happens, so the bound costs nothing when the test
// passes; it is long so that a loaded 2-core machine (the full suite beside
// browser tests and a CPU hog) fails a test only when the thing did not
// happen, never because it happened late.
const patience = 60 * time.Second

// waitFor polls cond until it holds, for up to patience.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", patience, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
