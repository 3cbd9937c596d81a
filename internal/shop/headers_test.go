package shop

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestShopSecurityHeaders: the shop's pages, files and errors carry a CSP
// that allows only the origin's scripts and no framing, and nosniff: the
// shop shares Parley's origin.
func TestShopSecurityHeaders(t *testing.T) {
	s, err := New(Config{Dir: t.TempDir(), APIKey: "pk_test_host_api_key_123456", SSOSecret: strings.Repeat("s", 32)})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for _, path := range []string{"/shop/", "/shop/static/shop.js", "/shop/nope", "/shop/signin"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		csp := rec.Header().Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", path, csp, want)
			}
		}
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options = %q, want nosniff", path, got)
		}
		if got := rec.Header().Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("GET %s: X-Frame-Options = %q, want DENY", path, got)
		}
	}
}
