package app_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestErrors: bad input gets problem+json with a stable code, and nothing
// already accepted is lost.
func TestErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "message": msg("e-0", "hi")})
		id := st["conversation"].(map[string]any)["id"].(string)
		msgs := "/api/v1/conversations/" + id + "/messages"
		tests := []struct {
			name   string
			method string
			path   string
			token  string
			body   any
			status int
			code   string
			field  string
		}{
			{"MalformedJSON", "POST", msgs, w.buyer, `{"client_id":`, 400, "bad_request", ""},
			{"TwoValues", "POST", msgs, w.buyer, `{} {}`, 400, "bad_request", ""},
			{"WrongType", "POST", msgs, w.buyer, `{"client_id": 5, "body": "x"}`, 422, "validation_failed", "client_id"},
			{"EmptyBody", "POST", msgs, w.buyer, msg("e-1", "   "), 422, "validation_failed", "body"},
			{"TooLongBody", "POST", msgs, w.buyer, msg("e-2", strings.Repeat("é", 10001)), 422, "validation_failed", "body"},
			{"NoClientID", "POST", msgs, w.buyer, map[string]any{"body": "x"}, 422, "validation_failed", "client_id"},
			{"OverSizeRequest", "POST", msgs, w.buyer, `{"client_id":"e-3","body":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "too_large", ""},
			{"UnknownAttachment", "POST", msgs, w.buyer, map[string]any{"client_id": "e-4", "attachments": []string{"999999"}}, 404, "not_found", ""},
			{"BadKind", "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "gossip", "seller": "acme", "message": msg("e-5", "x")}, 422, "validation_failed", "kind"},
			{"UnknownProduct", "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "nope", "message": msg("e-6", "x")}, 404, "not_found", ""},
			{"OwnCompany", "POST", "/api/v1/conversations", w.owner, map[string]any{"kind": "chat", "seller": "acme", "message": msg("e-7", "x")}, 422, "validation_failed", "seller"},
			{"BuyerSetsStatus", "PATCH", "/api/v1/conversations/" + id, w.buyer, map[string]any{"status": "solved"}, 403, "forbidden", ""},
			{"BadStatus", "PATCH", "/api/v1/conversations/" + id, w.owner, map[string]any{"status": "maybe"}, 422, "validation_failed", "status"},
			{"BadView", "GET", "/api/v1/conversations?view=everything", w.owner, nil, 422, "validation_failed", "view"},
			{"BadMarketplace", "GET", "/api/v1/conversations?marketplace=eBay%20IT", w.owner, nil, 422, "validation_failed", "marketplace"},
			{"BadCursor", "GET", "/api/v1/sync?cursor=abc", w.owner, nil, 422, "validation_failed", "cursor"},
			{"NoToken", "GET", "/api/v1/conversations", "", nil, 401, "unauthorized", ""},
			{"ForgedToken", "GET", "/api/v1/conversations", "pst_forged", nil, 401, "unauthorized", ""},
			{"UserOnHostRoute", "PUT", "/api/v1/host/users/x", w.owner, map[string]any{"name": "x"}, 401, "unauthorized", ""},
			{"KeyOnUserRoute", "GET", "/api/v1/conversations", testAPIKey, nil, 401, "unauthorized", ""},
			{"HostValidation", "PUT", "/api/v1/host/products/p9", testAPIKey, map[string]any{"seller": "acme", "title": "", "price": map[string]string{"amount": "1,5"}}, 422, "validation_failed", "title"},
			{"UnknownRoute", "GET", "/api/v1/nothing", w.owner, nil, 404, "not_found", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.call(tt.method, tt.path, tt.token, tt.body)
				if r.Status != tt.status || r.code() != tt.code {
					t.Fatalf("%s %s = %d %s, want %d %s", tt.method, tt.path, r.Status, r.Body, tt.status, tt.code)
				}
				if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type = %q, want application/problem+json", ct)
				}
				if tt.field != "" && !strings.Contains(string(r.Body), `"field":"`+tt.field) {
					t.Errorf("body %s does not name field %s", r.Body, tt.field)
				}
			})
		}
		// Nothing accepted was lost or changed by the bad requests.
		list := e.must(200, "GET", msgs, w.buyer, nil)
		if items := list["items"].([]any); len(items) != 1 {
			t.Errorf("messages after bad input = %d, want 1", len(items))
		}
	})
}

// TestSessions: logout revokes the token; cookie requests that change
// state are refused cross-origin.
func TestSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.seed()
		tok := e.signIn("buyer")
		e.must(200, "GET", "/api/v1/me", tok, nil)
		e.must(204, "POST", "/api/v1/auth/logout", tok, nil)
		if r := e.call("GET", "/api/v1/me", tok, nil); r.Status != 401 {
			t.Errorf("token after logout = %d, want 401", r.Status)
		}

		tok = e.signIn("buyer")
		cookieReq := func(origin string) int {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/conversations", strings.NewReader(`{"kind":"chat","seller":"acme","message":{"client_id":"ck-1","body":"hi"}}`))
			req.Header.Set("Content-Type", "application/json")
			req.AddCookie(&http.Cookie{Name: "parley_session", Value: tok})
			if origin != "" {
				req.Header.Set("Origin", origin)
				req.Header.Set("Sec-Fetch-Site", "cross-site")
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if got := cookieReq("https://evil.example"); got != 403 {
			t.Errorf("cross-origin cookie POST = %d, want 403", got)
		}
		if got := cookieReq(""); got != 201 {
			t.Errorf("same-origin cookie POST = %d, want 201", got)
		}

		// Local accounts: wrong password and unknown email look the same.
		if _, err := e.app.Identity.CreateLocalUser(t.Context(), e.app.Marketplace.ID, "ann@example.com", "Ann", "long-password", false); err != nil {
			t.Fatal(err)
		}
		e.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": "ann@example.com", "password": "long-password"})
		a := e.call("POST", "/api/v1/auth/login", "", map[string]string{"email": "ann@example.com", "password": "wrong-password"})
		b := e.call("POST", "/api/v1/auth/login", "", map[string]string{"email": "nobody@example.com", "password": "wrong-password"})
		if a.Status != 401 || b.Status != 401 || string(a.Body) != string(b.Body) {
			t.Errorf("login failures differ: %d %s / %d %s", a.Status, a.Body, b.Status, b.Body)
		}
	})
}
