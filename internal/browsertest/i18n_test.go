package browsertest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"

	bt "github.com/parleyhq/parley/internal/browsertest"
	"github.com/parleyhq/parley/internal/identity"
)

// fetchJSON runs an API call from the page (its session cookie) and
// answers whether it succeeded.
func fetchJSON(t *testing.T, ctx context.Context, method, path string, body string) {
	t.Helper()
	if !bt.Eval[bool](t, ctx, fmt.Sprintf(`fetch(%q, {method: %q, headers: {'Content-Type': 'application/json'}, body: %s}).then(r => r.ok)`, path, method, body)) {
		t.Fatalf("%s %s %s failed", method, path, body)
	}
}

// speakEnglish sets the signed-in demo person's language to English: the
// demo's people have their host's locales (Anna and Giulia Italian), and
// tests that read English texts say so.
func speakEnglish(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	fetchJSON(t, ctx, "PATCH", "/api/v1/me/settings", `JSON.stringify({locale: 'en'})`)
	bt.Do(t, ctx, "the inbox in English", chromedp.Navigate(base+"/app/"), chromedp.WaitVisible(chromedp.CSS("#conv-list")))
	bt.WaitJS(t, ctx, 5*time.Second, "the page in English", `document.documentElement.lang === 'en'`)
}

// TestOneLanguageEverywhere is issue 9's "one language everywhere": Anna,
// whom the demo shop (her host) knows as Italian, signs in with her
// password and nothing else says Italian, yet her app, the widget on the
// shop's Italian page and the signed quote link page are Italian: a
// ticket's subject ("Ordine ORD-1001"), the seller's system message, a
// price unit ("/ ora"), a quote line ("6 ore × 45.00 EUR"), the shop's
// unread badge in the right plural ("1 non letto"). Giulia, who chose
// English, reads the same stored texts in English. Marko (Serbian) reads
// dates with Latin month names.
func TestOneLanguageEverywhere(t *testing.T) {
	eachDB(t, testOneLanguageEverywhere)
}

