package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/app"
	bt "github.com/parleyhq/parley/internal/browsertest"
)

// startTicket makes the buyer's page open a ticket on one of their
// completed orders, as "Talk to the store" does, and returns its id.
func startTicket(t *testing.T, ctx context.Context, order, text string) string {
	t.Helper()
	return bt.Eval[string](t, ctx, fmt.Sprintf(`fetch('/api/v1/conversations', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({kind: 'ticket', order: %q, message: {client_id: 'ticket-' + Date.now(), body: %q}})})
		.then(r => r.json()).then(j => j.conversation.id)`, order, text))
}

// speakItalian sets the signed-in user's language to Italian (the demo's
// Anna and Giulia speak it; a password sign-in does not say so) and opens
// the inbox again, in Italian (the page that was open would reload itself
// once it noticed, at a moment of its choosing).
func speakItalian(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	bt.Eval[bool](t, ctx, `fetch('/api/v1/me/settings', {method: 'PATCH', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({locale: 'it'})}).then(r => r.ok)`)
	bt.Do(t, ctx, "the inbox in Italian", chromedp.Navigate(base+"/app/"), chromedp.WaitVisible(chromedp.CSS("#conv-list")))
	bt.WaitJS(t, ctx, 5*time.Second, "the page in Italian, its scripts wired", `document.documentElement.lang === 'it' && document.documentElement.dataset.shell === 'ready'`)
}

// TestTicketReturnInTheBrowser: in Anna's ticket on ORD-1001, Giulia
// (seller) starts a return through its confirmation dialog; Anna sees the
// proposal as a card in her buyer area and accepts it; both pages follow
// live, in Italian; the demo shop's order page shows the return started
// (the shop got the signed return.accepted webhook). Then Giulia proposes
// another return and completes the ticket before Anna answers: Anna's
// composer goes, the reason shows, and the second card says withdrawn; the
// shop's order page says so too (ticket.closed, return.withdrawn).
func TestTicketReturnInTheBrowser(t *testing.T) {
	eachDB(t, testTicketReturnInTheBrowser)
}

