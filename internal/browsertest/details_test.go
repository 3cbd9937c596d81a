package browsertest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// look takes a screenshot like screenshot does and, with
// PARLEY_SCREENSHOT_DIR set, keeps a copy there to look at.
func look(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	screenshot(t, ctx, name)
	dir := os.Getenv("PARLEY_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	c, cancel := context.WithTimeout(ctx, bt.Patience)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// viewports are the widths the details are checked at.
var viewports = []struct {
	name          string
	width, height int64
	phone         bool
}{{"desktop", 1280, 860, false}, {"phone", 390, 844, true}}

func emulate(t *testing.T, ctx context.Context, w, h int64, phone bool) {
	t.Helper()
	if phone {
		bt.Do(t, ctx, "phone viewport", chromedp.EmulateViewport(w, h, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		return
	}
	bt.Do(t, ctx, "desktop viewport", chromedp.EmulateViewport(w, h))
}

// longPageURL is a product page's address as campaigns make them.
const longPageURL = "https://shop.example/products/walnut-chair-solid-wood-hand-finished?utm_source=newsletter&utm_medium=email" +
	"&utm_campaign=spring-sale-2026-walnut-chairs-and-tables&utm_content=hero-banner-variant-b&session=8f1c2a9e4b7d4e0f9a3c5b6d7e8f9a0b1c2d3e4f"

// TestUnfinishedDetails is issue 9's item 8: a long page URL stays inside
// the context panel; the mailbox's intro sits in the page's column; the
// shop's <title> says each thing once; the inbox's assignee filter offers
// "Unassigned" and every member of the seller's companies; the widget's
// placeholder is not clipped on a phone.
func TestUnfinishedDetails(t *testing.T) {
	eachDB(t, testUnfinishedDetails)
}

func testUnfinishedDetails(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	signIn(t, buyer, s.URL, buyerEmail)
	signIn(t, seller, s.URL, sellerEmail)
	conv := bt.Eval[string](t, buyer, fmt.Sprintf(`fetch('/api/v1/conversations', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({kind: 'chat', product: 'walnut-chair', page_url: %q, message: {client_id: 'long-url-1', body: 'Is it solid walnut?'}})})
		.then(r => r.json()).then(j => j.conversation.id)`, longPageURL))

	t.Run("PageURL", func(t *testing.T) {
		for _, v := range viewports {
			emulate(t, seller, v.width, v.height, v.phone)
			bt.Do(t, seller, "the conversation at "+v.name, chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
			link := fmt.Sprintf(`[...document.querySelectorAll('#context-body a')].find(a => a.href === %q)`, longPageURL)
			bt.WaitJS(t, seller, 10*time.Second, "the page's link in the context panel", link)
			bt.Eval[bool](t, seller, `(a => { a.scrollIntoView(); return true; })(`+link+`)`)
			look(t, seller, "details-page-url-"+v.name)
			if !bt.Eval[bool](t, seller, fmt.Sprintf(`(a => a.title === %q || a.textContent === %q)(%s)`, longPageURL, longPageURL, link)) {
				t.Errorf("%s: the link shows neither the full URL nor has it as its title", v.name)
			}
			if got := bt.Eval[string](t, seller, `(p => p.scrollWidth > p.clientWidth + 1 ? p.scrollWidth + ' > ' + p.clientWidth : '')(document.getElementById('context'))`); got != "" {
				t.Errorf("%s: the context panel scrolls sideways (%s px)", v.name, got)
			}
			if got := bt.Eval[string](t, seller, fmt.Sprintf(`(a => { const r = a.getBoundingClientRect(), p = document.getElementById('context').getBoundingClientRect();
				return r.right > p.right + 1 ? r.right + ' > ' + p.right : ''; })(%s)`, link)); got != "" {
				t.Errorf("%s: the link runs past the context panel's edge (%s)", v.name, got)
			}
			if w := bt.Eval[int](t, seller, `document.documentElement.scrollWidth`); w > int(v.width) {
				t.Errorf("%s: the page is %dpx wide, want no horizontal scroll (%d)", v.name, w, v.width)
			}
		}
	})

	t.Run("MailboxIntro", func(t *testing.T) {
		for _, v := range viewports {
			emulate(t, seller, v.width, v.height, v.phone)
			bt.Do(t, seller, "the mailbox at "+v.name, chromedp.Navigate(s.URL+"/app/mailbox"), chromedp.WaitVisible(chromedp.CSS("main h1")))
			look(t, seller, "details-mailbox-"+v.name)
			// The intro's text starts where the title's does.
			got := bt.Eval[[]float64](t, seller, `(() => {
				const left = (el) => el.getBoundingClientRect().left + parseFloat(getComputedStyle(el).paddingLeft);
				const right = (el) => el.getBoundingClientRect().right - parseFloat(getComputedStyle(el).paddingRight);
				const h = document.querySelector('main h1'), p = h.nextElementSibling;
				return [left(h), left(p), right(h), right(p)];
			})()`)
			if d := got[0] - got[1]; d > 1 || d < -1 {
				t.Errorf("%s: the intro's text starts at %.0fpx, the title's at %.0fpx", v.name, got[1], got[0])
			}
			if got[3] > got[2]+1 {
				t.Errorf("%s: the intro runs to %.0fpx, past the column's %.0fpx", v.name, got[3], got[2])
			}
		}
	})

	t.Run("ShopTitle", func(t *testing.T) {
		guest := b.Context()
		for _, path := range []string{"/shop/", "/shop/?lang=it", "/shop/p/walnut-chair", "/shop/search?q=rovere"} {
			bt.Do(t, guest, "shop "+path, chromedp.Navigate(s.URL+path), chromedp.WaitVisible(chromedp.CSS("main")))
			title := bt.Eval[string](t, guest, `document.title`)
			seen := map[string]bool{}
			for _, part := range strings.Split(title, " · ") {
				if part = strings.TrimSpace(part); part == "" || seen[part] {
					t.Errorf("%s: <title> %q repeats %q or has an empty part", path, title, part)
				}
				seen[part] = true
			}
		}
	})

	t.Run("AssigneeFilter", func(t *testing.T) {
		emulate(t, seller, 1280, 860, false)
		bt.Do(t, seller, "seller's inbox", chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`a[data-conversation="%s"]`, conv))))
		bt.WaitJS(t, seller, 5*time.Second, "the seller's scripts", `document.documentElement.dataset.shell === 'ready'`)
		// Every member of Giulia's companies, as the API lists them.
		bt.Eval[bool](t, seller, `Promise.all(JSON.parse(document.getElementById('page-data').textContent).organizations.map(o =>
			fetch('/api/v1/organizations/' + encodeURIComponent(o.id)).then(r => r.json()))).then(os => { window.__members = os.flatMap(o => o.members); return true; })`)
		bt.WaitJS(t, seller, 10*time.Second, "every other member in the assignee filter", `window.__members.length >= 2 && window.__members
			.filter(m => m.id !== 'local:giulia@demo.parley').every(m => [...document.getElementById('f-assignee').options].some(o => o.value === m.id && o.textContent === m.name))`)
		options := bt.Eval[[]string](t, seller, `[...document.getElementById('f-assignee').options].map(o => o.value)`)
		if len(options) < 3 || options[0] != "" || options[1] != "local:giulia@demo.parley" || options[2] != "none" {
			t.Errorf("assignee options = %q, want Anyone, Me, Unassigned first", options)
		}
		choose := func(value string) {
			t.Helper()
			bt.Eval[bool](t, seller, fmt.Sprintf(`(s => (s.value = %q, s.dispatchEvent(new Event('change', {bubbles: true})), s.value === %q))(document.getElementById('f-assignee'))`, value, value))
		}
		listed := fmt.Sprintf(`!!document.querySelector('#conv-list a[data-conversation="%s"]')`, conv)
		choose("none")
		bt.WaitJS(t, seller, 5*time.Second, "the unassigned conversation under Unassigned", listed)
		look(t, seller, "details-assignee-filter")
		bt.Eval[bool](t, seller, fmt.Sprintf(`fetch('/api/v1/conversations/%s', {method: 'PATCH', headers: {'Content-Type': 'application/json'},
			body: JSON.stringify({assignee: 'local:luca@demo.parley'})}).then(r => r.ok)`, conv))
		bt.WaitJS(t, seller, 5*time.Second, "the assigned conversation gone from Unassigned, live", "!"+listed)
		// Filters changed in quick succession: the last one's list stays.
		choose("")
		choose("none")
		bt.WaitJS(t, seller, 5*time.Second, "the assigned conversation gone from Unassigned", "!"+listed)
		choose("local:luca@demo.parley")
		bt.WaitJS(t, seller, 5*time.Second, "the conversation under Luca", listed)
	})

	t.Run("WidgetPlaceholder", func(t *testing.T) {
		// The placeholder's words fit in the text box's lines.
		const fits = `(() => {
			const ta = d.getElementById('body'), cs = getComputedStyle(ta);
			const g = document.createElement('canvas').getContext('2d');
			g.font = cs.font;
			const room = ta.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
			const lines = Math.ceil(g.measureText(ta.placeholder).width / room);
			const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.4;
			const inner = ta.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
			return lines * line <= inner + 1 ? '' : ta.placeholder + ': ' + lines + ' lines of ' + line + 'px in ' + inner + 'px (' + room + 'px wide)';
		})()`
		// Anna (Italian) opens the chat from a product on her phone.
		phone := b.Context()
		emulate(t, phone, 390, 844, true)
		shopSignIn(t, phone, s.URL, "Anna Bianchi", "/shop/p/oak-table")
		widgetReady(t, phone)
		bt.Do(t, phone, "chat with the seller", chromedp.Click(chromedp.CSS(`a[data-parley*='"kind":"chat"']`)))
		bt.WaitJS(t, phone, 10*time.Second, "the widget's composer", inFrame(`!d.getElementById('frame-conv').hidden && d.documentElement.lang === 'it'`))
		look(t, phone, "details-widget-phone")
		if got := bt.Eval[string](t, phone, inFrameValue(fits)); got != "" {
			t.Errorf("it: the widget's placeholder is clipped: %s", got)
		}
		// The other languages, in a frame as wide as the widget's panel on
		// that phone (390 px less its margins).
		frame := b.Context()
		emulate(t, frame, 350, 560, true)
		for _, lang := range []string{"en", "es", "ru", "el", "sr"} {
			bt.Do(t, frame, "the frame in "+lang, chromedp.Navigate(s.URL+"/widget/frame?lang="+lang), chromedp.WaitVisible(chromedp.CSS("#frame-status")))
			bt.Eval[bool](t, frame, `(c => (c.hidden = false, true))(document.getElementById('frame-conv'))`)
			if got := bt.Eval[string](t, frame, `(d => `+fits+`)(document)`); got != "" {
				t.Errorf("%s: the widget's placeholder is clipped: %s", lang, got)
			}
			if lang == "ru" {
				look(t, frame, "details-widget-frame-ru")
			}
		}
	})
}

// inFrameValue evaluates expr with d bound to the widget frame's document.
func inFrameValue(expr string) string {
	return fmt.Sprintf(`(d => %s)(%s)`, expr, frameDoc)
}
