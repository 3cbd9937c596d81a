package browsertest_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// quoteLinkRE finds a quote's signed link in a mail's text.
var quoteLinkRE = regexp.MustCompile(`/q/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+`)

// frameType focuses an element of the widget frame and types text into it
// as keys.
func frameType(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	bt.Eval[bool](t, ctx, fmt.Sprintf(`%s.querySelector(%q).focus() || true`, frameDoc, sel))
	bt.Do(t, ctx, "type "+sel, chromedp.KeyEvent(text))
	bt.WaitJS(t, ctx, 5*time.Second, "the typed text in "+sel, inFrame(fmt.Sprintf(`d.querySelector(%q).value === %q`, sel, text)))
}

// frameSet sets a date or select field of the widget frame as a picker
// would (the value, then input and change events).
func frameSet(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	bt.Eval[bool](t, ctx, fmt.Sprintf(`(e => { e.value = %q; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); return e.value === %q })(%s.querySelector(%q))`,
		value, value, frameDoc, sel))
}

func frameClick(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	bt.Eval[bool](t, ctx, fmt.Sprintf(`%s.querySelector(%q).click() || true`, frameDoc, sel))
}

// renderedHTML is the page's DOM as a document, for vnu: the quote UI is
// built by scripts, so the served HTML does not hold it.
func renderedHTML(t *testing.T, ctx context.Context, doc string) []byte {
	t.Helper()
	return []byte(bt.Eval[string](t, ctx, fmt.Sprintf(`(d => '<!DOCTYPE html>\n' + d.documentElement.outerHTML)(%s)`, doc)))
}

// TestQuoteThroughTheUI is the whole quote flow by hand: Anna asks for a
// quote for Bottega Rossi's furniture assembly in the shop's widget,
// filling the "Professional services" form's steps (a required field left
// empty first shows its error); Giulia sees the answers in the back
// office's context panel, prices the request with the live total the
// server computes and sends it; Anna's widget shows the quote card at
// once, and a second version supersedes it live; Anna opens the mailed
// link from the dev mailbox, confirms, and the shop's cart holds the
// service at the quoted price, while Giulia's card turns accepted.
func TestQuoteThroughTheUI(t *testing.T) {
	eachDB(t, testQuoteThroughTheUI)
}

