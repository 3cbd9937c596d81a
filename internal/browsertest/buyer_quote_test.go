package browsertest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// pageSet sets a date or select field of the page as a picker would (the
// value, then input and change events).
func pageSet(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	if !bt.Eval[bool](t, ctx, fmt.Sprintf(`(e => { e.value = %q; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); return e.value === %q })(document.querySelector(%q))`,
		value, value, sel)) {
		t.Fatalf("%s did not take %q", sel, value)
	}
}

// TestBuyerAsksForAQuoteInTheApp: Anna, in Parley's own buyer area, reads
// her chat with Bottega Rossi about the furniture assembly (a service with
// the "Professional services" form); the context panel offers "Ask for a
// quote" (not on a chat about a product without a form, not to the
// seller), the form's steps show in Italian with the widget's checks, and
// sending opens the new quote conversation, where Giulia reads the answers.
func TestBuyerAsksForAQuoteInTheApp(t *testing.T) {
	eachDB(t, testBuyerAsksForAQuoteInTheApp)
}

func testBuyerAsksForAQuoteInTheApp(t *testing.T, postgres bool) {
	tools := bt.InstallTools(t)
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	pages := map[string][]byte{}

	// Anna comes to Parley from the shop's "Open my inbox" (her language,
	// Italian, comes with her); Giulia signs in to Parley (in English).
	shopSignIn(t, buyer, s.URL, "Anna Bianchi", "/shop/")
	widgetSettled(t, buyer)
	bt.Do(t, buyer, "open my inbox", chromedp.Click(chromedp.CSS(`form[action="/auth/sso"] button`)), chromedp.WaitVisible(chromedp.CSS("#conv-list")))
	if lang := bt.Eval[string](t, buyer, `document.documentElement.lang`); lang != "it" {
		t.Fatalf("Anna's inbox is in %q, want it", lang)
	}
	signIn(t, seller, s.URL, sellerEmail)
	chair := startChat(t, buyer, "walnut-chair", "La sedia c'è anche in nero?")
	chat := startChat(t, buyer, "furniture-assembly", "Buongiorno, montate anche cucine?")

	// A product without a form: no "Ask for a quote" once the panel has
	// asked for its form.
	bt.Do(t, buyer, "the chat about the chair", chromedp.Navigate(s.URL+"/app/c/"+chair), chromedp.WaitVisible(chromedp.CSS(`li.bubble.mine[data-seq="1"]`)))
	bt.WaitJS(t, buyer, 10*time.Second, "the panel's look for the chair's form", `document.querySelector('.quote-ask-panel[data-form]')`)
	if bt.Eval[bool](t, buyer, `document.querySelector('.quote-ask-panel').dataset.form !== 'no' || !document.querySelector('.quote-ask-panel').hidden || !!document.getElementById('ask-quote')`) {
		t.Error(`"Ask for a quote" shows on a chat about a product without a form`)
	}

	// The service's chat: the panel offers a quote, in Anna's Italian.
	bt.Do(t, buyer, "the chat about the assembly", chromedp.Navigate(s.URL+"/app/c/"+chat), chromedp.WaitVisible(chromedp.CSS(`li.bubble.mine[data-seq="1"]`)))
	bt.WaitJS(t, buyer, 10*time.Second, `"Ask for a quote" in the context panel`, `(b => b && b.textContent === 'Chiedi un preventivo' && !b.closest('section').hidden)(document.getElementById('ask-quote'))`)
	bt.Do(t, buyer, "ask for a quote", chromedp.Click(chromedp.CSS("#ask-quote")))
	bt.WaitJS(t, buyer, 5*time.Second, "the form's first step in the panel, in Italian", `(c => c.querySelector('fieldset.quote-step:not([hidden]) legend')?.textContent === 'Il tuo progetto'
		&& document.getElementById('qf-next').textContent === 'Avanti' && c.querySelector('.quote-progress').textContent === 'Passo 1 di 3'
		&& document.activeElement === document.getElementById('qf-summary'))(document.getElementById('context-body'))`)
	if got := bt.Eval[string](t, buyer, `[document.querySelector('label[for="qf-summary"]').firstChild.textContent, document.getElementById('qf-summary-help').textContent].join(' | ')`); got != "Di che cosa hai bisogno? | Poche righe: il luogo, lo scopo, che cosa c'è già." {
		t.Errorf("the first field's label and help = %q, want Italian", got)
	}
	// Cancel puts the form away; the button comes back with the focus.
	bt.Do(t, buyer, "cancel", chromedp.Click(chromedp.CSS("#qf-cancel")))
	bt.WaitJS(t, buyer, 5*time.Second, "the button again, focused", `!document.querySelector('.quote-ask') && document.activeElement === document.getElementById('ask-quote')`)
	bt.Do(t, buyer, "ask again", chromedp.Click(chromedp.CSS("#ask-quote")), chromedp.WaitVisible(chromedp.CSS("#qf-summary")))

	// The required field left empty: the widget's check, at the field.
	bt.Do(t, buyer, "next with nothing", chromedp.Click(chromedp.CSS("#qf-next")))
	bt.WaitJS(t, buyer, 5*time.Second, "the required field's error", `(e => !e.hidden && e.textContent === 'Compila questo campo.')(document.getElementById('qf-summary-err'))
		&& document.getElementById('qf-summary').getAttribute('aria-invalid') === 'true' && !document.querySelector('fieldset[data-step="0"]').hidden`)
	bt.Do(t, buyer, "what Anna needs", chromedp.SendKeys(chromedp.CSS("#qf-summary"), "Montare una cucina di 4 metri e due pensili."))
	pageSet(t, buyer, "#qf-start", "2030-05-20")
	bt.Do(t, buyer, "next", chromedp.Click(chromedp.CSS("#qf-next")))
	bt.WaitJS(t, buyer, 5*time.Second, "the second step", `document.querySelector('fieldset.quote-step:not([hidden]) legend').textContent === 'Portata'`)
	if got := bt.Eval[string](t, buyer, `(o => o.value + ' = ' + o.textContent)(document.querySelector('#qf-size option[value="Medium (up to a week)"]'))`); got != "Medium (up to a week) = Medio (fino a una settimana)" {
		t.Errorf("the size's option = %q, want its Italian label", got)
	}
	pageSet(t, buyer, "#qf-size", "Medium (up to a week)")
	bt.Do(t, buyer, "on site", chromedp.Click(chromedp.CSS("#qf-on_site")), chromedp.Click(chromedp.CSS("#qf-next")))
	bt.WaitJS(t, buyer, 5*time.Second, "the message step", `!document.querySelector('fieldset[data-step="2"]').hidden && document.getElementById('qf-next').textContent === 'Invia la richiesta'`)
	bt.Do(t, buyer, "the message", chromedp.SendKeys(chromedp.CSS("#qf-message"), "Il palazzo non ha ascensore."))
	screenshot(t, buyer, "quote-buyer-area")
	bt.Axe(t, buyer, tools, "/app/c/{chat} with the quote form in the context panel")
	pages["app-buyer-quote-form"] = renderedHTML(t, buyer, "document")
	bt.Do(t, buyer, "send the request", chromedp.Click(chromedp.CSS("#qf-next")))

	// The new quote conversation opens, with the message and the answers.
	bt.WaitJS(t, buyer, 10*time.Second, "the quote conversation open", fmt.Sprintf(`location.pathname.startsWith('/app/c/') && location.pathname !== '/app/c/%s'
		&& [...document.querySelectorAll('li.bubble.mine .text')].some(e => e.textContent.includes('ascensore'))`, chat))
	quote := bt.Eval[string](t, buyer, `location.pathname.slice('/app/c/'.length)`)
	if got := bt.Eval[string](t, buyer, fmt.Sprintf(`fetch('/api/v1/conversations/%s').then(r => r.json()).then(c => c.kind + ' ' + c.context.product + ' ' + c.seller.id)`, quote)); got != "quote furniture-assembly bottega-rossi" {
		t.Errorf("the new conversation = %q, want a quote about the furniture assembly with Bottega Rossi", got)
	}
	bt.WaitJS(t, buyer, 10*time.Second, "Anna's answers in her context panel", `(c => c.querySelector('[data-answer="size"]')?.textContent === 'Medio (fino a una settimana)'
		&& c.querySelector('[data-answer="summary"]')?.textContent.includes('cucina di 4 metri'))(document.getElementById('context-body'))`)
	// Back in the chat, the open request is linked instead of a second one.
	bt.Do(t, buyer, "the chat again", chromedp.Navigate(s.URL+"/app/c/"+chat), chromedp.WaitVisible(chromedp.CSS(`li.bubble.mine[data-seq="1"]`)))
	bt.WaitJS(t, buyer, 10*time.Second, "the link to the open request", fmt.Sprintf(`(a => a && a.getAttribute('href') === '/app/c/%s' && !document.getElementById('ask-quote'))(document.getElementById('open-quote'))`, quote))

	// Giulia: no "Ask for a quote" on the seller's side of the chat; the
	// request with Anna's answers.
	bt.Do(t, seller, "Giulia's side of the chat", chromedp.Navigate(s.URL+"/app/c/"+chat), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	bt.WaitJS(t, seller, 10*time.Second, "the seller's panel", `document.querySelector('#context-body .proposal-form')`)
	if bt.Eval[bool](t, seller, `!!document.querySelector('.quote-ask-panel')`) {
		t.Error(`the seller is offered "Ask for a quote"`)
	}
	bt.Do(t, seller, "the request", chromedp.Navigate(s.URL+"/app/c/"+quote), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	bt.WaitJS(t, seller, 10*time.Second, "the buyer's answers at Giulia", `(c => c.querySelector('[data-answer="summary"]')?.textContent.includes('cucina di 4 metri')
		&& c.querySelector('[data-answer="size"]')?.textContent.length > 0 && c.querySelector('[data-answer="start"]')?.textContent.includes('2030')
		&& c.querySelector('[data-answer="on_site"]')?.textContent.length > 0 && document.getElementById('qp-qty'))(document.getElementById('context-body'))`)
	if !bt.Eval[bool](t, seller, `[...document.querySelectorAll('li.bubble .text')].some(e => e.textContent.includes('ascensore'))`) {
		t.Error("Giulia does not see Anna's message in the request")
	}
	bt.VNU(t, tools, pages)
}
