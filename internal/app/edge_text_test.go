package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/identity"
)

// TestTextRefusedAtTheEdge: NUL (raw or \u0000) and invalid UTF-8 in a
// JSON body, a query parameter, a path id, sign-in claims or a form post
// are refused with 422 validation_failed (404 for a path id) on both
// databases; on PostgreSQL they were a 500 from the driver. An escaped
// backslash followed by "u0000" is ordinary text and is stored.
func TestTextRefusedAtTheEdge(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		conv := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "message": msg("c-1", "Hello")})
		id := conv["conversation"].(map[string]any)["id"].(string)
		nulJWT, err := identity.SignHostJWT(testSSOSecret, "nul", "nul@example.com", "N\x00L", time.Now(), 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		const invalidUTF8 = "\xff\xfe"
		cases := []struct {
			name, method, path, token string
			body                      string
			want                      int
		}{
			{"LoginEmail", "POST", "/api/v1/auth/login", "", `{"email":"a\u0000@example.com","password":"x"}`, 422},
			{"LoginPassword", "POST", "/api/v1/auth/login", "", `{"email":"a@example.com","password":"x\u0000"}`, 422},
			{"LoginInvalidUTF8", "POST", "/api/v1/auth/login", "", `{"email":"` + invalidUTF8 + `@example.com","password":"x"}`, 422},
			{"SSOToken", "POST", "/api/v1/auth/sso", "", `{"jwt":"a\u0000b"}`, 422},
			{"SSOClaims", "POST", "/api/v1/auth/sso", "", `{"jwt":"` + nulJWT + `"}`, 422},
			{"Block", "POST", "/api/v1/blocks", w.owner, `{"user":"buyer\u0000"}`, 422},
			{"HostUserName", "PUT", "/api/v1/host/users/u-nul", testAPIKey, `{"email":"u@example.com","name":"N\u0000"}`, 422},
			{"HostUserRawNUL", "PUT", "/api/v1/host/users/u-nul", testAPIKey, "{\"email\":\"u@example.com\",\"name\":\"N\x00\"}", 422},
			{"HostProduct", "PUT", "/api/v1/host/products/p-nul", testAPIKey, `{"seller":"acme","title":"T\u0000"}`, 422},
			{"HostOrganization", "PUT", "/api/v1/host/organizations/o-nul", testAPIKey, `{"name":"` + invalidUTF8 + `","kind":"seller"}`, 422},
			{"HostPathID", "PUT", "/api/v1/host/users/u%00nul", testAPIKey, `{"email":"u@example.com","name":"N"}`, 404},
			{"HostPathInvalidUTF8", "PUT", "/api/v1/host/users/u%FFnul", testAPIKey, `{"email":"u@example.com","name":"N"}`, 404},
			{"ProductPathID", "GET", "/api/v1/products/p1%00", w.buyer, "", 404},
			{"ConversationPathID", "GET", "/api/v1/conversations/" + id + "%00", w.buyer, "", 404},
			{"MessageBody", "POST", "/api/v1/conversations/" + id + "/messages", w.buyer, `{"client_id":"c-2","body":"a\u0000b"}`, 422},
			{"MessageBodyInvalidUTF8", "POST", "/api/v1/conversations/" + id + "/messages", w.buyer, `{"client_id":"c-3","body":"a` + invalidUTF8 + `"}`, 422},
			{"ClientID", "POST", "/api/v1/conversations/" + id + "/messages", w.buyer, `{"client_id":"c\u0000","body":"a"}`, 422},
			{"Search", "GET", "/api/v1/conversations?q=a%00b", w.buyer, "", 422},
			{"SearchInvalidUTF8", "GET", "/api/v1/conversations?q=a%FFb", w.buyer, "", 422},
			{"EscapedBackslash", "POST", "/api/v1/conversations/" + id + "/messages", w.buyer, `{"client_id":"c-4","body":"a\\u0000b"}`, 201},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := e.call(tc.method, tc.path, tc.token, nilIfEmpty(tc.body))
				if r.Status != tc.want {
					t.Fatalf("%s %s = %d %s, want %d", tc.method, tc.path, r.Status, r.Body, tc.want)
				}
				if want := map[int]string{422: "validation_failed", 404: "not_found"}[tc.want]; want != "" && r.code() != want {
					t.Errorf("code = %q, want %q", r.code(), want)
				}
			})
		}
		// The stored escaped text reads back as sent.
		if r := e.call("GET", "/api/v1/conversations/"+id+"/messages", w.buyer, nil); !strings.Contains(string(r.Body), `"a\\u0000b"`) {
			t.Errorf("the message with an escaped backslash is not stored as sent: %s", r.Body)
		}

		// The pages' forms and paths.
		form := func(path, cookie string, v url.Values) int {
			t.Helper()
			req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: "parley_session", Value: cookie})
			}
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		for _, tc := range []struct {
			name, path, cookie string
			v                  url.Values
			want               int
		}{
			{"WebLogin", "/login", "", url.Values{"email": {"a\x00@example.com"}, "password": {"x"}}, 422},
			{"WebLoginInvalidUTF8", "/login", "", url.Values{"email": {invalidUTF8}, "password": {"x"}}, 422},
			{"WebSSO", "/auth/sso", "", url.Values{"jwt": {"a\x00"}}, 422},
			{"WebSSOClaims", "/auth/sso", "", url.Values{"jwt": {nulJWT}}, 401},
			{"WebBlock", "/app/c/" + id + "/block", w.owner, url.Values{"action": {"block\x00"}}, 422},
			{"WebBlockPath", "/app/c/" + id + "%00/block", w.owner, url.Values{"action": {"block"}}, 404},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := form(tc.path, tc.cookie, tc.v); got != tc.want {
					t.Errorf("POST %s = %d, want %d", tc.path, got, tc.want)
				}
			})
		}
		req, _ := http.NewRequest("GET", e.srv.URL+"/app/sellers/acme%00", nil)
		req.AddCookie(&http.Cookie{Name: "parley_session", Value: w.buyer})
		if res, err := noRedirect.Do(req); err != nil || res.StatusCode != 404 {
			t.Errorf("GET /app/sellers/acme%%00 = %v %v, want 404", res.StatusCode, err)
		}
	})
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
