package browsertest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/app"
	bt "github.com/parleyhq/parley/internal/browsertest"
	"github.com/parleyhq/parley/internal/ratelimit"
)

// TestRateLimitsInTheBrowser: a message over the limit fails with the wait
// shown in the reader's language, and the sign-in page says the same after
// too many wrong passwords.
func TestRateLimitsInTheBrowser(t *testing.T) {
	eachDB(t, testRateLimitsInTheBrowser)
}

func testRateLimitsInTheBrowser(t *testing.T, postgres bool) {
	s := bt.StartWith(t, postgres, func(c *app.Config) {
		c.RateLimits = ratelimit.Generous
		c.RateLimits.Messages = ratelimit.Limit{Count: 2, Per: time.Hour}
		c.RateLimits.SignInAccount = ratelimit.Limit{Count: 2, Per: time.Hour}
	})
	b := bt.NewBrowser(t)
	ctx := b.Context()
	signIn(t, ctx, s.URL, buyerEmail)
	bt.WaitJS(t, ctx, 5*time.Second, "the page's scripts", `document.documentElement.dataset.shell === 'ready'`)
	bt.Eval[bool](t, ctx, `(s => (s.value = 'sr', s.dispatchEvent(new Event('change', {bubbles: true})), true))(document.getElementById('lang-select'))`)
	bt.WaitJS(t, ctx, 10*time.Second, "<html lang=sr>", `document.documentElement.lang === 'sr' && document.getElementById('conv-list')`)

	conv := startChat(t, ctx, "walnut-chair", "Is the walnut chair available in black?")
	bt.Do(t, ctx, "open the conversation", chromedp.Navigate(s.URL+"/app/c/"+conv),
		chromedp.WaitVisible(chromedp.CSS(`li.bubble.mine[data-seq="1"]`)))
	for i := 2; i <= 3; i++ {
		bt.Do(t, ctx, fmt.Sprintf("send message %d", i), chromedp.SendKeys(chromedp.CSS("#body"), fmt.Sprintf("message %d", i)), chromedp.Click(chromedp.CSS("#send")))
		bt.WaitJS(t, ctx, 10*time.Second, fmt.Sprintf("message %d sent", i), fmt.Sprintf(`document.querySelector('li.bubble.mine[data-seq="%d"]')`, i))
	}
	bt.Do(t, ctx, "one message too many", chromedp.SendKeys(chromedp.CSS("#body"), "message 4"), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, ctx, 10*time.Second, "the wait in Serbian next to the failed receipt",
		`document.querySelector('.receipt[data-state="failed"]') && /^Previše zahteva\. Sačekajte \d+ sekund[aeiu]? i pokušajte ponovo\.$/.test(document.querySelector('.rate-limited')?.textContent || '')`)

	// The sign-in page, after two wrong passwords for one account (the
	// language cookie of the switcher is still there).
	other := b.Context()
	bt.Do(t, other, "sign-in page", chromedp.Navigate(s.URL+"/login"))
	bt.Eval[bool](t, other, `(s => (s.value = 'it', s.dispatchEvent(new Event('change', {bubbles: true})), true))(document.getElementById('lang-select'))`)
	bt.WaitJS(t, other, 10*time.Second, "<html lang=it>", `document.documentElement.lang === 'it' && document.getElementById('email')`)
	for i := 1; i <= 3; i++ {
		bt.Do(t, other, fmt.Sprintf("wrong password %d", i),
			chromedp.SetValue(chromedp.CSS("#email"), sellerEmail), chromedp.SetValue(chromedp.CSS("#password"), "not-the-password"),
			chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS("p.error[role=alert]")))
	}
	got := bt.Eval[string](t, other, `document.querySelector('p.error[role=alert]').textContent`)
	if want := "Troppi tentativi di accesso."; len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("sign-in page after too many failures says %q, want it to start with %q", got, want)
	}
}