func testQuoteThroughTheUI(t *testing.T, postgres bool) {
	tools := bt.InstallTools(t)
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	pages := map[string][]byte{}

	shopSignIn(t, buyer, s.URL, "Anna Bianchi", "/shop/p/furniture-assembly")
	widgetReady(t, buyer)
	bt.Do(t, buyer, "ask for a quote", chromedp.Click(chromedp.CSS(`a[data-parley*='"kind":"quote"']`)))
	bt.WaitJS(t, buyer, 10*time.Second, "the form's first step in the widget, in Anna's language",
		inFrame(`!d.getElementById('quote-ask').hidden && d.getElementById('composer').hidden && d.querySelector('fieldset.quote-step:not([hidden]) legend')?.textContent === 'Il tuo progetto' && d.getElementById('qf-next').textContent === 'Avanti'`))
	// The shop sends its forms in its six languages: Anna reads the Italian.
	if got := bt.Eval[string](t, buyer, `(d => [d.querySelector('label[for="qf-summary"]').firstChild.textContent, d.getElementById('qf-summary-help').textContent].join(' | '))(`+frameDoc+`)`); got != "Di che cosa hai bisogno? | Poche righe: il luogo, lo scopo, che cosa c'è già." {
		t.Errorf("the first field's label and help = %q, want Italian", got)
	}
	if got := bt.Eval[string](t, buyer, frameDoc+`.querySelector('.quote-progress').textContent`); got != "Passo 1 di 3" {
		t.Errorf("progress = %q, want Passo 1 di 3", got)
	}
	// The required "What do you need?" left empty: its error, tied to it.
	frameClick(t, buyer, "#qf-next")
	bt.WaitJS(t, buyer, 5*time.Second, "the required field's error", inFrame(`(e => !e.hidden && e.textContent === 'Compila questo campo.')(d.getElementById('qf-summary-err'))`))
	if !bt.Eval[bool](t, buyer, inFrame(`(i => i.getAttribute('aria-invalid') === 'true' && i.getAttribute('aria-describedby').split(' ').includes('qf-summary-err') && d.activeElement === i)(d.getElementById('qf-summary'))`)) {
		t.Error("the empty required field is not marked invalid, described by its error and focused")
	}
	if !bt.Eval[bool](t, buyer, inFrame(`!d.querySelector('fieldset[data-step="0"]').hidden`)) {
		t.Error("the form moved on with a required field empty")
	}
	screenshot(t, buyer, "quote-ask-error")
	bt.AxeFrame(t, buyer, tools, "the widget's quote form with an error", "/widget/frame")
	pages["widget-quote-form"] = renderedHTML(t, buyer, frameDoc)

	frameType(t, buyer, "#qf-summary", "Montare una cucina di 4 metri e due pensili.")
	frameSet(t, buyer, "#qf-start", "2030-05-20")
	frameClick(t, buyer, "#qf-next")
	bt.WaitJS(t, buyer, 5*time.Second, "the second step", inFrame(`d.querySelector('fieldset.quote-step:not([hidden]) legend').textContent === 'Portata' && d.getElementById('qf-summary-err').hidden`))
	// A select's options read Italian; their values are the form's own.
	if got := bt.Eval[string](t, buyer, `(o => o.value + ' = ' + o.textContent)(`+frameDoc+`.querySelector('#qf-size option[value="Medium (up to a week)"]'))`); got != "Medium (up to a week) = Medio (fino a una settimana)" {
		t.Errorf("the size's option = %q, want its Italian label", got)
	}
	frameSet(t, buyer, "#qf-size", "Medium (up to a week)")
	frameClick(t, buyer, "#qf-on_site")
	frameClick(t, buyer, "#qf-next")
	bt.WaitJS(t, buyer, 5*time.Second, "the message step", inFrame(`!d.querySelector('fieldset[data-step="2"]').hidden && d.getElementById('qf-next').textContent === 'Invia la richiesta'`))
	frameType(t, buyer, "#qf-message", "Il palazzo non ha ascensore.")
	frameClick(t, buyer, "#qf-next")
	bt.WaitJS(t, buyer, 10*time.Second, "the started quote conversation in the widget",
		inFrame(`d.getElementById('quote-ask').hidden && !d.getElementById('composer').hidden && [...d.querySelectorAll('li.bubble.mine .text')].some(e => e.textContent.includes('ascensore'))`))

	// Giulia signs in to Parley, chooses English, and opens the request.
	bt.Do(t, seller, "Parley's sign-in", chromedp.Navigate(s.URL+"/login?next=/app/"), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
	bt.Eval[bool](t, seller, `(f => (f.submit(), true))([...document.querySelectorAll('form[action="/login"]')].find(f => f.querySelector('input[name="email"][value="giulia@demo.parley"]')))`)
	bt.WaitJS(t, seller, 10*time.Second, "Giulia's inbox", `location.pathname === '/app/' && document.getElementById('conv-list')`)
	speakEnglish(t, seller, s.URL) // Giulia is Italian to the host; here she chose English
	conv := bt.Eval[string](t, seller, `fetch('/api/v1/conversations?kind=quote').then(r => r.json()).then(j => j.items.length === 1 && j.items[0].context.product === 'furniture-assembly' ? j.items[0].id : '')`)
	if conv == "" {
		t.Fatal("Giulia has no quote conversation about the furniture assembly")
	}
	bt.Do(t, seller, "the request", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	// Giulia reads the request in her page's language (English), whatever
	// Anna read.
	bt.WaitJS(t, seller, 10*time.Second, "the buyer's answers in the context panel", `(c => c.querySelector('[data-answer="size"]')?.previousElementSibling.textContent === 'Size' && c.querySelector('[data-answer="summary"]')?.textContent.includes('cucina di 4 metri')
		&& c.querySelector('[data-answer="size"]').textContent === 'Medium (up to a week)' && c.querySelector('[data-answer="on_site"]').textContent === 'Yes'
		&& c.querySelector('[data-answer="start"]').textContent.includes('2030'))(document.getElementById('context-body'))`)
	bt.WaitJS(t, seller, 10*time.Second, "the pricing form", `document.getElementById('qp-qty') && document.querySelector('label[for="qp-qty"]').textContent === 'Hours'
		&& document.getElementById('qp-price').value === '45.00' && document.getElementById('qp-days').value === '14'`)
	// 3 h × 45.00 = 135.00; urgent +20 % = 27.00; travel 35.00: 197.00.
	bt.Do(t, seller, "hours", chromedp.SendKeys(chromedp.CSS("#qp-qty"), "3"))
	bt.Do(t, seller, "urgent and travel", chromedp.Click(chromedp.CSS("#qp-param-urgent")), chromedp.Click(chromedp.CSS("#qp-param-travel")))
	bt.WaitJS(t, seller, 10*time.Second, "the live total from the server", `document.getElementById('qp-total-amount')?.dataset.amount === '197.00'`)
	if got := bt.Eval[string](t, seller, `document.getElementById('qp-total').textContent`); !strings.Contains(got, "135.00") || !strings.Contains(got, "27.00") || !strings.Contains(got, "35.00") {
		t.Errorf("the total's lines = %q, want 135.00, 27.00 and 35.00", got)
	}
	// A price the currency cannot hold: the error at the field.
	bt.Eval[bool](t, seller, `(e => { e.value = '45.001'; e.dispatchEvent(new Event('input', {bubbles: true})); return true })(document.getElementById('qp-price'))`)
	bt.WaitJS(t, seller, 10*time.Second, "the unit price's error from the server", `(e => !e.hidden && e.textContent.includes('decimals'))(document.getElementById('qp-price-err'))
		&& document.getElementById('qp-price').getAttribute('aria-invalid') === 'true'`)
	bt.Eval[bool](t, seller, `(e => { e.value = '45.00'; e.dispatchEvent(new Event('input', {bubbles: true})); return true })(document.getElementById('qp-price'))`)
	bt.WaitJS(t, seller, 10*time.Second, "the total again", `document.getElementById('qp-total-amount')?.dataset.amount === '197.00' && document.getElementById('qp-price-err').hidden`)
	screenshot(t, seller, "quote-pricing")
	bt.Axe(t, seller, tools, "/app/c/{quote} with the pricing form")
	pages["app-quote-pricing"] = renderedHTML(t, seller, "document")
	bt.Do(t, seller, "send the offer", chromedp.Click(chromedp.CSS("#qp-send")))
	bt.WaitJS(t, seller, 10*time.Second, "the offer in Giulia's thread", `(c => c && c.dataset.version === '1' && c.textContent.includes('197.00'))(document.querySelector('.quote-card[data-state="offered"]'))`)
	bt.WaitJS(t, seller, 10*time.Second, "the current offer and a new version's button", `document.querySelector('.quote-current').textContent.includes('197.00') && document.getElementById('qp-send').textContent === 'Send a new version'`)

	// Anna's widget shows the card live; a second version supersedes it.
	bt.WaitJS(t, buyer, 10*time.Second, "the quote card in Anna's widget", inFrame(`(c => c && c.textContent.includes('197.00') && c.querySelector('.quote-actions'))(d.querySelector('.quote-card[data-version="1"][data-state="offered"]'))`))
	bt.Eval[bool](t, seller, `(e => { e.value = '4'; e.dispatchEvent(new Event('input', {bubbles: true})); return true })(document.getElementById('qp-qty'))`)
	// 4 h = 180.00; urgent 36.00; travel 35.00: 251.00.
	bt.WaitJS(t, seller, 10*time.Second, "the new total", `document.getElementById('qp-total-amount')?.dataset.amount === '251.00'`)
	bt.Do(t, seller, "send version 2", chromedp.Click(chromedp.CSS("#qp-send")))
	bt.WaitJS(t, buyer, 10*time.Second, "version 1 superseded and version 2 offered in the widget, live",
		inFrame(`d.querySelector('.quote-card[data-version="1"][data-state="superseded"]') && !d.querySelector('.quote-card[data-version="1"] .quote-actions')
			&& d.querySelector('.quote-card[data-version="2"][data-state="offered"] .quote-actions')`))
	bt.WaitJS(t, seller, 10*time.Second, "version 1 superseded at Giulia", `document.querySelector('.quote-card[data-version="1"][data-state="superseded"]') && document.querySelector('.quote-card[data-version="2"][data-state="offered"]')`)
	screenshot(t, buyer, "quote-widget-card")

	// Anna's mailbox: Parley's pages through the shop's "Open my inbox".
	bt.Do(t, buyer, "the shop", chromedp.Navigate(s.URL+"/shop/"), chromedp.WaitVisible(chromedp.CSS(`form[action="/auth/sso"] button`)))
	widgetSettled(t, buyer)
	bt.Do(t, buyer, "open my inbox", chromedp.Click(chromedp.CSS(`form[action="/auth/sso"] button`)), chromedp.WaitVisible(chromedp.CSS("#conv-list")))
	var link string
	deadline := time.Now().Add(bt.Patience)
	for link == "" {
		bt.Do(t, buyer, "Anna's mailbox", chromedp.Navigate(s.URL+"/app/mailbox"), chromedp.WaitVisible(chromedp.CSS("h1")))
		text := bt.Eval[string](t, buyer, `[...document.querySelectorAll('.mail-text')].map(e => e.textContent).filter(x => x.includes('251.00')).join('\n')`)
		link = quoteLinkRE.FindString(text)
		if link == "" && time.Now().After(deadline) {
			t.Fatal("the second offer's mail with its link never reached Anna's mailbox")
		}
		if link == "" {
			time.Sleep(300 * time.Millisecond)
		}
	}
	bt.Do(t, buyer, "the mailed link", chromedp.Navigate(s.URL+link), chromedp.WaitVisible(chromedp.CSS("#confirm")))
	if got := bt.Eval[string](t, buyer, `document.querySelector('main').textContent`); !strings.Contains(got, "251.00") {
		t.Errorf("the link's page does not show 251.00: %q", got)
	}
	bt.Do(t, buyer, "confirm", chromedp.Click(chromedp.CSS("#confirm")))
	bt.WaitJS(t, buyer, 10*time.Second, "the shop's cart", `location.pathname === '/shop/cart' && document.readyState === 'complete'`)
	bt.WaitJS(t, buyer, 15*time.Second, "the quoted line in the cart (after the webhook)", `fetch('/shop/cart').then(r => r.text()).then(h => h.includes('251.00'))`)
	bt.Do(t, buyer, "the cart again", chromedp.Navigate(s.URL+"/shop/cart"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if got := bt.Eval[string](t, buyer, `document.querySelector('main').textContent`); !strings.Contains(got, "251.00") || !strings.Contains(got, "Montaggio mobili a domicilio") {
		t.Errorf("the cart = %q, want the furniture assembly at 251.00", got)
	}
	bt.WaitJS(t, seller, 10*time.Second, "version 2 accepted at Giulia, live", `document.querySelector('.quote-card[data-version="2"][data-state="accepted"]') && !document.querySelector('.quote-card[data-state="offered"]')
		&& document.querySelector('.quote-current').textContent.includes('Accepted')`)
	bt.VNU(t, tools, pages)
}
