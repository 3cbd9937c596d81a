package app_test

import (
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// tightLimits are small limits a test exceeds in a few requests. The test
// server is its own trusted proxy (loopback), so that each part of a test
// comes from its own client address (X-Forwarded-For).
func tightLimits(c *app.Config) {
	hour := time.Hour
	c.RateLimits = ratelimit.Settings{
		SignInAccount:  ratelimit.Limit{Count: 3, Per: hour},
		SignInAddress:  ratelimit.Limit{Count: 8, Per: hour},
		SSOAddress:     ratelimit.Limit{Count: 8, Per: hour},
		Starts:         ratelimit.Limit{Count: 2, Per: hour},
		Messages:       ratelimit.Limit{Count: 4, Per: hour},
		Uploads:        ratelimit.Limit{Count: 2, Per: hour},
		Webhooks:       ratelimit.Limit{Count: 2, Per: hour},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
	}
}

// postForm posts a web form (the sign-in pages) from a client address.
func (e *env) postForm(path string, form url.Values, header map[string]string) resp {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return e.do(req)
}

func (e *env) do(req *http.Request) resp {
	e.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// wantLimited asserts a 429 rate_limited problem with a Retry-After of
// whole seconds within (0, max].
func wantLimited(t *testing.T, what string, r resp, max int) {
	t.Helper()
	if r.Status != 429 || r.code() != "rate_limited" {
		t.Fatalf("%s = %d %s, want 429 rate_limited", what, r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s Content-Type = %q, want application/problem+json", what, ct)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > max {
		t.Errorf("%s Retry-After = %q, want 1..%d seconds", what, r.Header.Get("Retry-After"), max)
	}
}

func sso(t *testing.T, sub string) map[string]any {
	t.Helper()
	jwt, err := identity.SignHostJWT(testSSOSecret, sub, sub+"@example.com", "Someone", time.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"jwt": jwt}
}

// TestRateLimits exceeds each limit once, on both databases: conversation
// starts, messages and uploads per user, webhook registrations per
// marketplace, password sign-ins per account (API and sign-in page share
// the bucket; a success is forgiven) and per client address, host sign-ins
// per address (API and form). Each refusal is 429 rate_limited with
// Retry-After; the sign-in page says so in the reader's language.
func TestRateLimits(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dbURL := ""
			if d == store.Postgres {
				dbURL = storetest.NewSchema(t)
			}
			e := startConfigured(t, func(c *app.Config) { c.DatabaseURL = dbURL; tightLimits(c) })
			w := e.seed()
			const hourSecs = 3600

			// Conversation starts: 2 per user.
			st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("rl-1", "hello")})
			conv := st["conversation"].(map[string]any)["id"].(string)
			if r := e.call("POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("rl-2", "again")}); r.Status == 429 {
				t.Fatalf("second start = 429, want it allowed")
			}
			wantLimited(t, "third start", e.call("POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("rl-3", "and again")}), hourSecs)

			// Messages: 4 per user; the other side still writes.
			for i := range 4 {
				e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("rl-m"+strconv.Itoa(i), "m"))
			}
			wantLimited(t, "fifth message", e.call("POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("rl-m9", "m")), hourSecs/4)
			e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.manager, msg("rl-s1", "the seller still answers"))

			// Uploads: 2 per user.
			e.upload(w.buyer, "a.png", pngBytes())
			e.upload(w.buyer, "b.png", pngBytes())
			wantLimited(t, "third upload", e.uploadRaw(w.buyer, "c.png", pngBytes()), hourSecs)

			// Webhook registrations: 2 per marketplace.
			hook := map[string]any{"url": "https://hooks.example.com/parley", "events": []string{"message.created"}}
			e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, hook)
			e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, hook)
			wantLimited(t, "third webhook", e.call("POST", "/api/v1/host/webhooks", testAPIKey, hook), hourSecs)

			// Password sign-in per account: 3 failures, then even the right
			// password waits; another account is not affected, and its
			// successes are forgiven.
			ctx := t.Context()
			for _, u := range []string{"ann", "bob", "carol"} {
				if _, err := e.app.Identity.CreateLocalUser(ctx, e.app.Marketplace.ID, u+"@example.com", u, "long-password-"+u, false); err != nil {
					t.Fatal(err)
				}
			}
			from := map[string]string{"X-Forwarded-For": "198.51.100.10"}
			login := func(who, password string) resp {
				return e.callAs("POST", "/api/v1/auth/login", "", map[string]string{"email": who + "@example.com", "password": password}, from)
			}
			for i := range 3 {
				if r := login("ann", "wrong-password"); r.Status != 401 {
					t.Fatalf("wrong password %d = %d %s, want 401", i+1, r.Status, r.Body)
				}
			}
			wantLimited(t, "ann's fourth sign-in (right password)", login("ann", "long-password-ann"), hourSecs/3)
			wantLimited(t, "ANN's sign-in (other case)", login("ANN", "long-password-ann"), hourSecs/3)
			for i := range 3 {
				if r := login("bob", "long-password-bob"); r.Status != 200 {
					t.Fatalf("bob's sign-in %d = %d %s, want 200", i+1, r.Status, r.Body)
				}
			}
			// Per address: 8 attempts (3 + 2 + 3 so far), then none.
			wantLimited(t, "ninth sign-in from one address", login("bob", "long-password-bob"), hourSecs/8)
			if r := e.callAs("POST", "/api/v1/auth/login", "", map[string]string{"email": "bob@example.com", "password": "long-password-bob"},
				map[string]string{"X-Forwarded-For": "198.51.100.11"}); r.Status != 200 {
				t.Errorf("bob from another address = %d %s, want 200", r.Status, r.Body)
			}

			// The sign-in page shares carol's bucket with the API and says
			// it in the reader's language.
			page := map[string]string{"X-Forwarded-For": "198.51.100.12", "Accept-Language": "ru"}
			for i := range 3 {
				if r := e.postForm("/login", url.Values{"email": {"carol@example.com"}, "password": {"nope"}}, page); r.Status != 401 {
					t.Fatalf("sign-in form, wrong password %d = %d, want 401", i+1, r.Status)
				}
			}
			r := e.postForm("/login", url.Values{"email": {"carol@example.com"}, "password": {"long-password-carol"}}, page)
			if r.Status != 429 || !strings.Contains(string(r.Body), "Слишком много попыток входа") || r.Header.Get("Retry-After") == "" {
				t.Errorf("sign-in form after 3 failures = %d, Retry-After %q, want 429 with the Russian message", r.Status, r.Header.Get("Retry-After"))
			}
			wantLimited(t, "carol through the API", e.callAs("POST", "/api/v1/auth/login", "", map[string]string{"email": "carol@example.com", "password": "long-password-carol"},
				map[string]string{"X-Forwarded-For": "198.51.100.13"}), hourSecs/3)

			// Host sign-ins per address: 8, through the API or the form.
			ssoFrom := map[string]string{"X-Forwarded-For": "198.51.100.20", "Accept-Language": "it"}
			for i := range 8 {
				if r := e.callAs("POST", "/api/v1/auth/sso", "", sso(t, "buyer"), ssoFrom); r.Status != 200 {
					t.Fatalf("sso %d = %d %s, want 200", i+1, r.Status, r.Body)
				}
			}
			wantLimited(t, "ninth sso", e.callAs("POST", "/api/v1/auth/sso", "", sso(t, "buyer"), ssoFrom), hourSecs/8)
			jwt := sso(t, "buyer")["jwt"].(string)
			r = e.postForm("/auth/sso", url.Values{"jwt": {jwt}}, ssoFrom)
			if r.Status != 429 || !strings.Contains(string(r.Body), "Troppi tentativi di accesso") {
				t.Errorf("sso form from a limited address = %d, want 429 with the Italian message", r.Status)
			}
			if r := e.postForm("/auth/sso", url.Values{"jwt": {jwt}}, map[string]string{"X-Forwarded-For": "198.51.100.21"}); r.Status != 303 {
				t.Errorf("sso form from another address = %d, want 303", r.Status)
			}
		})
	}
}

