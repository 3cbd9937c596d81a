package browsertest_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// TestShopInboxSignInTwice: Parley takes each sign-in JWT once, so the
// shop's "Open my inbox" fetches a fresh one at the click. The JWT the page
// was rendered with is used up first (as an earlier click, or a page open
// for long, would have), and the button still signs Giulia in, twice.
func TestShopInboxSignInTwice(t *testing.T) {
	eachDB(t, func(t *testing.T, postgres bool) {
		s := bt.Start(t, postgres)
		seller := bt.NewBrowser(t).Context()
		shopSignIn(t, seller, s.URL, "Giulia Rossi", "/shop/orders")
		status := bt.Eval[int](t, seller, `fetch('/api/v1/auth/sso', {method: 'POST', credentials: 'omit', headers: {'Content-Type': 'application/json'},
			body: JSON.stringify({jwt: document.querySelector('form[action="/auth/sso"] input[name=jwt]').value})}).then(r => r.status)`)
		if status != 200 {
			t.Fatalf("the page's own JWT = %d, want 200", status)
		}
		for _, what := range []string{"open my inbox", "open my inbox again"} {
			bt.Do(t, seller, what, chromedp.Click(chromedp.CSS(`form[action="/auth/sso"] button`)), chromedp.WaitVisible(chromedp.CSS("#conv-list")))
			bt.Do(t, seller, "back to the shop", chromedp.NavigateBack())
			bt.WaitJS(t, seller, 10*time.Second, "the shop page", `location.pathname === '/shop/orders' && document.querySelector('form[action="/auth/sso"] button')`)
		}
	})
}
