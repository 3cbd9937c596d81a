package app_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/demo"
	"github.com/parleyhq/parley/internal/identity"
)

// browser is a cookie-keeping HTTP client that does not follow redirects.
type browser struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values, header ...string) (int, http.Header, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(data)
}

var htmlLang = regexp.MustCompile(`<html lang="([a-z]+)">`)

func langOf(t *testing.T, page string) string {
	t.Helper()
	m := htmlLang.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no <html lang> in %.200s", page)
	}
	return m[1]
}

// TestWebSignIn covers the sign-in pages: the demo account list, local
// sign-in, the cross-origin refusal, SSO with a same-origin next, sign-out.
func TestWebSignIn(t *testing.T) {
	eachDB(t, testWebSignIn)
}

func testWebSignIn(t *testing.T, e *env) {
	e.seed()
	ctx := t.Context()
	if _, err := e.app.Identity.CreateLocalUser(ctx, e.app.Marketplace.ID, "ann@example.com", "Ann", "long-password", false); err != nil {
		t.Fatal(err)
	}
	e.app.Config.Demo = true
	e.app.Config.HostOrigins = []string{"https://shop.example"}
	e.app.DemoAccounts = []demo.Account{{Email: "ann@example.com", Name: "Ann", Role: "buyer"}}
	e.app.DemoPassword = "long-password"
	srv := httptest.NewServer(e.app.Handler())
	defer srv.Close()
	b := newBrowser(t, srv.URL)

	if st, h, _ := b.do("GET", "/app/", nil); st != 303 || h.Get("Location") != "/login?next=%2Fapp%2F" {
		t.Errorf("signed-out /app/ = %d %s, want 303 to the sign-in page", st, h.Get("Location"))
	}
	st, _, page := b.do("GET", "/login", nil)
	if st != 200 || !strings.Contains(page, "ann@example.com") || !strings.Contains(page, `name="password"`) {
		t.Errorf("login page = %d, want the demo account listed", st)
	}
	if st, _, page := b.do("POST", "/login", url.Values{"email": {"ann@example.com"}, "password": {"wrong-password"}}); st != 401 || !strings.Contains(page, "Wrong email or password") {
		t.Errorf("bad password = %d", st)
	}
	// A form posted from another site is refused.
	if st, _, _ := b.do("POST", "/login", url.Values{"email": {"ann@example.com"}, "password": {"long-password"}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); st != 403 {
		t.Errorf("cross-site sign-in = %d, want 403", st)
	}
	st, h, _ := b.do("POST", "/login", url.Values{"email": {"ann@example.com"}, "password": {"long-password"}, "next": {"//evil.example/x"}})
	if st != 303 || h.Get("Location") != "/app/" {
		t.Errorf("sign-in with a foreign next = %d %s, want 303 /app/", st, h.Get("Location"))
	}
	st, _, page = b.do("GET", "/app/", nil)
	if st != 200 || !strings.Contains(page, "Ann") || !strings.Contains(page, `id="conv-list"`) {
		t.Errorf("inbox = %d", st)
	}
	if st, h, _ := b.do("POST", "/logout", url.Values{}); st != 303 || h.Get("Location") != "/login" {
		t.Errorf("logout = %d", st)
	}
	if st, _, _ := b.do("GET", "/app/", nil); st != 303 {
		t.Errorf("/app/ after logout = %d, want 303", st)
	}

	// SSO: the host posts a form from its own origin; next must be local.
	jwt, _ := identity.SignHostJWT(testSSOSecret, "buyer", "buyer@example.com", "Buyer", time.Now(), 5*time.Minute)
	sso := newBrowser(t, srv.URL)
	if st, _, _ := sso.do("POST", "/auth/sso", url.Values{"jwt": {"forged." + jwt}, "next": {"/app/"}}); st != 401 {
		t.Errorf("forged SSO = %d, want 401", st)
	}
	// A form posted from a page that is neither Parley's nor a host origin
	// is refused (login CSRF): no session.
	evil := newBrowser(t, srv.URL)
	if st, _, _ := evil.do("POST", "/auth/sso", url.Values{"jwt": {jwt}, "next": {"/app/"}}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); st != 403 {
		t.Errorf("SSO form from another site = %d, want 403", st)
	}
	if st, _, _ := evil.do("GET", "/app/", nil); st != 303 {
		t.Errorf("/app/ after a refused SSO = %d, want 303 to the sign-in page", st)
	}
	st, h, _ = sso.do("POST", "/auth/sso", url.Values{"jwt": {jwt}, "next": {"/app/settings"}}, "Origin", "https://shop.example", "Sec-Fetch-Site", "cross-site")
	if st != 303 || h.Get("Location") != "/app/settings" {
		t.Errorf("SSO = %d %s, want 303 /app/settings", st, h.Get("Location"))
	}
	if st, _, page := sso.do("GET", "/app/settings", nil); st != 200 || !strings.Contains(page, "Notifications") {
		t.Errorf("settings after SSO = %d", st)
	}
	jwt, _ = identity.SignHostJWT(testSSOSecret, "buyer", "buyer@example.com", "Buyer", time.Now(), 5*time.Minute)
	st, h, _ = newBrowser(t, srv.URL).do("POST", "/auth/sso", url.Values{"jwt": {jwt}, "next": {"https://evil.example/"}})
	if st != 303 || h.Get("Location") != "/app/" {
		t.Errorf("SSO with a foreign next = %d %s, want /app/", st, h.Get("Location"))
	}
	// The dev mailbox is there in demo mode.
	if st, _, page := sso.do("GET", "/app/mailbox", nil); st != 200 || !strings.Contains(page, "Dev mailbox") {
		t.Errorf("mailbox = %d", st)
	}
}

// TestWebLanguage: Accept-Language, the switcher's cookie, CLDR plurals in
// the scripts' catalogue and unknown languages.
func TestWebLanguage(t *testing.T) {
	eachDB(t, testWebLanguage)
}

func testWebLanguage(t *testing.T, e *env) {
	b := newBrowser(t, e.srv.URL)
	cases := map[string]string{"it-IT,it;q=0.9": "it", "sr-Latn-RS": "sr", "el": "el", "ru-RU": "ru", "es-MX": "es", "de-DE": "en", "": "en"}
	for al, want := range cases {
		_, _, page := b.do("GET", "/login", nil, "Accept-Language", al)
		if got := langOf(t, page); got != want {
			t.Errorf("Accept-Language %q: lang = %q, want %q", al, got, want)
		}
	}
	_, _, page := b.do("GET", "/login", nil, "Accept-Language", "ru")
	if !strings.Contains(page, "Вход") || !strings.Contains(page, `непрочитанных`) {
		t.Errorf("Russian page lacks its texts or plural forms")
	}
	st, h, _ := b.do("POST", "/lang", url.Values{"lang": {"el"}, "next": {"/login"}})
	if st != 303 || h.Get("Location") != "/login" {
		t.Errorf("switch = %d %s", st, h.Get("Location"))
	}
	_, _, page = b.do("GET", "/login", nil, "Accept-Language", "it")
	if langOf(t, page) != "el" || !strings.Contains(page, "Σύνδεση") {
		t.Errorf("after switching to Greek: lang = %s", langOf(t, page))
	}
	b.do("POST", "/lang", url.Values{"lang": {"xx"}, "next": {"/login"}})
	if _, _, page = b.do("GET", "/login", nil, "Accept-Language", "es"); langOf(t, page) != "es" {
		t.Errorf("an unknown language must fall back to Accept-Language")
	}
	for _, path := range []string{"/manifest.webmanifest", "/sw.js", "/widget.js", "/static/app.css", "/static/js/app.js", "/static/icon-192.png", "/widget/frame"} {
		if st, _, _ := b.do("GET", path, nil); st != 200 {
			t.Errorf("GET %s = %d", path, st)
		}
	}
	if st, _, _ := b.do("GET", "/no/such/page", nil); st != 404 {
		t.Errorf("unknown page = %d, want 404", st)
	}
}

// TestWebBlockConfirmation: blocking and unblocking go through a real
// confirmation page; strangers do not see it.
func TestWebBlockConfirmation(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("m-1", "hi")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		u, _ := url.Parse(e.srv.URL)
		owner := newBrowser(t, e.srv.URL)
		owner.client.Jar.SetCookies(u, []*http.Cookie{{Name: "parley_session", Value: w.owner}})
		stranger := newBrowser(t, e.srv.URL)
		stranger.client.Jar.SetCookies(u, []*http.Cookie{{Name: "parley_session", Value: w.stranger}})
		if code, _, _ := stranger.do("GET", "/app/c/"+conv+"/block", nil); code != 404 {
			t.Errorf("stranger's confirmation page = %d, want 404", code)
		}
		if code, _, _ := stranger.do("POST", "/app/c/"+conv+"/block", url.Values{"action": {"block"}}); code != 404 {
			t.Errorf("stranger blocking = %d, want 404", code)
		}
		code, _, page := owner.do("GET", "/app/c/"+conv+"/block", nil)
		if code != 200 || !strings.Contains(page, "Block Buyer?") || !strings.Contains(page, `value="block"`) {
			t.Errorf("confirmation page = %d", code)
		}
		if c := e.must(200, "GET", "/api/v1/conversations/"+conv, w.owner, nil); c["blocked"] != false {
			t.Error("opening the confirmation page blocked already")
		}
		code, h, _ := owner.do("POST", "/app/c/"+conv+"/block", url.Values{"action": {"block"}})
		if code != 303 || h.Get("Location") != "/app/c/"+conv {
			t.Errorf("confirm = %d %s", code, h.Get("Location"))
		}
		if r := e.call("POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("m-2", "still there?")); r.code() != "blocked" {
			t.Errorf("buyer writing after the block = %d %s, want blocked", r.Status, r.Body)
		}
		if _, _, page := owner.do("GET", "/app/c/"+conv+"/block", nil); !strings.Contains(page, "Unblock Buyer?") {
			t.Error("the page does not offer to unblock")
		}
		owner.do("POST", "/app/c/"+conv+"/block", url.Values{"action": {"unblock"}})
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("m-3", "thanks"))

		// A buyer blocks the seller company the same way.
		buyer := newBrowser(t, e.srv.URL)
		buyer.client.Jar.SetCookies(u, []*http.Cookie{{Name: "parley_session", Value: w.buyer}})
		if _, _, page := buyer.do("GET", "/app/c/"+conv+"/block", nil); !strings.Contains(page, "Block Acme Tools?") {
			t.Error("the buyer's confirmation page does not name the seller")
		}
		buyer.do("POST", "/app/c/"+conv+"/block", url.Values{"action": {"block"}})
		if r := e.call("POST", "/api/v1/conversations/"+conv+"/messages", w.owner, msg("m-4", "hello?")); r.code() != "blocked" {
			t.Errorf("seller writing after the buyer's block = %d %s, want blocked", r.Status, r.Body)
		}
		blocked := e.must(200, "GET", "/api/v1/conversations?view=blocked", w.buyer, nil)["items"].([]any)
		if len(blocked) != 1 {
			t.Errorf("the buyer's blocked view = %v, want the conversation", blocked)
		}
	})
}
