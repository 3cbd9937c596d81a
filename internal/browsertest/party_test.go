package browsertest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// apiAs sends a JSON request with a signed-in HTTP session (the owner
// switching chat, a user's language), failing the test on a non-2xx.
func apiAs(t *testing.T, c *http.Client, method, u, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		t.Fatalf("%s %s = %d", method, u, res.StatusCode)
	}
}

// phone and desktop set the page's viewport.
func phone(t *testing.T, ctx context.Context) {
	bt.Do(t, ctx, "phone width", chromedp.EmulateViewport(390, 844))
}

func desktop(t *testing.T, ctx context.Context) {
	bt.Do(t, ctx, "desktop width", chromedp.EmulateViewport(1280, 860))
}

// TestSayWhyBeforeSending (issue 9, item 3): a conversation the reader
// cannot write to says why in place of the composer, in the reader's
// language, with the way out where it is theirs (Unblock); a send the
// server refuses says its reason and offers no Retry that cannot succeed;
// the header's button says Block or Unblock as it does.
func TestSayWhyBeforeSending(t *testing.T) {
	eachDB(t, testSayWhyBeforeSending)
}

func testSayWhyBeforeSending(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	buyerHTTP, sellerHTTP := session(t, s.URL, buyerEmail), session(t, s.URL, sellerEmail)
	// Two languages: Anna reads Italian, Giulia English.
	apiAs(t, buyerHTTP, "PATCH", s.URL+"/api/v1/me/settings", `{"locale":"it"}`)
	apiAs(t, sellerHTTP, "PATCH", s.URL+"/api/v1/me/settings", `{"locale":"en"}`)
	signIn(t, buyer, s.URL, buyerEmail)
	signIn(t, seller, s.URL, sellerEmail)
	conv := startChat(t, buyer, "walnut-chair", "La sedia è disponibile in nero?")
	bt.Do(t, buyer, "open the conversation", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble.mine[data-seq="1"]`)))
	if lang := bt.Eval[string](t, buyer, `document.documentElement.lang`); lang != "it" {
		t.Fatalf("buyer's page lang = %q, want it", lang)
	}
	if got := bt.Eval[string](t, buyer, `document.getElementById('block-link').textContent`); got != "Blocca" {
		t.Errorf("buyer's header button = %q, want Blocca (Block)", got)
	}

	// The owner switches chat off while Anna's page shows the composer.
	apiAs(t, sellerHTTP, "PATCH", s.URL+"/api/v1/organizations/bottega-rossi", `{"chat_enabled":false}`)
	bt.Do(t, buyer, "write", chromedp.SendKeys(chromedp.CSS("#body"), "Ci siete?"), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, buyer, 10*time.Second, "the refusal with its reason in Italian",
		`(r => r && r.textContent.includes('Non inviato: il venditore ha disattivato la chat.'))(document.querySelector('.receipt[data-state="failed"]'))`)
	if bt.Eval[bool](t, buyer, `!!document.querySelector('button.retry')`) {
		t.Error("a refused send offers Retry, which can never succeed")
	}
	bt.WaitJS(t, buyer, 10*time.Second, "the notice in place of the composer",
		`document.getElementById('composer').hidden && (n => n && n.textContent.includes('Bottega Rossi ha disattivato la chat'))(document.querySelector('.closed-note[data-reason="chat_disabled"]'))`)
	screenshot(t, buyer, "cannot-send-chat-off-it")
	// Reloaded, the page says it before any send.
	bt.Do(t, buyer, "reload", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`.closed-note[data-reason="chat_disabled"]`)))
	if !bt.Eval[bool](t, buyer, `document.getElementById('composer').hidden`) {
		t.Error("the composer shows while chat is off")
	}
	phone(t, buyer)
	screenshot(t, buyer, "cannot-send-chat-off-it-phone")
	desktop(t, buyer)
	apiAs(t, sellerHTTP, "PATCH", s.URL+"/api/v1/organizations/bottega-rossi", `{"chat_enabled":true}`)

	// Anna blocks the seller: her notice offers Unblock, her header says
	// Unblock; Giulia is told, in English, and her header still says Block.
	bt.Do(t, buyer, "block page", chromedp.Navigate(s.URL+"/app/c/"+conv+"/block"), chromedp.WaitVisible(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS(`.closed-note[data-reason="blocked_by_me"] #unblock-link`)))
	if got := bt.Eval[string](t, buyer, `document.getElementById('block-link').textContent + '|' + document.getElementById('unblock-link').textContent`); got != "Sblocca|Sblocca" {
		t.Errorf("buyer's buttons after blocking = %q, want Sblocca|Sblocca", got)
	}
	if got := bt.Eval[string](t, buyer, `document.querySelector('.closed-note').textContent`); !strings.Contains(got, "Hai bloccato Bottega Rossi") {
		t.Errorf("buyer's notice = %q", got)
	}
	phone(t, buyer)
	screenshot(t, buyer, "cannot-send-blocked-by-me-it-phone")
	desktop(t, buyer)

	bt.Do(t, seller, "seller opens it", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`.closed-note[data-reason="blocked_by_them"]`)))
	if got := bt.Eval[string](t, seller, `document.querySelector('.closed-note').textContent`); got != "Anna Bianchi blocked this conversation: your messages cannot be sent." {
		t.Errorf("seller's notice = %q", got)
	}
	if got := bt.Eval[string](t, seller, `document.getElementById('block-link').textContent`); got != "Block" {
		t.Errorf("seller's header button = %q, want Block (the block is not theirs to lift)", got)
	}
	if bt.Eval[bool](t, seller, `!!document.getElementById('unblock-link') || !document.getElementById('composer').hidden`) {
		t.Error("the seller is offered an unblock or a composer")
	}
	screenshot(t, seller, "cannot-send-blocked-by-them-en")
	phone(t, seller)
	screenshot(t, seller, "cannot-send-blocked-by-them-en-phone")

	// Only failures that may pass on a second try offer Retry.
	got := bt.Eval[string](t, buyer, `import('/static/js/cannotsend.js').then(m => [0, 500, 503, 429, 400, 403, 404, 409, 413, 422].map(s => s + ':' + m.retryable({status: s})).join(' '))`)
	if want := "0:true 500:true 503:true 429:true 400:false 403:false 404:false 409:false 413:false 422:false"; got != want {
		t.Errorf("retryable = %s, want %s", got, want)
	}
}

