package app_test

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// hostJWT signs claims (iat now, exp in two minutes and a fresh jti unless
// mod changes them) with the test SSO secret; header entries are added.
func hostJWT(t *testing.T, header map[string]any, mod func(c jwt.MapClaims)) string {
	t.Helper()
	now := time.Now()
	c := jwt.MapClaims{"sub": "sso-user", "email": "sso-user@example.com", "name": "Sso User", "iat": now.Unix(),
		"exp": now.Add(2 * time.Minute).Unix(), "jti": identity.NewJTI()}
	if mod != nil {
		mod(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString([]byte(testSSOSecret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSSOPolicy: the attacks on host sign-in JWTs of the red-team run
// (issue 8, item 7), each refused with a problem that says why.
func TestSSOPolicy(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		sso := func(tok string) resp {
			t.Helper()
			return e.call("POST", "/api/v1/auth/sso", "", map[string]any{"jwt": tok})
		}
		refused := func(name string, r resp, status int, code, why string) {
			t.Helper()
			if r.Status != status || r.code() != code || !strings.Contains(string(r.Body), why) {
				t.Errorf("%s: %d %s, want %d %s saying %q", name, r.Status, r.Body, status, code, why)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("%s: Content-Type %q, want problem+json", name, ct)
			}
			if strings.Contains(string(r.Body), testSSOSecret) {
				t.Errorf("%s: the answer shows the secret", name)
			}
		}
		withClaim := func(k string, v any) func(jwt.MapClaims) { return func(c jwt.MapClaims) { c[k] = v } }
		refused("exp in year 9999", sso(hostJWT(t, nil, withClaim("exp", int64(253402300799)))), 401, "unauthorized", "exp is more than 10m0s after iat")
		refused("no iat", sso(hostJWT(t, nil, func(c jwt.MapClaims) { delete(c, "iat") })), 401, "unauthorized", "iat is required")
		refused("exp as a string", sso(hostJWT(t, nil, withClaim("exp", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10)))),
			401, "unauthorized", "exp must be a number")
		refused("crit header", sso(hostJWT(t, map[string]any{"crit": []string{"exp"}}, nil)), 401, "unauthorized", "crit")
		good := hostJWT(t, nil, nil)
		i := strings.LastIndexByte(good, '.')
		sig := []byte(good[i+1:])
		sig[len(sig)-1] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[strings.IndexByte(
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", sig[len(sig)-1])^1]
		refused("non-canonical signature", sso(good[:i+1]+string(sig)), 401, "unauthorized", "well-formed")

		// Replay: the same token signs in once, through the API or the form.
		if r := sso(good); r.Status != 200 {
			t.Fatalf("sign-in = %d %s", r.Status, r.Body)
		}
		refused("replay", sso(good), 401, "unauthorized", "used already")
		noJTI := hostJWT(t, nil, func(c jwt.MapClaims) { delete(c, "jti") })
		if r := sso(noJTI); r.Status != 200 {
			t.Fatalf("sign-in without jti = %d %s", r.Status, r.Body)
		}
		refused("replay without jti", sso(noJTI), 401, "unauthorized", "used already")
		srv := httptest.NewServer(e.app.Handler())
		defer srv.Close()
		if st, _, _ := newBrowser(t, srv.URL).do("POST", "/auth/sso", url.Values{"jwt": {good}, "next": {"/app/"}}); st != 401 {
			t.Errorf("replay through the sign-in form = %d, want 401", st)
		}

		// Claims obey the host API's rules for a user.
		refused("sub not an id", sso(hostJWT(t, nil, withClaim("sub", "a b/../c"))), 422, "validation_failed", "jwt.sub")
		refused("sub too long", sso(hostJWT(t, nil, withClaim("sub", strings.Repeat("s", 129)))), 422, "validation_failed", "jwt.sub")
		refused("name too long", sso(hostJWT(t, nil, withClaim("name", strings.Repeat("n", 201)))), 422, "validation_failed", "jwt.name")
		refused("NUL in name", sso(hostJWT(t, nil, withClaim("name", "Eve\x00"))), 422, "validation_failed", "jwt.name")
		refused("bad email", sso(hostJWT(t, nil, withClaim("email", "not an email"))), 422, "validation_failed", "jwt.email")
		refused("bad locale", sso(hostJWT(t, nil, withClaim("locale", "<script>"))), 422, "validation_failed", "jwt.locale")

		e.must(201, "PUT", "/api/v1/host/users/owner-a", testAPIKey, map[string]any{"email": "owner-a@example.com", "name": "Owner A"})
		refused("another user's email", sso(hostJWT(t, nil, func(c jwt.MapClaims) { c["sub"], c["email"] = "intruder", "Owner-A@example.com" })),
			409, "conflict", "belongs to another user")
		// The owner herself may sign in with her email.
		if r := sso(hostJWT(t, nil, func(c jwt.MapClaims) { c["sub"], c["email"], c["name"] = "owner-a", "owner-a@example.com", "Owner A" })); r.Status != 200 {
			t.Errorf("the owner's own email = %d %s", r.Status, r.Body)
		}

		// A token without name and email keeps the stored ones.
		e.must(201, "PUT", "/api/v1/host/users/keep", testAPIKey, map[string]any{"email": "keep@example.com", "name": "Kept Name", "locale": "it"})
		r := sso(hostJWT(t, nil, func(c jwt.MapClaims) { c["sub"] = "keep"; delete(c, "name"); delete(c, "email") }))
		if r.Status != 200 {
			t.Fatalf("sign-in without name and email = %d %s", r.Status, r.Body)
		}
		u := r.json(t)["user"].(map[string]any)
		if u["name"] != "Kept Name" || u["email"] != "keep@example.com" {
			t.Errorf("user after a JWT without name and email = %v, want the stored name and email", u)
		}
		// A host locale with an underscore is taken as the tag it means.
		if r := sso(hostJWT(t, nil, func(c jwt.MapClaims) { c["sub"], c["email"], c["locale"] = "under", "", "en_US" })); r.Status != 200 {
			t.Errorf("locale en_US = %d %s", r.Status, r.Body)
		}
	})
}

// TestSSOIssuerAudience: when the marketplace expects an issuer and an
// audience, a token without them, or with others, is refused.
func TestSSOIssuerAudience(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dbURL := ""
			if d == store.Postgres {
				dbURL = storetest.NewSchema(t)
			}
			e := startConfigured(t, func(c *app.Config) {
				c.DatabaseURL, c.SSOIssuer, c.SSOAudience = dbURL, "https://shop.example", "parley.test"
			})
			for _, tt := range []struct {
				name      string
				iss, aud  any
				status    int
				complaint string
			}{
				{"ErrNone", nil, nil, 401, "iss is required"},
				{"ErrNoAudience", "https://shop.example", nil, 401, "aud is required"},
				{"ErrOtherIssuer", "https://evil.example", "parley.test", 401, "iss is not the issuer"},
				{"ErrOtherAudience", "https://shop.example", "another-service", 401, "aud does not name"},
				{"OK", "https://shop.example", []string{"analytics", "parley.test"}, 200, ""},
			} {
				tok := hostJWT(t, nil, func(c jwt.MapClaims) {
					if tt.iss != nil {
						c["iss"] = tt.iss
					}
					if tt.aud != nil {
						c["aud"] = tt.aud
					}
				})
				r := e.call("POST", "/api/v1/auth/sso", "", map[string]any{"jwt": tok})
				if r.Status != tt.status || !strings.Contains(string(r.Body), tt.complaint) {
					t.Errorf("%s: %d %s, want %d %q", tt.name, r.Status, r.Body, tt.status, tt.complaint)
				}
			}
		})
	}
}

// TestSSOReplayAcrossNodes: two nodes on one PostgreSQL database; a token
// used on one is refused on the other.
func TestSSOReplayAcrossNodes(t *testing.T) {
	dbURL := storetest.NewSchema(t)
	a, b := startNode(t, dbURL, ""), startNode(t, dbURL, "")
	tok := hostJWT(t, nil, nil)
	a.must(200, "POST", "/api/v1/auth/sso", "", map[string]any{"jwt": tok})
	if r := b.call("POST", "/api/v1/auth/sso", "", map[string]any{"jwt": tok}); r.Status != 401 || r.code() != "unauthorized" {
		t.Errorf("replay on the other node = %d %s, want 401 unauthorized", r.Status, r.Body)
	}
}