func testOneLanguageEverywhere(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	anna, giulia, marko := b.Context(), b.Context(), b.Context()

	signIn(t, anna, s.URL, "anna@demo.parley")
	bt.WaitJS(t, anna, 5*time.Second, "Anna's app in Italian by her host's locale", `document.documentElement.lang === 'it'`)
	signIn(t, giulia, s.URL, "giulia@demo.parley")
	fetchJSON(t, giulia, "PATCH", "/api/v1/me/settings", `JSON.stringify({locale: 'en'})`)

	// A ticket on ORD-1001: its subject is stored as a code, read in
	// each reader's language.
	ticket := startTicket(t, anna, "ORD-1001", "Una gamba del tavolo traballa.")
	bt.Do(t, anna, "Anna's ticket", chromedp.Navigate(s.URL+"/app/c/"+ticket), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	bt.WaitJS(t, anna, 10*time.Second, "the ticket's subject in Italian in the list and the title",
		`document.title.startsWith('Ordine ORD-1001') && [...document.querySelectorAll('#conv-list .preview')].some(e => e.textContent.startsWith('Ordine ORD-1001'))
		&& (document.getElementById('context-body')?.textContent || '').includes('Ticket Ordine ORD-1001')`)
	fetchJSON(t, giulia, "PATCH", "/api/v1/conversations/"+ticket, `JSON.stringify({status: 'closed'})`)
	bt.WaitJS(t, anna, 10*time.Second, "the seller's system message in Italian, live",
		`[...document.querySelectorAll('li.bubble.system .text')].some(e => e.textContent === 'Giulia Rossi ha completato la conversazione.')`)
	bt.Do(t, giulia, "Giulia's view of the ticket", chromedp.Navigate(s.URL+"/app/c/"+ticket), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	bt.WaitJS(t, giulia, 10*time.Second, "the same message and subject in English for Giulia",
		`document.documentElement.lang === 'en' && document.title.startsWith('Order ORD-1001') && [...document.querySelectorAll('li.bubble.system .text')].some(e => e.textContent === 'Giulia Rossi completed the conversation.')`)
	screenshot(t, anna, "i18n-ticket-it")
	screenshot(t, giulia, "i18n-ticket-en")

	// A quote on the hourly furniture assembly: the unit in the context
	// panel, then Giulia's offer of 6 hours as a line and as its message.
	quote := bt.Eval[string](t, anna, `fetch('/api/v1/conversations', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({kind: 'quote', product: 'furniture-assembly', form: {summary: 'Una cucina.', size: 'Medium (up to a week)'}, message: {client_id: 'q-' + Date.now(), body: 'Quanto costa?'}})})
		.then(r => r.json()).then(j => j.conversation.id)`)
	fetchJSON(t, giulia, "POST", "/api/v1/conversations/"+quote+"/quotes", `JSON.stringify({inputs: {hours: 6}})`)
	bt.Do(t, anna, "Anna's quote", chromedp.Navigate(s.URL+"/app/c/"+quote), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	bt.WaitJS(t, anna, 10*time.Second, "the price unit and the category path in Italian in the context panel",
		`(t => t.includes('45.00 EUR / ora') && t.includes('Servizi professionali ›'))(document.getElementById('context-body')?.textContent || '')`)
	bt.WaitJS(t, anna, 10*time.Second, "the offer's message in Italian",
		`[...document.querySelectorAll('li.bubble .text')].some(e => e.textContent === 'Preventivo offerto: 270.00 EUR')`)
	if bt.Eval[bool](t, anna, `document.body.textContent.includes('Offered the quote') || document.body.textContent.includes(' hour')`) {
		t.Error("Anna's page still shows English server texts")
	}
	screenshot(t, anna, "i18n-quote-it")

	// The signed link's page, from Anna's mailbox: Italian, the line too.
	var link string
	for deadline := time.Now().Add(20 * time.Second); link == ""; {
		bt.Do(t, anna, "Anna's mailbox", chromedp.Navigate(s.URL+"/app/mailbox"), chromedp.WaitVisible(chromedp.CSS("h1")))
		text := bt.Eval[string](t, anna, `[...document.querySelectorAll('.mail-text')].map(e => e.textContent).filter(x => x.includes('270.00')).join('\n')`)
		if link = quoteLinkRE.FindString(text); link == "" {
			if time.Now().After(deadline) {
				t.Fatal("the offer's mail never reached Anna's mailbox")
			}
			time.Sleep(300 * time.Millisecond)
		} else if !strings.Contains(text, "6 ore × 45.00 EUR") {
			t.Errorf("Anna's quote mail = %q, want the line in Italian", text)
		}
	}
	bt.Do(t, anna, "the mailed link", chromedp.Navigate(s.URL+link), chromedp.WaitVisible(chromedp.CSS("#confirm")))
	if lang, main := bt.Eval[string](t, anna, `document.documentElement.lang`), bt.Eval[string](t, anna, `document.querySelector('main').textContent`); lang != "it" ||
		!strings.Contains(main, "6 ore × 45.00 EUR") || !strings.Contains(main, "Conferma") {
		t.Errorf("the quote link page: lang %q, text %q; want Italian with the line", lang, main)
	}
	screenshot(t, anna, "i18n-quote-link-it")

	// The shop in Italian: the widget speaks the page's language, lists the
	// ticket by its Italian subject, and the shop's badge counts one unread
	// message in the singular.
	fetchJSON(t, giulia, "POST", "/api/v1/conversations/"+quote+"/messages", `JSON.stringify({client_id: 'g-' + Date.now(), body: 'Possiamo venire lunedì.'})`)
	shopSignIn(t, anna, s.URL, "Anna Bianchi", "/shop/")
	bt.Do(t, anna, "the shop in Italian", chromedp.Navigate(s.URL+"/shop/?lang=it"), chromedp.WaitVisible(chromedp.CSS("main")))
	widgetSettled(t, anna)
	bt.WaitJS(t, anna, 10*time.Second, "the widget in Italian with the ticket's Italian subject",
		inFrame(`d.documentElement.lang === 'it' && [...d.querySelectorAll('#conv-list .preview')].some(e => e.textContent.startsWith('Ordine ORD-1001'))`))
	bt.WaitJS(t, anna, 10*time.Second, "the shop's badge",
		`document.querySelector('[data-parley-unread]').textContent !== ''`)
	if got := bt.Eval[string](t, anna, `document.querySelector('[data-parley-unread]').textContent`); got != "1 non letto" {
		t.Errorf("the shop's badge = %q, want 1 non letto", got)
	}
	screenshot(t, anna, "i18n-shop-it")

	// Marko reads Serbian in the Latin script: a date's month name.
	signIn(t, marko, s.URL, "marko@demo.parley")
	bt.WaitJS(t, marko, 5*time.Second, "Marko's app in Serbian", `document.documentElement.lang === 'sr'`)
	got := bt.Eval[string](t, marko, `import('/static/js/i18n.js').then(m => m.dayLabel(new Date(2026, 0, 15)) + ' | ' + m.periodText(3 * 86400) + ' | ' + m.quoteLine('6', 'hour', '30.00', 'EUR'))`)
	if got != "15. januar 2026. | 3 dana | 6 sati × 30.00 EUR" {
		t.Errorf("Marko's date, period and quote line = %q, want Latin script (15. januar 2026.)", got)
	}
}

// TestWidgetFollowsTheUser: a host page that passes no data-lang gets the
// widget in the user's own language (here the locale the host's JWT
// gives, Greek), and what the page asked Parley.open() for before the
// frame came back in Greek is open. The host's JWT signs in once: the
// reloaded frame goes on with the session it had.
func TestWidgetFollowsTheUser(t *testing.T) {
	eachDB(t, testWidgetFollowsTheUser)
}

func testWidgetFollowsTheUser(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	now := time.Now()
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "host-buyer-el", "email": "eleni@shop.example", "name": "Eleni Host",
		"locale": "el-GR", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": identity.NewJTI()}).SignedString([]byte(bt.SSOSecret))
	if err != nil {
		t.Fatal(err)
	}
	page := strings.Replace(hostPage, ` data-lang="it"`, "", 1)
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, page, s.URL, token)
	}))
	defer host.Close()
	b := bt.NewBrowser(t)
	buyer := b.Context()
	bt.Do(t, buyer, "host product page", chromedp.Navigate(strings.Replace(host.URL, "127.0.0.1", "localhost", 1)+"/products/walnut-chair"), chromedp.WaitVisible(chromedp.CSS("#chat")))
	bt.WaitJS(t, buyer, 10*time.Second, "the widget's button", `window.Parley && typeof window.Parley.open === 'function' && document.querySelector('button[aria-label^="Chat"]')`)
	bt.Do(t, buyer, "chat with the seller", chromedp.Click(chromedp.CSS("#chat")))
	fctx := bt.FrameContext(t, buyer, "/widget/frame")
	bt.WaitJS(t, fctx, 15*time.Second, "the frame in Greek with the new chat open",
		`document.documentElement.lang === 'el' && !document.getElementById('frame-conv').hidden && document.getElementById('body')`)
	// The reloaded frame kept the session it had opened (the host's token
	// signs in once), and that session is off its address.
	if h := bt.Eval[string](t, fctx, `location.hash`); h != "" {
		t.Errorf("the frame's address keeps %q", h)
	}
}
