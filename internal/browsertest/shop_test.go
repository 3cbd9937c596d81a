package browsertest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// frameDoc is the document of the widget's frame on a shop page. The shop
// and Parley share an origin in the demo, so the frame is no target of its
// own: the tests reach it through the parent page.
const frameDoc = `document.querySelector('iframe[src*="/widget/frame"]')?.contentDocument`

// inFrame is a JavaScript condition on the widget frame's document d.
func inFrame(cond string) string {
	return fmt.Sprintf(`(d => !!d && !!(%s))(%s)`, cond, frameDoc)
}

// shopSignIn signs a demo person in at the shop (one click on the sign-in
// page) and lands on next.
func shopSignIn(t *testing.T, ctx context.Context, base, name, next string) {
	t.Helper()
	bt.Do(t, ctx, "shop sign-in page", chromedp.Navigate(base+"/shop/signin?next="+url.QueryEscape(next)),
		chromedp.WaitVisible(chromedp.CSS("ul.people button")))
	bt.Eval[bool](t, ctx, fmt.Sprintf(`(b => (b.click(), true))([...document.querySelectorAll('ul.people button')].find(b => b.textContent.includes(%q)))`, name))
	bt.WaitJS(t, ctx, 10*time.Second, name+" signed in at the shop", fmt.Sprintf(
		`location.pathname === %q && document.querySelector('.who strong')?.textContent === %q`, next, name))
}

// frameWrite types a message into the widget frame's composer and sends it.
func frameWrite(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	bt.Eval[bool](t, ctx, frameDoc+`.getElementById('body').focus() || true`)
	bt.Do(t, ctx, "type in the widget", chromedp.KeyEvent(text))
	bt.WaitJS(t, ctx, 5*time.Second, "the typed text", inFrame(fmt.Sprintf(`d.getElementById('body').value === %q`, text)))
	bt.Eval[bool](t, ctx, frameDoc+`.getElementById('send').click() || true`)
}

// widgetReady waits for the widget that the shop page loads from Parley:
// its button and its frame signed in (the conversation list shown).
func widgetReady(t *testing.T, ctx context.Context) {
	t.Helper()
	bt.WaitJS(t, ctx, 10*time.Second, "the widget's button on the shop page",
		`window.Parley && typeof window.Parley.open === 'function' && document.querySelector('button[aria-label^="Chat"]')`)
}

// widgetSettled waits until the widget has reported the unread count: the
// shop's badge it feeds moves the header's line, so a click on the header
// must come after it.
func widgetSettled(t *testing.T, ctx context.Context) {
	t.Helper()
	widgetReady(t, ctx)
	bt.WaitJS(t, ctx, 10*time.Second, "the widget's unread count reported to the shop",
		`document.querySelector('button[aria-label^="Chat"]').dataset.unread !== undefined`)
}

// TestShopChatThroughTheWidget is issue 4's central flow through the demo
// shop: Anna signs in at the shop, opens a product and clicks "Chat with
// the seller"; the widget the page loads from Parley opens its panel and
// she writes. Giulia goes from the shop's "Open my inbox" to Parley's back
// office, finds the conversation with the product, reads it and answers;
// Anna sees the answer and ✓✓ without reloading. Then "Ask for a quote"
// starts a quote, a new message lights the shop's own unread badge, and
// "Talk to the store" on a completed order starts a ticket on that order.
func TestShopChatThroughTheWidget(t *testing.T) {
	eachDB(t, testShopChatThroughTheWidget)
}