// TestShopHidesChatWhenOff (issue 9, item 3): a seller whose chat is off
// shows no chat button on its products or its page; turned on, it does.
func TestShopHidesChatWhenOff(t *testing.T) {
	eachDB(t, testShopHidesChatWhenOff)
}

func testShopHidesChatWhenOff(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer := b.Context()
	sellerHTTP := session(t, s.URL, sellerEmail)
	shopSignIn(t, buyer, s.URL, "Anna Bianchi", "/shop/p/walnut-chair")
	chatButtons := `[...document.querySelectorAll('[data-parley]')].filter(b => JSON.parse(b.dataset.parley).kind === 'chat' && !b.hidden && b.offsetParent).length`
	bt.WaitJS(t, buyer, 5*time.Second, "the chat button while chat is on", chatButtons+` === 1`)
	apiAs(t, sellerHTTP, "PATCH", s.URL+"/api/v1/organizations/bottega-rossi", `{"chat_enabled":false}`)
	for _, path := range []string{"/shop/p/walnut-chair", "/shop/s/bottega-rossi"} {
		bt.Do(t, buyer, "open "+path, chromedp.Navigate(s.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		widgetReady(t, buyer)
		if n := bt.Eval[int](t, buyer, chatButtons); n != 0 {
			t.Errorf("%s: %d chat buttons while the seller's chat is off, want 0", path, n)
		}
		// Quotes stay open.
		if path == "/shop/p/walnut-chair" && !bt.Eval[bool](t, buyer, `[...document.querySelectorAll('[data-parley]')].some(b => JSON.parse(b.dataset.parley).kind === 'quote' && b.offsetParent)`) {
			t.Errorf("%s: no quote button", path)
		}
	}
	// The widget tells the page too (a seller switching while it shows):
	// switched back on, the next report shows the button again.
	apiAs(t, sellerHTTP, "PATCH", s.URL+"/api/v1/organizations/bottega-rossi", `{"chat_enabled":true}`)
	bt.Do(t, buyer, "reopen the product", chromedp.Navigate(s.URL+"/shop/p/walnut-chair"), chromedp.WaitVisible(chromedp.CSS("h1")))
	bt.WaitJS(t, buyer, 10*time.Second, "the chat button back", chatButtons+` === 1`)
}

// TestPartyCard (issue 9, item 5): the header names the other party and a
// click opens their card: the buyer sees the seller's products and how
// fast it answers, the seller the buyer's record with the company; no
// internal id or email shows, and the buyer's email finds nothing.
func TestPartyCard(t *testing.T) {
	eachDB(t, testPartyCard)
}

func testPartyCard(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	buyerHTTP, sellerHTTP := session(t, s.URL, buyerEmail), session(t, s.URL, sellerEmail)
	apiAs(t, buyerHTTP, "PATCH", s.URL+"/api/v1/me/settings", `{"locale":"it"}`)
	apiAs(t, sellerHTTP, "PATCH", s.URL+"/api/v1/me/settings", `{"locale":"en"}`)
	signIn(t, buyer, s.URL, buyerEmail)
	signIn(t, seller, s.URL, sellerEmail)
	conv := startChat(t, buyer, "walnut-chair", "La sedia è disponibile in nero?")

	bt.Do(t, buyer, "open the conversation", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS("#party-button")))
	if got := bt.Eval[string](t, buyer, `document.getElementById('party-button').textContent`); got != "Bottega Rossi" {
		t.Errorf("buyer's header names %q, want Bottega Rossi", got)
	}
	bt.Do(t, buyer, "open the seller's card", chromedp.Click(chromedp.CSS("#party-button")), chromedp.WaitVisible(chromedp.CSS("#party-products")))
	bt.WaitJS(t, buyer, 5*time.Second, "the seller's card in Italian",
		`/^\d+ prodott[oi]$/.test(document.getElementById('party-products').textContent) && document.getElementById('party-response').textContent.length > 0 && document.getElementById('party-dialog').open`)
	phone(t, buyer)
	screenshot(t, buyer, "party-seller-card-it-phone")
	desktop(t, buyer)
	bt.Do(t, buyer, "close the card", chromedp.Click(chromedp.CSS("#party-close")))
	bt.WaitJS(t, buyer, 5*time.Second, "the card closed, focus back on the name", `!document.getElementById('party-dialog').open && document.activeElement.id === 'party-button'`)

	bt.Do(t, seller, "seller opens it", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS("#party-button")))
	if got := bt.Eval[string](t, seller, `document.getElementById('party-button').textContent`); got != "Anna Bianchi" {
		t.Errorf("seller's header names %q, want Anna Bianchi", got)
	}
	bt.Do(t, seller, "answer", chromedp.SendKeys(chromedp.CSS("#body"), "Sì, certo."), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, seller, 10*time.Second, "the answer sent", `document.querySelector('li.bubble.mine[data-seq="2"]')`)
	bt.Do(t, seller, "open the buyer's card", chromedp.Click(chromedp.CSS("#party-button")), chromedp.WaitVisible(chromedp.CSS("#party-orders")))
	bt.WaitJS(t, seller, 5*time.Second, "the buyer's record",
		`/^Buyer since /.test(document.getElementById('party-since').textContent) && /^\d+ orders? with you$/.test(document.getElementById('party-orders').textContent) && /^\d+ conversations? with you$/.test(document.getElementById('party-conversations').textContent)`)
	if bt.Eval[bool](t, seller, `!!document.getElementById('party-email')`) {
		t.Error("the buyer's email shows on the card by default")
	}
	screenshot(t, seller, "party-buyer-card-en")
	// No internal id, no email anywhere on the seller's page.
	if got := bt.Eval[string](t, seller, `document.body.innerText`); strings.Contains(got, "local:") || strings.Contains(got, "@demo.parley") {
		t.Errorf("the seller's page shows an internal id or the buyer's email:\n%s", got)
	}
	if n := bt.Eval[int](t, seller, `fetch('/api/v1/conversations?q=anna%40demo.parley').then(r => r.json()).then(j => j.items.length)`); n != 0 {
		t.Errorf("the seller finds %d conversations by the buyer's email, want 0", n)
	}
	// The seller answered: the buyer's card says how fast.
	bt.Do(t, buyer, "reopen the seller's card", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS("#party-button")),
		chromedp.Click(chromedp.CSS("#party-button")), chromedp.WaitVisible(chromedp.CSS("#party-response")))
	bt.WaitJS(t, buyer, 5*time.Second, "the response time", `document.getElementById('party-response').textContent.startsWith('Di solito risponde entro')`)
	screenshot(t, buyer, "party-seller-card-it")
}
