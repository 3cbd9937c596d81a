package browsertest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// TestOrderFromChatInTheBrowser (issue 9, item 6): the seller proposes an
// order from the chat with the product from the conversation or a search,
// in the product's unit with decimals (1.5 hours); the demo shop makes the
// order, the proposal's card and the context panel name and link it, and
// the shop's order page links back to the chat. A closed ticket offers no
// proposal form.
func TestOrderFromChatInTheBrowser(t *testing.T) {
	eachDB(t, testOrderFromChatInTheBrowser)
}

func testOrderFromChatInTheBrowser(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	const nikos = "nikos@demo.parley"
	apiAs(t, session(t, s.URL, nikos), "PATCH", s.URL+"/api/v1/me/settings", `{"locale":"en"}`)
	signIn(t, buyer, s.URL, buyerEmail)
	signIn(t, seller, s.URL, nikos)
	conv := startChat(t, buyer, "interior-design", "Could you do a one-and-a-half hour consultation?")

	bt.Do(t, seller, "open the chat", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS("#op-product")))
	if got := bt.Eval[string](t, seller, `document.getElementById('op-product').value + '|' + document.getElementById('op-unit').textContent`); got != "interior-design| (hour)" {
		t.Errorf("the form's product and unit = %q, want the conversation's product in hours", got)
	}
	// Another product, found by a search of the seller's products.
	bt.Eval[bool](t, seller, `(i => (i.value = '', i.focus(), true))(document.getElementById('op-product'))`)
	bt.Do(t, seller, "search", chromedp.SendKeys(chromedp.CSS("#op-product"), "onl"))
	bt.WaitJS(t, seller, 5*time.Second, "the search's suggestions", `document.querySelector('#op-products option[value="online-consultation"]') && !document.querySelector('#op-products option[value="interior-design"]')`)
	// Back to the conversation's product, 1.5 hours.
	bt.Eval[bool](t, seller, `(i => (i.value = 'interior-design', i.dispatchEvent(new Event('input')), true))(document.getElementById('op-product'))`)
	bt.Eval[bool](t, seller, `(i => (i.value = '1.5', true))(document.getElementById('op-qty'))`)
	screenshot(t, seller, "order-proposal-form")
	bt.Do(t, seller, "propose", chromedp.Click(chromedp.CSS(".proposal-form button[type=submit]")))
	bt.WaitJS(t, seller, 10*time.Second, "the proposal's card in hours",
		`[...document.querySelectorAll('.proposal li')].some(li => li.textContent.startsWith('1.5 hour × ')) && [...document.querySelectorAll('.proposal p')].some(p => p.textContent.includes('60.00 EUR'))`)

	// The shop makes the order (order.proposed) and tells Parley which chat
	// and proposal it came from: the card and the panel name it.
	bt.WaitJS(t, seller, 30*time.Second, "the order on the card", `document.querySelector('.proposal .proposal-order a[data-order^="ORD-"]')`)
	order := bt.Eval[string](t, seller, `document.querySelector('.proposal .proposal-order a').dataset.order`)
	bt.WaitJS(t, seller, 10*time.Second, "the order in the context panel", fmt.Sprintf(`document.querySelector('.order-panel[data-order=%q]')`, order))
	if got := bt.Eval[string](t, seller, `document.querySelector('.proposal .proposal-order a').getAttribute('href')`); got != "#order-"+strings.ReplaceAll(order, ".", "_") {
		t.Errorf("the card links %q, want the panel's order", got)
	}
	screenshot(t, seller, "order-from-chat-seller")
	bt.Do(t, buyer, "the buyer's view", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(".proposal .proposal-order a")))
	if bt.Eval[bool](t, buyer, `!!document.querySelector('.proposal-form')`) {
		t.Error("the buyer is offered the proposal form")
	}
	phone(t, buyer)
	screenshot(t, buyer, "order-from-chat-buyer-phone")
	desktop(t, buyer)

	// The shop's order page links back to the chat, with 1.5 hours.
	shopSignIn(t, buyer, s.URL, "Anna Bianchi", "/shop/orders/"+order)
	if got := bt.Eval[string](t, buyer, `document.querySelector('#order-chat a').getAttribute('href')`); got != "/app/c/"+conv {
		t.Errorf("the shop's order links %q, want /app/c/%s", got, conv)
	}
	if got := bt.Eval[string](t, buyer, `document.querySelector('table tbody td:nth-child(3)').textContent`); got != "1.5" {
		t.Errorf("the shop's order quantity = %q, want 1.5", got)
	}
	screenshot(t, buyer, "shop-order-from-chat")

	// A closed ticket offers no proposal form.
	giulia := b.Context()
	signIn(t, giulia, s.URL, sellerEmail)
	ticket := bt.Eval[string](t, buyer, `fetch('/api/v1/conversations', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({kind: 'ticket', order: 'ORD-1001', message: {client_id: 'tk-oc', body: 'A question'}})}).then(r => r.json()).then(j => j.conversation.id)`)
	bt.Do(t, giulia, "open the ticket", chromedp.Navigate(s.URL+"/app/c/"+ticket), chromedp.WaitVisible(chromedp.CSS(".proposal-form")))
	bt.Eval[int](t, buyer, fmt.Sprintf(`fetch('/api/v1/conversations/%s', {method: 'PATCH', headers: {'Content-Type': 'application/json'}, body: '{"status":"closed"}'}).then(r => r.status)`, ticket))
	bt.Do(t, giulia, "reopen the closed ticket", chromedp.Navigate(s.URL+"/app/c/"+ticket), chromedp.WaitVisible(chromedp.CSS(`.closed-note`)))
	bt.WaitJS(t, giulia, 5*time.Second, "the context panel", `document.querySelector('#context-body section')`)
	if bt.Eval[bool](t, giulia, `!!document.querySelector('.proposal-form')`) {
		t.Error("a closed ticket offers the proposal form")
	}
}

// TestShopAvailabilityLine (issue 9, item 7): the shop's availability line
// reads the widget's reports in the page's language without quotation
// marks, and a seller on Parley's settings page counts as there.
func TestShopAvailabilityLine(t *testing.T) {
	eachDB(t, testShopAvailabilityLine)
}

func testShopAvailabilityLine(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	signIn(t, seller, s.URL, sellerEmail)
	bt.Do(t, seller, "the settings page", chromedp.Navigate(s.URL+"/app/settings"), chromedp.WaitVisible(chromedp.CSS("#s-locale")))
	shopSignIn(t, buyer, s.URL, "Anna Bianchi", "/shop/p/walnut-chair")
	widgetReady(t, buyer)
	// The line as the widget's report rewrote it (the shop shows Italian).
	bt.WaitJS(t, buyer, 30*time.Second, "the seller online while on the settings page",
		`(l => l && l.dataset.availability === 'online')(document.querySelector('[data-availability]'))`)
	// A report from the widget rewrites the line: no quotation marks.
	bt.Eval[bool](t, buyer, `(l => (l.className = 'availability offline', l.dataset.availability = 'offline', l.querySelector('.text').textContent = '', true))(document.querySelector('[data-availability]'))`)
	bt.WaitJS(t, buyer, 30*time.Second, "the widget's next report", `document.querySelector('[data-availability]').dataset.availability === 'online'`)
	if got := bt.Eval[string](t, buyer, `document.querySelector('[data-availability] .text').textContent`); got != "Il venditore è online ora" {
		t.Errorf("availability line = %q, want Il venditore è online ora (no quotation marks)", got)
	}
}