func testShopChatThroughTheWidget(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()

	shopSignIn(t, buyer, s.URL, "Anna Bianchi", "/shop/p/oak-table")
	widgetReady(t, buyer)
	bt.Eval[bool](t, buyer, `window.__noReload = true`)
	if got := bt.Eval[string](t, buyer, `document.querySelector('[data-availability]').dataset.availability`); got != "offline" {
		t.Errorf("the seller's availability before anyone of Bottega Rossi is there = %q, want offline", got)
	}
	bt.Do(t, buyer, "chat with the seller", chromedp.Click(chromedp.CSS(`a[data-parley*='"kind":"chat"']`)))
	bt.WaitJS(t, buyer, 10*time.Second, "the widget's panel open", `document.querySelector('iframe[src*="/widget/frame"]')?.offsetParent !== null`)
	bt.WaitJS(t, buyer, 10*time.Second, "the new-chat composer in Anna's language",
		inFrame(`!d.getElementById('frame-conv').hidden && d.documentElement.lang === 'it' && d.getElementById('frame-status').hidden`))
	frameWrite(t, buyer, "Buongiorno, il tavolo si può fare da 200 cm?")
	bt.WaitJS(t, buyer, 10*time.Second, "the started conversation in the widget", inFrame(`d.querySelector('li.bubble.mine[data-seq="1"]')`))

	// Giulia: signed in at the shop, "Open my inbox" posts a JWT to Parley.
	shopSignIn(t, seller, s.URL, "Giulia Rossi", "/shop/")
	// The widget's unread count (Anna's message) puts a badge in the
	// header, which moves the line holding "Open my inbox": click once it
	// has come, or the click may land where the button was.
	widgetSettled(t, seller)
	if bt.Eval[bool](t, seller, `document.querySelector('[data-parley-unread]').hidden`) {
		t.Error("the shop's unread badge is hidden with Anna's message unread for Giulia")
	}
	bt.Do(t, seller, "open my inbox", chromedp.Click(chromedp.CSS(`form[action="/auth/sso"] button`)), chromedp.WaitVisible(chromedp.CSS("#conv-list")))
	if lang := bt.Eval[string](t, seller, `document.documentElement.lang`); lang != "it" {
		t.Errorf("Giulia's back office from the shop speaks %q, want her language from the shop's JWT (it)", lang)
	}
	bt.WaitJS(t, seller, 10*time.Second, "Anna's conversation in Giulia's inbox",
		`[...document.querySelectorAll('#conv-list .name')].some(e => e.textContent.includes('Anna Bianchi'))`)
	bt.ClickLive(t, seller, "open it", "#conv-list li a")
	bt.Do(t, seller, "the conversation open", chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	bt.WaitJS(t, seller, 10*time.Second, "the product and the shop's page in the context panel",
		`(c => c.includes('Tavolo in rovere massello') && c.includes('/shop/p/oak-table'))(document.getElementById('context-body').textContent)`)
	if href := bt.Eval[string](t, seller, `document.querySelector('#context-body a[href*="/shop/p/"]').href`); href != s.URL+"/shop/p/oak-table" {
		t.Errorf("the product's link in the context panel = %q, want the shop's page %s/shop/p/oak-table", href, s.URL)
	}
	bt.WaitJS(t, buyer, 10*time.Second, "✓✓ on Anna's message once Giulia read it", inFrame(`d.querySelector('li.bubble.mine[data-seq="1"] .receipt[data-state="read"]')`))
	bt.Do(t, seller, "answer", chromedp.SendKeys(chromedp.CSS("#body"), "Sì, su misura fino a 300 cm."), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, buyer, 10*time.Second, "Giulia's answer in the widget",
		inFrame(`[...d.querySelectorAll('li.bubble:not(.mine) .text')].some(e => e.textContent.includes('fino a 300 cm'))`))
	bt.WaitJS(t, buyer, 10*time.Second, "the product page's availability line turned online without a reload",
		`(e => e.dataset.availability === 'online' && e.textContent.includes('Il venditore è online ora'))(document.querySelector('[data-availability]'))`)
	bt.WaitJS(t, seller, 10*time.Second, "✓✓ on Giulia's answer, read in the widget", `document.querySelector('li.bubble.mine[data-seq="2"] .receipt[data-state="read"]')`)
	// Anna closes the panel: what arrives then is delivered, not read, and
	// counts on the shop's badge until she opens the panel again.
	bt.Eval[bool](t, buyer, frameDoc+`.getElementById('frame-close').click() || true`)
	bt.WaitJS(t, buyer, 5*time.Second, "the panel closed", `document.querySelector('iframe[src*="/widget/frame"]').offsetParent === null`)
	bt.Do(t, seller, "another answer", chromedp.SendKeys(chromedp.CSS("#body"), "Posso mandarle le finiture?"), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, seller, 10*time.Second, "✓ delivered to the closed widget", `document.querySelector('li.bubble.mine[data-seq="3"] .receipt[data-state="delivered"]')`)
	bt.WaitJS(t, buyer, 10*time.Second, "the shop's unread badge", `(e => !e.hidden && e.textContent.startsWith('1 '))(document.querySelector('[data-parley-unread]'))`)
	if bt.Eval[bool](t, seller, `!!document.querySelector('li.bubble.mine[data-seq="3"] .receipt[data-state="read"]')`) {
		t.Error("a message that arrived while the widget's panel was closed shows ✓✓")
	}
	bt.Do(t, buyer, "open the panel", chromedp.Click(chromedp.CSS(`button[aria-label^="Chat"]`)))
	bt.WaitJS(t, seller, 10*time.Second, "✓✓ once Anna opened the panel", `document.querySelector('li.bubble.mine[data-seq="3"] .receipt[data-state="read"]')`)
	bt.WaitJS(t, buyer, 10*time.Second, "the shop's badge cleared", `document.querySelector('[data-parley-unread]').hidden`)
	if !bt.Eval[bool](t, buyer, `window.__noReload === true`) {
		t.Error("the shop page reloaded")
	}
	screenshot(t, buyer, "shop-widget")
	bt.Axe(t, buyer, bt.InstallTools(t), "/shop/p/oak-table with the widget's panel open")
	bt.Do(t, seller, "Giulia's inbox", chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS("#conv-list li")))
	bt.ClickLive(t, seller, "the conversation", "#conv-list li a")
	bt.Do(t, seller, "the conversation open", chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="3"]`)))
	bt.WaitJS(t, seller, 10*time.Second, "the context panel", `document.getElementById('context-body').textContent.includes('Tavolo in rovere massello')`)
	screenshot(t, seller, "shop-seller-inbox")

	// "Ask for a quote": a quote about the product, not the chat.
	bt.Do(t, buyer, "reload the product page", chromedp.Navigate(s.URL+"/shop/p/oak-table"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	widgetReady(t, buyer)
	bt.Do(t, buyer, "ask for a quote", chromedp.Click(chromedp.CSS(`a[data-parley*='"kind":"quote"']`)))
	bt.WaitJS(t, buyer, 10*time.Second, "a new quote in the widget, not the chat",
		inFrame(`!d.getElementById('frame-conv').hidden && d.querySelectorAll('li.bubble').length === 0 && d.getElementById('frame-title').textContent === 'Chiedi un preventivo'`))
	frameWrite(t, buyer, "Preventivo per due tavoli da 200 cm, per favore.")
	bt.WaitJS(t, buyer, 10*time.Second, "the started quote", inFrame(`d.querySelector('li.bubble.mine[data-seq="1"]')`))
	bt.WaitJS(t, seller, 10*time.Second, "the quote at Giulia, about the product", `fetch('/api/v1/conversations?kind=quote').then(r => r.json())
		.then(j => j.items.length === 1 && j.items[0].context.product === 'oak-table' && j.items[0].buyer.name === 'Anna Bianchi')`)

	// The completed order: the shop's unread badge, then "Talk to the store".
	bt.Do(t, buyer, "order ORD-1001", chromedp.Navigate(s.URL+"/shop/orders/ORD-1001"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	widgetReady(t, buyer)
	bt.WaitJS(t, buyer, 10*time.Second, "the widget signed in (no unread yet)", `document.querySelector('button[aria-label^="Chat"]').dataset.unread === '0'`)
	if !bt.Eval[bool](t, buyer, `document.querySelector('[data-parley-unread]').hidden`) {
		t.Error("the shop's unread badge shows with nothing unread")
	}
	chat := bt.Eval[string](t, seller, `fetch('/api/v1/conversations?kind=chat').then(r => r.json()).then(j => j.items[0].id)`)
	bt.Eval[int](t, seller, fmt.Sprintf(`fetch('/api/v1/conversations/%s/messages', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({client_id: 'later-1', body: 'Le mando anche le finiture.'})}).then(r => r.status)`, chat))
	bt.WaitJS(t, buyer, 10*time.Second, "the shop's own unread badge", `(e => !e.hidden && e.textContent.startsWith('1 '))(document.querySelector('[data-parley-unread]'))`)
	bt.Do(t, buyer, "talk to the store", chromedp.Click(chromedp.CSS(`a[data-parley*='"kind":"ticket"']`)))
	bt.WaitJS(t, buyer, 10*time.Second, "a new ticket in the widget",
		inFrame(`!d.getElementById('frame-conv').hidden && d.querySelectorAll('li.bubble').length === 0 && d.getElementById('frame-title').textContent === 'Parla con il negozio'`))
	frameWrite(t, buyer, "Una delle sedie traballa.")
	bt.WaitJS(t, buyer, 10*time.Second, "the started ticket", inFrame(`d.querySelector('li.bubble.mine[data-seq="1"]')`))
	bt.WaitJS(t, seller, 10*time.Second, "the ticket at Giulia, on the order", `fetch('/api/v1/conversations?kind=ticket').then(r => r.json())
		.then(j => j.items.length === 1 && j.items[0].context.order === 'ORD-1001')`)
	// Talking to the store again opens the same ticket.
	bt.Do(t, buyer, "back to the order", chromedp.Navigate(s.URL+"/shop/orders/ORD-1001"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	widgetReady(t, buyer)
	// The badge (Giulia's last chat message is still unread) moves the
	// header's line: click once it is there.
	bt.WaitJS(t, buyer, 10*time.Second, "the shop's unread badge again", `!document.querySelector('[data-parley-unread]').hidden`)
	bt.Do(t, buyer, "talk to the store again", chromedp.Click(chromedp.CSS(`a[data-parley*='"kind":"ticket"']`)))
	bt.WaitJS(t, buyer, 10*time.Second, "the ticket reopened", inFrame(`[...d.querySelectorAll('li.bubble.mine .text')].some(e => e.textContent.includes('traballa'))`))
}

// TestShopPagesAccessibleAndValid runs axe-core and vnu on the shop's main
// pages, signed in as a buyer with the widget loaded.
func TestShopPagesAccessibleAndValid(t *testing.T) {
	eachDB(t, testShopPagesAccessibleAndValid)
}

func testShopPagesAccessibleAndValid(t *testing.T, postgres bool) {
	tools := bt.InstallTools(t)
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer := b.Context()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	seen := map[string][]byte{"shop-signin": fetch(t, client, s.URL+"/shop/signin"), "shop-home-guest": fetch(t, client, s.URL+"/shop/")}
	shopSignIn(t, buyer, s.URL, "Anna Bianchi", "/shop/")
	res, err := client.PostForm(s.URL+"/shop/signin", url.Values{"user": {"local:" + buyerEmail}, "next": {"/shop/"}})
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("shop sign-in over HTTP: %v %v", err, res)
	}
	res.Body.Close()
	bt.Do(t, buyer, "add to cart", chromedp.Navigate(s.URL+"/shop/p/walnut-chair"), chromedp.WaitVisible(chromedp.CSS("form.add button")),
		chromedp.Click(chromedp.CSS("form.add button")))
	// The product page's own h1 is visible at once: wait for the form's
	// navigation to land, or the next Navigate aborts it (net::ERR_ABORTED).
	bt.WaitJS(t, buyer, 10*time.Second, "the cart after adding", `location.pathname === '/shop/cart' && document.readyState === 'complete'`)
	for _, p := range []string{"/shop/", "/shop/p/oak-table", "/shop/cart", "/shop/orders", "/shop/orders/ORD-1001", "/shop/search?q=rovere", "/shop/s/bottega-rossi", "/shop/c/furniture"} {
		bt.Do(t, buyer, p, chromedp.Navigate(s.URL+p), chromedp.WaitVisible(chromedp.CSS("main h1")))
		widgetReady(t, buyer)
		bt.Axe(t, buyer, tools, p)
		seen["shop"+p] = fetch(t, client, s.URL+p)
	}
	bt.VNU(t, tools, seen)
}
