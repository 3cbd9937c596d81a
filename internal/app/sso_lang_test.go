package app_test

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestSSOLanguage: a person who comes from the host's "Open my inbox"
// (a form posting the JWT to /auth/sso) gets the pages in the locale the
// host gave, until they choose another language; without a locale, or
// with a language cookie already there, nothing changes.
func TestSSOLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.seed()
		srv := httptest.NewServer(e.app.Handler())
		defer srv.Close()
		sub := "sso-lang"
		signed := 0
		sign := func(locale string) string {
			now := time.Now()
			signed++ // each token signs in once: a jti of its own
			s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": sub, "email": sub + "@example.com", "name": "Lena",
				"locale": locale, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": fmt.Sprint("lang-", signed)}).SignedString([]byte(testSSOSecret))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		page := func(b *browser, locale string) string {
			if st, h, _ := b.do("POST", "/auth/sso", url.Values{"jwt": {sign(locale)}, "next": {"/app/"}}); st != 303 || h.Get("Location") != "/app/" {
				t.Fatalf("SSO = %d %s", st, h.Get("Location"))
			}
			st, _, p := b.do("GET", "/app/", nil)
			if st != 200 {
				t.Fatalf("/app/ = %d", st)
			}
			return p
		}
		if p := page(newBrowser(t, srv.URL), "ru-RU"); !strings.Contains(p, `<html lang="ru"`) {
			t.Errorf("after SSO with locale ru-RU the inbox is not in Russian:\n%.300s", p)
		}
		// A later token without a locale keeps the host's language.
		if p := page(newBrowser(t, srv.URL), ""); !strings.Contains(p, `<html lang="ru"`) {
			t.Errorf("after SSO without a locale the inbox lost the host's Russian:\n%.300s", p)
		}
		// A person the host never gave a locale: English.
		sub = "sso-lang-none"
		if p := page(newBrowser(t, srv.URL), ""); !strings.Contains(p, `<html lang="en"`) {
			t.Errorf("after SSO without a locale the inbox is not in English:\n%.300s", p)
		}
		chose := newBrowser(t, srv.URL)
		if st, _, _ := chose.do("POST", "/lang", url.Values{"lang": {"es"}, "next": {"/login"}}); st != 303 {
			t.Fatalf("language switch = %d", st)
		}
		if p := page(chose, "ru"); !strings.Contains(p, `<html lang="es"`) {
			t.Errorf("SSO overrode the language the person chose (es):\n%.300s", p)
		}
	})
}
