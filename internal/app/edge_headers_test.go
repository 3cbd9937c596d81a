package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/app"
)

// TestStoredURLsHTTPOnly: every URL Parley stores and a page may render as
// a link takes http(s) only: a product's URL, a conversation's page_url,
// the quote cart URL and a webhook's URL refuse javascript:, data:,
// vbscript: and their disguises (422).
func TestStoredURLsHTTPOnly(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		bad := []string{"javascript:alert(1)", "JavaScript:alert(document.cookie)", " javascript:alert(1)", "java\tscript:alert(1)",
			"data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x", "https:alert(1)"}
		for i, u := range bad {
			for _, tc := range []struct {
				name, method, path, token string
				body                      map[string]any
			}{
				{"Product", "PUT", "/api/v1/host/products/p1", testAPIKey, map[string]any{"seller": "acme", "title": "Cordless drill", "url": u}},
				{"PageURL", "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "page_url": u, "message": msg("u-"+string(rune('a'+i)), "Hi")}},
				{"CartURL", "PUT", "/api/v1/host/quote-settings", testAPIKey, map[string]any{"cart_url": u}},
				{"Webhook", "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": u, "events": []string{"*"}}},
			} {
				if r := e.call(tc.method, tc.path, tc.token, tc.body); r.Status != 422 || r.code() != "validation_failed" {
					t.Errorf("%s %q = %d %s, want 422 validation_failed", tc.name, u, r.Status, r.Body)
				}
			}
		}
		e.must(200, "PUT", "/api/v1/host/products/p1", testAPIKey, map[string]any{"seller": "acme", "title": "Cordless drill", "url": "https://shop.example/p/1"})
		e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "page_url": "http://shop.example/p/1", "message": msg("u-ok", "Hi")})
		if r := e.call("PUT", "/api/v1/host/quote-settings", testAPIKey, map[string]any{"cart_url": "https://shop.example/cart"}); r.Status/100 != 2 {
			t.Errorf("an https cart URL = %d %s", r.Status, r.Body)
		}
	})
}

// TestResponseHeaders: API answers carry nosniff; the pages' CSP names
// Parley's own socket origin, not every host's sockets; with an https
// base URL every answer (API, pages) carries HSTS and COOP, and with http
// none does (a browser would pin plain http otherwise).
func TestResponseHeaders(t *testing.T) {
	get := func(t *testing.T, e *env, path string) http.Header {
		t.Helper()
		res, err := noRedirect.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header
	}
	for _, tc := range []struct {
		name, base, socket string
		secure             bool
	}{
		{"HTTP", "http://parley.test", "ws://parley.test", false},
		{"HTTPS", "https://chat.example:8443", "wss://chat.example:8443", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachDBWith(t, func(c *app.Config) { c.BaseURL = tc.base }, func(t *testing.T, e *env) {
				for _, path := range []string{"/api/v1/me", "/api/v1/nope", "/healthz", "/login"} {
					h := get(t, e, path)
					if h.Get("X-Content-Type-Options") != "nosniff" {
						t.Errorf("GET %s: X-Content-Type-Options = %q, want nosniff", path, h.Get("X-Content-Type-Options"))
					}
					hsts, coop := h.Get("Strict-Transport-Security"), h.Get("Cross-Origin-Opener-Policy")
					if tc.secure && (!strings.HasPrefix(hsts, "max-age=") || coop != "same-origin") {
						t.Errorf("GET %s: HSTS %q, COOP %q, want both with https", path, hsts, coop)
					}
					if !tc.secure && (hsts != "" || coop != "") {
						t.Errorf("GET %s: HSTS %q, COOP %q, want none with http", path, hsts, coop)
					}
				}
				csp := get(t, e, "/login").Get("Content-Security-Policy")
				if !strings.Contains(csp, "connect-src 'self' "+tc.socket+";") || strings.Contains(csp, " ws: ") || strings.Contains(csp, " wss:;") {
					t.Errorf("CSP = %q, want connect-src 'self' %s only", csp, tc.socket)
				}
			})
		})
	}
}