func testTicketReturnInTheBrowser(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	tools := bt.InstallTools(t)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	signIn(t, buyer, s.URL, buyerEmail)
	signIn(t, seller, s.URL, sellerEmail)
	speakItalian(t, buyer, s.URL)
	speakItalian(t, seller, s.URL)
	conv := startTicket(t, buyer, "ORD-1001", "Il tavolo è arrivato con una crepa.")

	bt.Do(t, buyer, "Anna opens her ticket", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble.mine[data-seq="1"]`)))
	bt.Eval[bool](t, buyer, `window.__noReload = true`)
	if bt.Eval[bool](t, buyer, `!!document.getElementById('ticket-complete') || !!document.getElementById('ticket-return')`) {
		t.Error("the buyer sees the seller's ticket buttons")
	}
	bt.Do(t, seller, "Giulia opens it", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)),
		chromedp.WaitVisible(chromedp.CSS("#ticket-return")), chromedp.WaitVisible(chromedp.CSS("#ticket-complete")))
	if got := bt.Eval[string](t, seller, `document.getElementById('ticket-return').textContent`); got != "Avvia un reso" {
		t.Errorf("the return button says %q, want Italian", got)
	}

	// Cancel first: nothing is proposed.
	bt.Do(t, seller, "open the return dialog", chromedp.Click(chromedp.CSS("#ticket-return")), chromedp.WaitVisible(chromedp.CSS("#return-dialog")))
	bt.Axe(t, seller, tools, "the return dialog")
	bt.Eval[bool](t, seller, `[...document.querySelectorAll('#return-dialog button')].find(b => b.type === 'button').click() || true`)
	bt.WaitJS(t, seller, 5*time.Second, "the dialog closed", `!document.getElementById('return-dialog').open`)
	if bt.Eval[bool](t, seller, `!!document.querySelector('.return-card')`) {
		t.Fatal("a cancelled dialog proposed a return")
	}
	bt.Do(t, seller, "propose the return", chromedp.Click(chromedp.CSS("#ticket-return")), chromedp.WaitVisible(chromedp.CSS("#return-note")),
		chromedp.SendKeys(chromedp.CSS("#return-note"), "Lo ritiriamo lunedì con il corriere."), chromedp.Click(chromedp.CSS("#return-dialog-confirm")))
	bt.WaitJS(t, seller, 10*time.Second, "the proposal in Giulia's thread, waiting for the buyer",
		`(c => c && c.dataset.state === 'proposed' && c.textContent.includes("In attesa della risposta dell'acquirente") && !c.querySelector('button'))(document.querySelector('.return-card'))`)
	bt.WaitJS(t, seller, 5*time.Second, "the dialog closed", `!document.getElementById('return-dialog').open`)

	// Anna sees the card live and accepts.
	bt.WaitJS(t, buyer, 10*time.Second, "the proposal card with Accept and Decline",
		`(c => c && c.textContent.includes('Lo ritiriamo lunedì') && c.textContent.includes('In attesa della tua risposta') && c.querySelector('[data-answer="accept"]') && c.querySelector('[data-answer="decline"]'))(document.querySelector('.return-card'))`)
	bt.WaitJS(t, buyer, 5*time.Second, "the list previews the proposal",
		fmt.Sprintf(`document.querySelector('a[data-conversation="%s"] .preview').textContent.includes('Proposto un reso per verifica')`, conv))
	bt.Axe(t, buyer, tools, "the buyer's return card")
	bt.Do(t, buyer, "accept", chromedp.Click(chromedp.CSS(`.return-card [data-answer="accept"]`)))
	for name, c := range map[string]context.Context{"Anna": buyer, "Giulia": seller} {
		bt.WaitJS(t, c, 10*time.Second, "the accepted card and the system message at "+name,
			`document.querySelector('.return-card').dataset.state === 'accepted' && !document.querySelector('.return-card button') &&
			 [...document.querySelectorAll('li.bubble.system .text')].some(e => e.textContent === 'Anna Bianchi ha accettato il reso per verifica.')`)
	}

	// The shop started the return: its order page says so.
	shop := b.Context()
	shopSignIn(t, shop, s.URL, "Anna Bianchi", "/shop/orders/ORD-1001")
	deadline := time.Now().Add(bt.Patience)
	for !bt.Eval[bool](t, shop, `!!document.querySelector('section.return')`) {
		if time.Now().After(deadline) {
			t.Fatal("the shop's order page shows no return 15 s after the buyer accepted")
		}
		time.Sleep(200 * time.Millisecond)
		bt.Do(t, shop, "reload the order page", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("h1")))
	}
	if got := bt.Eval[string](t, shop, `document.querySelector('section.return').textContent`); !strings.Contains(got, "Reso avviato") || !strings.Contains(got, "Lo ritiriamo lunedì") {
		t.Errorf("the shop's return section = %q", got)
	}

	// Giulia proposes a second return, then completes the ticket behind
	// its confirmation before Anna answers: the proposal is withdrawn.
	bt.Do(t, seller, "propose a second return", chromedp.Click(chromedp.CSS("#ticket-return")), chromedp.WaitVisible(chromedp.CSS("#return-note")),
		chromedp.SendKeys(chromedp.CSS("#return-note"), "Controlliamo anche le gambe."), chromedp.Click(chromedp.CSS("#return-dialog-confirm")))
	bt.WaitJS(t, buyer, 10*time.Second, "the second card waiting for Anna",
		`(cs => cs.length === 2 && cs[1].dataset.state === 'proposed' && cs[1].querySelector('[data-answer="accept"]'))(document.querySelectorAll('.return-card'))`)
	bt.WaitJS(t, seller, 5*time.Second, "the dialog closed", `!document.getElementById('return-dialog').open`)
	bt.Do(t, seller, "complete", chromedp.Click(chromedp.CSS("#ticket-complete")), chromedp.WaitVisible(chromedp.CSS("#complete-dialog-confirm")),
		chromedp.Click(chromedp.CSS("#complete-dialog-confirm")))
	bt.WaitJS(t, buyer, 10*time.Second, "Anna's composer gone and the reason shown",
		`document.getElementById('composer').hidden && (n => n && !n.hidden && n.dataset.reason === 'completed' && n.textContent.includes('completato'))(document.querySelector('.closed-note'))`)
	bt.WaitJS(t, buyer, 5*time.Second, "the completion told in Italian",
		`[...document.querySelectorAll('li.bubble.system .text')].some(e => e.textContent === 'Giulia Rossi ha completato la conversazione.')`)
	bt.WaitJS(t, buyer, 5*time.Second, "the list's badge says completed",
		fmt.Sprintf(`[...document.querySelectorAll('a[data-conversation="%s"] .badge')].some(e => e.textContent === 'Completata')`, conv))
	for name, c := range map[string]context.Context{"Anna": buyer, "Giulia": seller} {
		bt.WaitJS(t, c, 10*time.Second, "the second card withdrawn, the first still accepted, at "+name,
			`(cs => cs.length === 2 && cs[0].dataset.state === 'accepted' && cs[1].dataset.state === 'withdrawn' && !cs[1].querySelector('button') &&
			  cs[1].textContent.includes('Ritirato: il ticket è chiuso'))(document.querySelectorAll('.return-card')) &&
			 [...document.querySelectorAll('li.bubble.system .text')].some(e => e.textContent === 'Il reso per verifica è stato ritirato: il ticket è chiuso.')`)
	}
	bt.WaitJS(t, seller, 10*time.Second, "Giulia's ticket buttons gone", `document.getElementById('ticket-complete').hidden && document.getElementById('ticket-return').hidden && document.getElementById('composer').hidden`)

	// The shop got ticket.closed and return.withdrawn: Anna's order page
	// says the second proposal was withdrawn and the conversation completed.
	const shopTicket = `(s => s && s.textContent.includes('Proposta ritirata: la conversazione è stata chiusa') &&
		s.textContent.includes('Conversazione con il negozio conclusa'))(document.querySelector('section.tickets'))`
	deadline = time.Now().Add(bt.Patience)
	for !bt.Eval[bool](t, shop, shopTicket) {
		if time.Now().After(deadline) {
			t.Fatal("the shop's order page does not show the ticket completed 15 s after Giulia completed it")
		}
		time.Sleep(200 * time.Millisecond)
		bt.Do(t, shop, "reload the order page", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("h1")))
	}
	bt.Axe(t, shop, tools, "/shop/orders/ORD-1001 with a closed ticket")
}

// TestTicketAutoClosedInTheBrowser: with a short auto-close period
// (PARLEY_TICKET_AUTOCLOSE_AFTER), a ticket left alone closes by itself
// while the buyer looks at it: the composer goes, the page says why, the
// list's badge says "closed automatically"; the widget on the shop shows
// it closed too.
func TestTicketAutoClosedInTheBrowser(t *testing.T) {
	eachDB(t, func(t *testing.T, postgres bool) {
		s := bt.StartWith(t, postgres, func(c *app.Config) { c.TicketAutoclose = 4 * time.Second })
		b := bt.NewBrowser(t)
		buyer := b.Context()
		signIn(t, buyer, s.URL, buyerEmail)
		speakItalian(t, buyer, s.URL)
		conv := startTicket(t, buyer, "ORD-1003", "Quando arrivano i rendering?")
		bt.Do(t, buyer, "open the ticket", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble.mine[data-seq="1"]`)))
		if bt.Eval[bool](t, buyer, `document.getElementById('composer').hidden`) {
			t.Fatal("the open ticket has no composer")
		}
		bt.WaitJS(t, buyer, 20*time.Second, "the ticket closed by itself, live",
			`document.getElementById('composer').hidden && (n => n && !n.hidden && n.dataset.reason === 'auto')(document.querySelector('.closed-note'))`)
		bt.WaitJS(t, buyer, 5*time.Second, "the system message in Italian",
			`[...document.querySelectorAll('li.bubble.system .text')].some(e => e.textContent === 'Chiusa automaticamente dopo 4 secondi senza attività.')`)
		bt.WaitJS(t, buyer, 5*time.Second, "the list's badge",
			fmt.Sprintf(`[...document.querySelectorAll('a[data-conversation="%s"] .badge')].some(e => e.textContent === 'Chiusa automaticamente')`, conv))
		// A reload shows the same.
		bt.Do(t, buyer, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`li.bubble.system`)))
		bt.WaitJS(t, buyer, 5*time.Second, "closed after a reload", `document.getElementById('composer').hidden && document.querySelector('.closed-note[data-reason="auto"]')`)

		// In the widget on the shop, the ticket is closed too.
		shop := b.Context()
		shopSignIn(t, shop, s.URL, "Anna Bianchi", "/shop/orders")
		widgetReady(t, shop)
		bt.Do(t, shop, "open the widget's panel", chromedp.Click(chromedp.CSS(`button[aria-label^="Chat"]`)))
		bt.WaitJS(t, shop, 10*time.Second, "the ticket in the widget's list", inFrame(fmt.Sprintf(`d.querySelector('a[data-conversation="%s"]')`, conv)))
		bt.Eval[bool](t, shop, frameDoc+fmt.Sprintf(`.querySelector('a[data-conversation="%s"]').click() || true`, conv))
		bt.WaitJS(t, shop, 10*time.Second, "the widget's thread closed, without a composer",
			inFrame(`d.getElementById('composer').hidden && d.querySelector('.closed-note[data-reason="auto"]')`))
	})
}
