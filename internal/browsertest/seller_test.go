package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// TestSellerTools: status and assignment reach the buyer live, an order
// proposed from the chat shows in both pages, the unread dots (nav and
// favicon) light up on a new message, and the owner's company settings
// switch chat and add a member.
func TestSellerTools(t *testing.T) {
	eachDB(t, testSellerTools)
}

func testSellerTools(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	signIn(t, buyer, s.URL, buyerEmail)
	signIn(t, seller, s.URL, sellerEmail)
	speakEnglish(t, buyer, s.URL)
	speakEnglish(t, seller, s.URL)
	conv := startChat(t, buyer, "walnut-chair", "Four chairs, what price?")
	bt.Do(t, buyer, "buyer opens", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	// The seller's inbox (not the conversation) gets the next message: ✓
	// delivered, not yet ✓✓ read.
	bt.Do(t, seller, "seller's inbox", chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS("#conv-list li")))
	bt.WaitJS(t, seller, 5*time.Second, "the seller's scripts", `document.documentElement.dataset.shell === 'ready'`)
	for deadline := time.Now().Add(bt.Patience); s.App.Hub.Sockets() < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("sockets = %d, want the buyer's and the seller's", s.App.Hub.Sockets())
		}
	}
	bt.Do(t, buyer, "second message", chromedp.SendKeys(chromedp.CSS("#body"), "And the delivery time?"), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, buyer, 10*time.Second, "✓ delivered", `document.querySelector('li.bubble.mine[data-seq="2"] .receipt[data-state="delivered"]')`)
	bt.Do(t, seller, "seller opens", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)),
		chromedp.WaitVisible(chromedp.CSS("#op-price")))

	// The context panel shows the buyer's record with the company, as the
	// profile API counts it.
	bt.WaitJS(t, seller, 10*time.Second, "the buyer's record", `(() => {
		const el = document.getElementById('buyer-record');
		return el && el.textContent.length > 0 && window.__profile === undefined ? (fetch('/api/v1/users/' + encodeURIComponent('local:anna@demo.parley') + '/profile').then(r => r.json()).then(p => { window.__profile = p; }), false)
			: el && window.__profile && el.textContent.includes(String(window.__profile.orders)) && el.textContent.includes(String(window.__profile.conversations));
	})()`)

	// The seller is online (its page holds a socket): the buyer's panel says so.
	bt.WaitJS(t, buyer, 20*time.Second, "the seller's availability", `document.getElementById('seller-availability').textContent === 'Online'`)

	// Status and assignment.
	bt.WaitJS(t, seller, 5*time.Second, "the members in the assign list", `document.querySelectorAll('#c-assignee option').length === 3`)
	bt.Eval[bool](t, seller, `(s => (s.value = 'pending', s.dispatchEvent(new Event('change')), true))(document.getElementById('c-status'))`)
	bt.WaitJS(t, buyer, 10*time.Second, "the status at the buyer", `document.getElementById('conv-sub').textContent.includes('Pending')`)
	bt.Eval[bool](t, seller, `(s => (s.value = 'local:luca@demo.parley', s.dispatchEvent(new Event('change')), true))(document.getElementById('c-assignee'))`)
	bt.WaitJS(t, seller, 10*time.Second, "the assignee shown", `document.getElementById('conv-sub').textContent.includes('Luca Verdi')`)

	// An order from the chat.
	bt.Do(t, seller, "propose an order",
		chromedp.SetValue(chromedp.CSS("#op-qty"), "4"), chromedp.SetValue(chromedp.CSS("#op-price"), "295.00"),
		chromedp.SetValue(chromedp.CSS("#op-note"), "Price for four"), chromedp.Click(chromedp.CSS(".proposal-form button[type=submit]")))
	for name, c := range map[string]context.Context{"buyer": buyer, "seller": seller} {
		bt.WaitJS(t, c, 10*time.Second, "the proposal at the "+name, `[...document.querySelectorAll('.bubble .proposal')].some(e => e.textContent.includes('1180.00'))`)
	}

	// The buyer leaves for the list; a new message lights the dots.
	bt.Do(t, buyer, "buyer's inbox", chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS("#conv-list li")))
	bt.WaitJS(t, buyer, 5*time.Second, "no unread dot yet", `document.getElementById('unread-dot').hidden`)
	// The tab goes to the background; notifications are allowed. The page's
	// Notification and AudioContext are wrapped to see what it does with
	// them (headless Chromium shows neither).
	bt.Eval[bool](t, buyer, `(() => {
		window.__notes = []; window.__tones = 0;
		window.Notification = class { constructor(title, o) { window.__notes.push({title, ...o}); } static get permission() { return 'granted'; } };
		const Real = window.AudioContext;
		window.AudioContext = class extends Real { createOscillator() { window.__tones++; return super.createOscillator(); } };
		Object.defineProperty(document, 'visibilityState', {get: () => 'hidden', configurable: true});
		Object.defineProperty(document, 'hidden', {get: () => true, configurable: true});
		return true;
	})()`)
	bt.Do(t, seller, "another message", chromedp.SendKeys(chromedp.CSS("#body"), "Delivery next week."), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, buyer, 10*time.Second, "a browser notification while hidden", fmt.Sprintf(
		`window.__notes.some(n => n.title === 'Giulia Rossi' && n.body === 'Delivery next week.' && n.tag === 'conversation-%s')`, conv))
	bt.WaitJS(t, buyer, 5*time.Second, "the new-message tone", `window.__tones >= 1`)
	bt.WaitJS(t, buyer, 10*time.Second, "the unread dot on the chat icon", `!document.getElementById('unread-dot').hidden`)
	bt.WaitJS(t, buyer, 5*time.Second, "the favicon dot", `document.querySelector('link[rel=icon]').href.startsWith('data:image/png')`)
	bt.WaitJS(t, buyer, 5*time.Second, "the unread conversation in the list", fmt.Sprintf(`document.querySelector('li.unread a[data-conversation="%s"]')`, conv))
	if title := bt.Eval[string](t, buyer, `document.title`); !strings.HasPrefix(title, "(1) ") {
		t.Errorf("title = %q, want the unread count first", title)
	}
	// Quotes and tickets lists: the chat is not among the tickets.
	bt.Do(t, buyer, "tickets", chromedp.Click(chromedp.CSS(`button[data-kind="ticket"]`)))
	bt.WaitJS(t, buyer, 5*time.Second, "an empty tickets list", `document.querySelectorAll('#conv-list li').length === 0 && !document.getElementById('list-empty').hidden`)

	// Search.
	bt.Do(t, seller, "seller's inbox", chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS("#conv-list li")))
	bt.Do(t, seller, "search", chromedp.SendKeys(chromedp.CSS("#q"), "nonexistentword"))
	bt.WaitJS(t, seller, 5*time.Second, "no result", `document.querySelectorAll('#conv-list li').length === 0`)
	bt.Eval[bool](t, seller, `(q => (q.value = 'Delivery', q.dispatchEvent(new Event('input', {bubbles: true})), true))(document.getElementById('q'))`)
	bt.WaitJS(t, seller, 5*time.Second, "the conversation found by its text", fmt.Sprintf(`document.querySelectorAll('#conv-list li').length === 1 && document.querySelector('a[data-conversation="%s"]')`, conv))

	// Company settings.
	bt.Do(t, seller, "settings", chromedp.Navigate(s.URL+"/app/settings"), chromedp.WaitVisible(chromedp.CSS(`section[data-org="bottega-rossi"] tbody tr`)))
	bt.Do(t, seller, "chat off", chromedp.Click(chromedp.CSS("#chat-bottega-rossi")))
	bt.WaitJS(t, seller, 5*time.Second, "chat switched off", `fetch('/api/v1/organizations/bottega-rossi').then(r => r.json()).then(o => o.chat_enabled === false)`)
	bt.Do(t, seller, "add a member", chromedp.SendKeys(chromedp.CSS("#add-bottega-rossi"), "local:marko@demo.parley"),
		chromedp.Click(chromedp.CSS(`section[data-org="bottega-rossi"] .add-member button`)))
	bt.WaitJS(t, seller, 5*time.Second, "the new member's row", `document.querySelectorAll('section[data-org="bottega-rossi"] tbody tr').length === 3`)
}

