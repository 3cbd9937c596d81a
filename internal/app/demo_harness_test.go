package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// demoEnv is a Parley started like `parley serve --demo`: listening on a
// real port, with the shop seeding it over HTTP.
type demoEnv struct {
	*env
	dir, dbURL string
	stop       func()
}

// startDemo opens the app in demo mode on dir (and dbURL, empty for
// SQLite), serves it and waits until the shop has pushed its data.
func startDemo(t *testing.T, dir, dbURL string) *demoEnv {
	t.Helper()
	return startDemoWith(t, dir, dbURL, nil)
}

// startDemoWith is startDemo with a change to the configuration.
func startDemoWith(t *testing.T, dir, dbURL string, configure func(*app.Config)) *demoEnv {
	t.Helper()
	cfg := app.Config{Addr: "127.0.0.1:0", DataDir: dir, Demo: true, MailFrom: "Parley <parley@test>", MaxUpload: 1 << 20,
		LogLevel: "error", BaseURL: "http://parley.test", DatabaseURL: dbURL, RateLimits: ratelimit.Generous}
	if configure != nil {
		configure(&cfg)
	}
	logs := &testLog{t: t}
	a, err := app.Open(context.Background(), cfg, logs)
	if err != nil {
		t.Fatalf("open demo app: %v", err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		<-done
		a.Close()
		logs.close()
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(patience)
	for !a.Shop.Ready() {
		select {
		case err := <-done:
			t.Fatalf("demo server stopped before the shop was seeded: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the shop did not seed Parley within 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	e := &env{t: t, app: a, srv: &httptest.Server{URL: "http://" + a.Addr()}}
	return &demoEnv{env: e, dir: dir, dbURL: dbURL, stop: stop}
}

// eachDemoDB runs f on a demo app on SQLite and on PostgreSQL.
func eachDemoDB(t *testing.T, f func(t *testing.T, d *demoEnv)) {
	for _, dialect := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			dbURL := ""
			if dialect == store.Postgres {
				dbURL = storetest.NewSchema(t)
			}
			f(t, startDemo(t, t.TempDir(), dbURL))
		})
	}
}

// login signs a demo account in to Parley with its password.
func (d *demoEnv) login(email string) string {
	d.t.Helper()
	return d.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": "parley-demo"})["token"].(string)
}

// ssoToken signs a shop user in to Parley with a JWT, as the shop does.
func (d *demoEnv) ssoToken(email string) string {
	d.t.Helper()
	jwt, err := identity.SignHostJWT(d.app.Config.SSOSecret, "local:"+email, email, email, time.Now(), time.Minute)
	if err != nil {
		d.t.Fatal(err)
	}
	return d.must(200, "POST", "/api/v1/auth/sso", "", map[string]string{"jwt": jwt})["token"].(string)
}

// shopper is a browser on the shop: a cookie jar that follows redirects.
type shopper struct {
	t    *testing.T
	base string
	c    *http.Client
}

// shopper is a browser that chose English (the tests read English pages).
func (d *demoEnv) shopper() *shopper {
	s := d.browser()
	u, _ := url.Parse(d.srv.URL + "/shop/")
	s.c.Jar.SetCookies(u, []*http.Cookie{{Name: "parley_shop_lang", Value: "en", Path: "/shop/"}})
	return s
}

// browser is a shopper with no language chosen.
func (d *demoEnv) browser() *shopper {
	jar, _ := cookiejar.New(nil)
	return &shopper{t: d.t, base: d.srv.URL, c: &http.Client{Jar: jar, Timeout: 15 * time.Second}}
}

// page is an answer of the shop after redirects.
type page struct {
	Status int
	URL    *url.URL
	Body   string
}

func (s *shopper) do(req *http.Request) page {
	s.t.Helper()
	res, err := s.c.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{Status: res.StatusCode, URL: res.Request.URL, Body: string(b)}
}

func (s *shopper) get(path string) page {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.base+path, nil)
	return s.do(req)
}

func (s *shopper) post(path string, form url.Values) page {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

func (s *shopper) signIn(email string) {
	s.t.Helper()
	p := s.post("/shop/signin", url.Values{"user": {"local:" + email}, "next": {"/shop/"}})
	if p.Status != 200 || !strings.Contains(p.Body, `action="/shop/signout"`) {
		s.t.Fatalf("sign in %s: %d at %s", email, p.Status, p.URL)
	}
}

// mustContain fails unless the page has every part.
func (p page) mustContain(t *testing.T, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if !strings.Contains(p.Body, s) {
			t.Errorf("page %s (status %d) does not contain %q", p.URL, p.Status, s)
		}
	}
}

func (p page) mustNotContain(t *testing.T, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if strings.Contains(p.Body, s) {
			t.Errorf("page %s contains %q, want not", p.URL, s)
		}
	}
}
