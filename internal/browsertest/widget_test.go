package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
	"github.com/parleyhq/parley/internal/identity"
)

// hostPage is a product page of another site that embeds the widget.
const hostPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sedia in noce — Demo shop</title></head>
<body><main><h1>Sedia in noce</h1><p>Walnut chair, 320.00 EUR</p>
<button type="button" id="chat">Chat with the seller</button></main>
<script>
window.Parley = window.Parley || {q: []};
window.Parley.q.push(['onUnread', function (n) { window.__unread = n; }]);
document.getElementById('chat').addEventListener('click', function () {
  window.Parley.open({kind: 'chat', product: 'walnut-chair', page_url: location.href});
});
</script>
<script src="%s/widget.js" data-jwt="%s" data-lang="it" data-product="walnut-chair" async></script>
</body></html>`

// TestWidgetOnAHostPage: a product page on another site embeds the widget;
// the buyer signs in with the host's JWT (no Parley cookie: the frame keeps
// a Bearer token), writes to the seller from the product, and sees the
// seller's answer live.
func TestWidgetOnAHostPage(t *testing.T) {
	eachDB(t, testWidgetOnAHostPage)
}

func testWidgetOnAHostPage(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	jwt, err := identity.SignHostJWT(bt.SSOSecret, "host-buyer-7", "mira@shop.example", "Mira Host", time.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, hostPage, s.URL, jwt)
	}))
	defer host.Close()
	// localhost and 127.0.0.1 are different sites: the frame is third-party.
	hostURL := strings.Replace(host.URL, "127.0.0.1", "localhost", 1)

	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	bt.Do(t, buyer, "host product page", chromedp.Navigate(hostURL+"/products/walnut-chair"), chromedp.WaitVisible(chromedp.CSS("#chat")))
	bt.WaitJS(t, buyer, 10*time.Second, "the widget's button", `window.Parley && typeof window.Parley.open === 'function' && document.querySelector('button[aria-label^="Chat"]')`)
	bt.Do(t, buyer, "chat with the seller", chromedp.Click(chromedp.CSS("#chat")))

	fctx := bt.FrameContext(t, buyer, "/widget/frame")
	bt.WaitJS(t, fctx, 10*time.Second, "the new-chat composer in the frame", `!document.getElementById('frame-conv').hidden && document.documentElement.lang === 'it'`)
	bt.WaitJS(t, buyer, 10*time.Second, "the unread count reported to the host", `typeof window.__unread === 'number'`)
	bt.WaitJS(t, fctx, 2*time.Second, "a frame without cookies (it keeps a Bearer token)", `document.cookie === ''`)
	bt.Do(t, fctx, "write", chromedp.SendKeys(chromedp.CSS("#body"), "Ciao, la sedia è disponibile in nero?"), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, fctx, 10*time.Second, "the started conversation", `document.querySelector('li.bubble.mine[data-seq="1"]') && document.getElementById('conv-list').hidden`)

	signIn(t, seller, s.URL, sellerEmail)
	bt.WaitJS(t, seller, 10*time.Second, "the widget's conversation at the seller", `[...document.querySelectorAll('#conv-list .name')].some(e => e.textContent.includes('Mira Host'))`)
	bt.ClickLive(t, seller, "open it", "#conv-list li a")
	bt.Do(t, seller, "the conversation open", chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	bt.WaitJS(t, seller, 10*time.Second, "the product and the host's page in the context panel",
		`(c => c.includes('Sedia in noce') && c.includes('/products/walnut-chair'))(document.getElementById('context-body').textContent)`)
	bt.Do(t, seller, "answer", chromedp.SendKeys(chromedp.CSS("#body"), "Sì, anche in nero."), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, fctx, 10*time.Second, "the answer in the widget", `[...document.querySelectorAll('li.bubble:not(.mine) .text')].some(e => e.textContent.includes('anche in nero'))`)
	bt.WaitJS(t, seller, 10*time.Second, "✓✓ from the widget reader", `document.querySelector('li.bubble.mine[data-seq="2"] .receipt[data-state="read"]')`)
	screenshot(t, buyer, "widget")
	bt.Axe(t, fctx, bt.InstallTools(t), "the widget frame with a conversation")
}
