package app_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestLoginHashesEveryPath: a wrong password, an unknown email and the
// email of an account that signs in through the host (no password) each run
// one password hash, like a right password: the answer's time does not
// tell which emails have accounts.
func TestLoginHashesEveryPath(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.seed() // buyer@example.com: a host user, no password
		if _, err := e.app.Identity.CreateLocalUser(t.Context(), e.app.Marketplace.ID, "ann@example.com", "Ann", "long-password", false); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, email, password string
			status                int
		}{
			{"WrongPassword", "ann@example.com", "wrong-password", 401},
			{"UnknownEmail", "nobody@example.com", "wrong-password", 401},
			{"NoPassword", "buyer@example.com", "", 401},
			{"RightPassword", "ann@example.com", "long-password", 200},
		}
		for _, c := range cases {
			before := e.app.Identity.PasswordHashes()
			r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"email": c.email, "password": c.password})
			if r.Status != c.status {
				t.Errorf("%s: status %d %s, want %d", c.name, r.Status, r.Body, c.status)
			}
			if n := e.app.Identity.PasswordHashes() - before; n != 1 {
				t.Errorf("%s: %d password hashes, want 1", c.name, n)
			}
		}
	})
}

// TestLoginBurst reproduces a burst of wrong sign-ins: with one hashing
// slot and a short queue, the hashes run one at a time and what cannot be
// served in time is refused with 429 rate_limited and Retry-After (a
// problem document from the API, the sign-in page from the web app), never
// hashed, and never a 5xx.
func TestLoginBurst(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			e := startConfigured(t, func(c *app.Config) {
				if d == store.Postgres {
					c.DatabaseURL = storetest.NewSchema(t)
				}
				c.PasswordHashes, c.PasswordQueueWait = 1, 10*time.Millisecond
			})
			const n = 24
			type answer struct {
				status           int
				code, retryAfter string
				page             string
			}
			answers := make([]answer, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if i%2 == 0 {
						r := e.call("POST", "/api/v1/auth/login", "", map[string]string{"email": "nobody@example.com", "password": "wrong-password"})
						answers[i] = answer{r.Status, r.code(), r.Header.Get("Retry-After"), ""}
						return
					}
					res, err := http.PostForm(e.srv.URL+"/login", url.Values{"email": {"nobody@example.com"}, "password": {"wrong-password"}})
					if err != nil {
						t.Error(err)
						return
					}
					defer res.Body.Close()
					var page strings.Builder
					_, _ = io.Copy(&page, res.Body)
					answers[i] = answer{res.StatusCode, "", res.Header.Get("Retry-After"), page.String()}
				}()
			}
			close(start)
			wg.Wait()
			refused := 0
			for i, a := range answers {
				switch {
				case a.status == 401:
				case a.status == 429 && a.retryAfter != "" && (i%2 == 1 || a.code == "rate_limited"):
					if i%2 == 1 && !strings.Contains(a.page, "Too many people are signing in") {
						t.Errorf("sign-in page refused without saying why")
					}
					refused++
				default:
					t.Errorf("sign-in %d answered %d %q (Retry-After %q), want 401, or 429 rate_limited with Retry-After", i, a.status, a.code, a.retryAfter)
				}
			}
			if refused == 0 {
				t.Errorf("%d concurrent sign-ins with one hashing slot and a 10ms queue: none refused", n)
			}
			if hashes := e.app.Identity.PasswordHashes(); hashes != int64(n-refused) {
				t.Errorf("password hashes = %d, want %d (one per sign-in served, none for the refused)", hashes, n-refused)
			}
		})
	}
}