// TestOlderMessages: a long conversation opens on its newest page and
// loads the older ones on demand.
func TestOlderMessages(t *testing.T) {
	eachDB(t, func(t *testing.T, postgres bool) {
		s := bt.Start(t, postgres)
		b := bt.NewBrowser(t)
		buyer := b.Context()
		signIn(t, buyer, s.URL, buyerEmail)
		conv := startChat(t, buyer, "drill-set", "Message 1")
		bt.Eval[bool](t, buyer, fmt.Sprintf(`(async () => {
			for (let i = 2; i <= 60; i++) {
				const r = await fetch('/api/v1/conversations/%s/messages', {method: 'POST', headers: {'Content-Type': 'application/json'},
					body: JSON.stringify({client_id: 'm-' + i, body: 'Message ' + i})});
				if (r.status !== 201) throw new Error('send ' + i + ': ' + r.status);
			}
			return true;
		})()`, conv))
		bt.Do(t, buyer, "open", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="60"]`)))
		if n := bt.Eval[int](t, buyer, `document.querySelectorAll('li.bubble').length`); n != 50 {
			t.Errorf("bubbles on open = %d, want the newest 50", n)
		}
		bt.Do(t, buyer, "load older", chromedp.Click(chromedp.CSS("li.older button")), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
		if n := bt.Eval[int](t, buyer, `document.querySelectorAll('li.bubble').length`); n != 60 {
			t.Errorf("bubbles after loading older = %d, want 60", n)
		}
		if bt.Eval[bool](t, buyer, `!!document.querySelector('li.older')`) {
			t.Error("the load-older button stays after the first message")
		}
	})
}