// TestRateLimitsAcrossNodes: two nodes on one PostgreSQL schema share the
// limits: messages sent through either count together, and so do failed
// sign-ins.
func TestRateLimitsAcrossNodes(t *testing.T) {
	dbURL := storetest.NewSchema(t)
	start := func() *env {
		return startConfigured(t, func(c *app.Config) { c.DatabaseURL = dbURL; tightLimits(c) })
	}
	a, b := start(), start()
	w := a.seed()
	st := a.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("x-0", "hello")})
	conv := st["conversation"].(map[string]any)["id"].(string)
	for i, n := range []*env{a, b, a, b} {
		n.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("x-"+strconv.Itoa(i+1), "m"))
	}
	wantLimited(t, "fifth message on A", a.call("POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("x-5", "m")), 3600/4)
	wantLimited(t, "fifth message on B", b.call("POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("x-6", "m")), 3600/4)

	if _, err := a.app.Identity.CreateLocalUser(t.Context(), a.app.Marketplace.ID, "dan@example.com", "Dan", "long-password-dan", false); err != nil {
		t.Fatal(err)
	}
	for i, n := range []*env{a, b, a} {
		if r := n.call("POST", "/api/v1/auth/login", "", map[string]string{"email": "dan@example.com", "password": "wrong"}); r.Status != 401 {
			t.Fatalf("failure %d = %d %s, want 401", i+1, r.Status, r.Body)
		}
	}
	wantLimited(t, "dan's sign-in on B", b.call("POST", "/api/v1/auth/login", "", map[string]string{"email": "dan@example.com", "password": "long-password-dan"}), 3600/3)
}
