package browsertest_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// signIn signs a demo account in through the sign-in page's one-click list.
func signIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	bt.Do(t, ctx, "sign in "+email,
		chromedp.Navigate(base+"/login"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[data-email=%q]`, email))),
		chromedp.WaitVisible(chromedp.CSS("#conv-list")))
}

// startChat makes the buyer's page start a chat about a product, as the
// product page's "Chat with the seller" does, and returns its id.
func startChat(t *testing.T, ctx context.Context, product, text string) string {
	t.Helper()
	return bt.Eval[string](t, ctx, fmt.Sprintf(`fetch('/api/v1/conversations', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({kind: 'chat', product: %q, page_url: location.href, message: {client_id: 'start-' + Date.now(), body: %q}})})
		.then(r => r.json()).then(j => j.conversation.id)`, product, text))
}

// session signs in over plain HTTP, for fetching pages' raw HTML.
func session(t *testing.T, base, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {"parley-demo"}})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("sign in %s over HTTP: %v %v", email, err, res)
	}
	res.Body.Close()
	return c
}

func fetch(t *testing.T, c *http.Client, u string) []byte {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s = %d", u, res.StatusCode)
	}
	return b
}

func writePNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), 20, uint8(y * 5), 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, bt.Patience)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if len(png) < 1000 {
		t.Fatalf("screenshot %s is only %d bytes", name, len(png))
	}
	// PARLEY_SCREENSHOTS=1 refreshes the README's pictures; otherwise they go
	// to a temporary directory, so that a test run leaves the tree clean.
	dir := t.TempDir()
	if os.Getenv("PARLEY_SCREENSHOTS") == "1" {
		dir = filepath.Join(bt.RepoRoot(t), "docs", "screenshots")
		os.MkdirAll(dir, 0o755)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// eachDB runs a browser test against Parley on SQLite and on PostgreSQL.
//
// The two run side by side (each with its own server and Chromium): a
// browser test spends most of its time waiting for the page, so two at once
// take little more than one, which keeps the package well inside go test's
// 10-minute limit.
func eachDB(t *testing.T, f func(t *testing.T, postgres bool)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); f(t, false) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); f(t, true) })
}

const (
	buyerEmail  = "anna@demo.parley"
	sellerEmail = "giulia@demo.parley"
)

// TestChatInTheBrowser: a buyer starts a chat; the seller, in another
// browser context, sees it, reads it (✓✓ for the buyer) and answers; the
// buyer sees the answer and the typing indicator without reloading, and the
// seller sees ✓✓ once the buyer read it. Then the seller blocks the buyer
// through the confirmation page and the buyer's next message fails.
func TestChatInTheBrowser(t *testing.T) {
	eachDB(t, testChatInTheBrowser)
}

func testChatInTheBrowser(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	signIn(t, buyer, s.URL, buyerEmail)
	signIn(t, seller, s.URL, sellerEmail)
	speakEnglish(t, buyer, s.URL)
	speakEnglish(t, seller, s.URL)

	conv := startChat(t, buyer, "walnut-chair", "Is the walnut chair available in black?")
	bt.Do(t, buyer, "open the conversation", chromedp.Navigate(s.URL+"/app/c/"+conv),
		chromedp.WaitVisible(chromedp.CSS(`li.bubble.mine[data-seq="1"]`)))
	bt.Eval[bool](t, buyer, `window.__noReload = true`)

	// The seller's inbox shows the new conversation, unread, live.
	bt.Do(t, seller, "seller inbox", chromedp.Navigate(s.URL+"/app/"))
	bt.WaitJS(t, seller, 10*time.Second, "the conversation in the seller's list", fmt.Sprintf(`document.querySelector('li.unread a[data-conversation="%s"]')`, conv))
	bt.WaitJS(t, seller, 5*time.Second, "the unread dot", `!document.getElementById('unread-dot').hidden`)
	bt.Do(t, seller, "open it", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[data-conversation="%s"]`, conv))),
		chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))

	// The buyer sees ✓✓ when the seller has read.
	bt.WaitJS(t, buyer, 10*time.Second, "✓✓ on the buyer's message", `document.querySelector('li.bubble.mine[data-seq="1"] .receipt[data-state="read"]')`)

	// Typing shows on the other side.
	bt.Do(t, seller, "type", chromedp.SendKeys(chromedp.CSS("#body"), "Yes, we have it in black"))
	bt.WaitJS(t, buyer, 10*time.Second, "the typing indicator", `document.getElementById('typing').textContent.includes('Giulia')`)
	bt.Do(t, seller, "send", chromedp.Click(chromedp.CSS("#send")))

	bt.WaitJS(t, buyer, 10*time.Second, "the seller's answer without reloading",
		`[...document.querySelectorAll('li.bubble:not(.mine) .text')].some(e => e.textContent.includes('we have it in black'))`)
	bt.WaitJS(t, buyer, 5*time.Second, "the answer announced to screen readers",
		`[...document.querySelectorAll('[aria-live="polite"]')].some(e => e.textContent.includes('New message from Giulia Rossi: Yes, we have it in black'))`)
	if !bt.Eval[bool](t, buyer, `window.__noReload === true`) {
		t.Error("the buyer's page reloaded")
	}
	if got := bt.Eval[string](t, buyer, `document.getElementById('typing').textContent`); got != "" {
		t.Errorf("typing indicator after the message = %q, want empty", got)
	}
	bt.WaitJS(t, seller, 10*time.Second, "✓✓ on the seller's answer", `document.querySelector('li.bubble.mine[data-seq="2"] .receipt[data-state="read"]')`)
	// The connection drops (a node restart, a network cut); a message sent
	// meanwhile arrives through the catch-up sync after the reconnect.
	s.DropSockets(t)
	sellerHTTP := session(t, s.URL, sellerEmail)
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/conversations/"+conv+"/messages", strings.NewReader(`{"client_id":"while-away","body":"Sent while you were away"}`))
	req.Header.Set("Content-Type", "application/json")
	if res, err := sellerHTTP.Do(req); err != nil || res.StatusCode != 201 {
		t.Fatalf("send while the sockets are down: %v %v", err, res)
	}
	bt.WaitJS(t, buyer, 15*time.Second, "the message sent while disconnected",
		`[...document.querySelectorAll('li.bubble:not(.mine) .text')].some(e => e.textContent === 'Sent while you were away')`)
	bt.WaitJS(t, seller, 15*time.Second, "the seller's page caught up too", `document.querySelector('li.bubble.mine[data-seq="3"]')`)

	// A picture: upload progress, then a preview on both sides.
	pic := filepath.Join(t.TempDir(), "black-chair.png")
	writePNG(t, pic)
	bt.Do(t, buyer, "attach a picture", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{pic}))
	bt.WaitJS(t, buyer, 10*time.Second, "the finished upload", `document.querySelector('#uploads progress') && document.querySelector('#uploads progress').value === 1`)
	bt.Do(t, buyer, "send the picture", chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, seller, 10*time.Second, "the picture's preview at the seller", `[...document.querySelectorAll('img.preview')].some(i => i.alt === 'black-chair.png' && i.complete && i.naturalWidth === 64)`)
	bt.WaitJS(t, buyer, 10*time.Second, "the picture's preview at the buyer", `[...document.querySelectorAll('li.bubble.mine img.preview')].some(i => i.complete && i.naturalWidth === 64)`)
	screenshot(t, seller, "seller-conversation")

	// Blocking goes through a real confirmation page.
	bt.Do(t, seller, "block", chromedp.Click(chromedp.CSS("#block-link")), chromedp.WaitVisible(chromedp.CSS("#confirm")))
	if path := bt.Eval[string](t, seller, `location.pathname`); path != "/app/c/"+conv+"/block" {
		t.Fatalf("block link went to %s", path)
	}
	screenshot(t, seller, "block-confirmation")
	bt.Do(t, seller, "confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS(`.closed-note[data-reason="blocked_by_me"]`)))
	if path := bt.Eval[string](t, seller, `location.pathname`); path != "/app/c/"+conv {
		t.Errorf("after confirming: %s, want the conversation", path)
	}
	// The buyer is told at once, in place of the composer, before writing.
	bt.WaitJS(t, buyer, 10*time.Second, "the buyer's notice of the block",
		`document.getElementById('composer').hidden && document.querySelector('.closed-note[data-reason="blocked_by_them"]')`)
	// Unblocking (the seller's way out, in the notice) opens the composer
	// again on both sides.
	bt.Do(t, seller, "unblock", chromedp.Click(chromedp.CSS("#unblock-link")), chromedp.WaitVisible(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#body")))
	bt.WaitJS(t, buyer, 10*time.Second, "the buyer's composer back", `!document.getElementById('composer').hidden`)
	bt.Do(t, buyer, "write after the unblock", chromedp.SendKeys(chromedp.CSS("#body"), "Hello?"), chromedp.Click(chromedp.CSS("#send")))
	bt.WaitJS(t, buyer, 10*time.Second, "the message sent", `document.querySelector('li.bubble.mine[data-seq="5"]') && !document.querySelector('.receipt[data-state="failed"]')`)
	bt.WaitJS(t, seller, 10*time.Second, "the message at the seller", `[...document.querySelectorAll('li.bubble:not(.mine) .text')].some(e => e.textContent === 'Hello?')`)
}

// TestLanguageSwitch: the switcher changes <html lang> and the texts.
func TestLanguageSwitch(t *testing.T) {
	eachDB(t, testLanguageSwitch)
}

func testLanguageSwitch(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	ctx := b.Context()
	bt.Do(t, ctx, "login page", chromedp.Navigate(s.URL+"/login"))
	if lang := bt.Eval[string](t, ctx, `document.documentElement.lang`); lang != "en" {
		t.Errorf("lang = %q, want en", lang)
	}
	signIn(t, ctx, s.URL, buyerEmail)
	speakEnglish(t, ctx, s.URL) // Anna is Italian to the host: start from English
	for _, c := range []struct{ lang, text string }{{"it", "Messaggi"}, {"ru", "Сообщения"}, {"el", "Μηνύματα"}, {"sr", "Poruke"}, {"es", "Mensajes"}, {"en", "Messages"}} {
		// As a person does: pick the language in the switcher.
		bt.WaitJS(t, ctx, 5*time.Second, "the page's scripts", `document.documentElement.dataset.shell === 'ready'`)
		bt.Eval[bool](t, ctx, fmt.Sprintf(`(s => (s.value = %q, s.dispatchEvent(new Event('change', {bubbles: true})), true))(document.getElementById('lang-select'))`, c.lang))
		bt.WaitJS(t, ctx, 10*time.Second, "<html lang="+c.lang+">", fmt.Sprintf(`document.documentElement.lang === %q && document.getElementById('conv-list')`, c.lang))
		if got := bt.Eval[string](t, ctx, `document.getElementById('nav-inbox').textContent`); !strings.Contains(got, c.text) {
			t.Errorf("%s: inbox link = %q, want %q", c.lang, got, c.text)
		}
		if c.lang == "ru" {
			// CLDR plurals in the scripts' catalogue: 1, 3 and 5 take different forms.
			got := bt.Eval[string](t, ctx, `(async () => { const m = await import('/static/js/i18n.js'); return [1, 3, 5].map(n => m.t('unread', {Count: n})).join('|'); })()`)
			if got != "1 непрочитанное|3 непрочитанных|5 непрочитанных" {
				t.Errorf("ru plurals = %q", got)
			}
			screenshot(t, ctx, "inbox-ru")
		}
	}
}

// TestPagesAccessibleAndValid runs axe-core on the main pages (no serious
// or critical violation), validates their HTML with vnu and takes the
// README's screenshots, on a desktop and a phone's width.
func TestPagesAccessibleAndValid(t *testing.T) {
	eachDB(t, testPagesAccessibleAndValid)
}

func testPagesAccessibleAndValid(t *testing.T, postgres bool) {
	tools := bt.InstallTools(t)
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller, guest := b.Context(), b.Context(), b.Context()

	bt.Do(t, guest, "login page", chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")))
	bt.Axe(t, guest, tools, "/login")
	screenshot(t, guest, "login")
	bt.Do(t, guest, "widget frame", chromedp.Navigate(s.URL+"/widget/frame?lang=it"), chromedp.WaitVisible(chromedp.CSS("#frame-status")))
	bt.Axe(t, guest, tools, "/widget/frame")

	signIn(t, buyer, s.URL, buyerEmail)
	signIn(t, seller, s.URL, sellerEmail)
	ticket := bt.Eval[string](t, buyer, `fetch('/api/v1/conversations', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({kind: 'ticket', order: 'ORD-1001', subject: 'One chair wobbles', message: {client_id: 'tk-1', body: 'One of the four chairs wobbles. Can you help?'}})})
		.then(r => r.json()).then(j => j.conversation.id)`)
	chat := startChat(t, buyer, "oak-table", "Can the oak table be 200 cm long?")

	seen := map[string][]byte{}
	buyerHTTP, sellerHTTP := session(t, s.URL, buyerEmail), session(t, s.URL, sellerEmail)
	// The owner's "new conversation" mail reaches the dev mailbox (the
	// outbox sends it), in the owner's language (the shop gives Giulia
	// Italian); the buyer's mailbox does not show it.
	deadline := time.Now().Add(bt.Patience)
	for !strings.Contains(string(fetch(t, sellerHTTP, s.URL+"/app/mailbox")), "Nuova conversazione da") {
		if time.Now().After(deadline) {
			t.Fatal("the owner's mailbox never showed the new-conversation mail")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if strings.Contains(string(fetch(t, buyerHTTP, s.URL+"/app/mailbox")), "Nuova conversazione da") {
		t.Error("the buyer's mailbox shows the seller's mail")
	}
	seen["login"] = fetch(t, http.DefaultClient, s.URL+"/login")
	seen["frame"] = fetch(t, http.DefaultClient, s.URL+"/widget/frame")
	pages := []struct {
		who  string
		ctx  context.Context
		http *http.Client
		path string
		wait string
		shot string
	}{
		{"seller", seller, sellerHTTP, "/app/", "#conv-list li", "seller-inbox"},
		{"seller", seller, sellerHTTP, "/app/c/" + ticket, `li.bubble[data-seq="1"]`, "seller-ticket"},
		{"seller", seller, sellerHTTP, "/app/c/" + ticket + "/block", "#confirm", ""},
		{"seller", seller, sellerHTTP, "/app/settings", "section.company tbody tr", "seller-settings"},
		{"seller", seller, sellerHTTP, "/app/mailbox", "main", "mailbox"},
		{"buyer", buyer, buyerHTTP, "/app/?kind=ticket", "#conv-list li", ""},
		{"buyer", buyer, buyerHTTP, "/app/c/" + chat, `li.bubble[data-seq="1"]`, "buyer-conversation"},
		{"buyer", buyer, buyerHTTP, "/app/sellers/bottega-rossi", "#seller-convs li", "seller-profile"},
		{"buyer", buyer, buyerHTTP, "/app/settings", "#s-sound", ""},
	}
	for _, p := range pages {
		bt.Do(t, p.ctx, p.who+" "+p.path, chromedp.Navigate(s.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		bt.Axe(t, p.ctx, tools, p.who+" "+p.path)
		if p.shot != "" {
			screenshot(t, p.ctx, p.shot)
		}
		seen[p.who+p.path] = fetch(t, p.http, s.URL+p.path)
	}
	bt.VNU(t, tools, seen)

	// A phone's width: one pane at a time.
	bt.Do(t, buyer, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS("#conv-list li")))
	if bt.Eval[bool](t, buyer, `getComputedStyle(document.getElementById('conv-pane')).display !== 'none'`) {
		t.Error("on a phone the inbox shows the conversation pane beside the list")
	}
	bt.Axe(t, buyer, tools, "phone /app/")
	screenshot(t, buyer, "phone-inbox")
	bt.Do(t, buyer, "phone conversation", chromedp.Navigate(s.URL+"/app/c/"+ticket), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	if bt.Eval[bool](t, buyer, `getComputedStyle(document.querySelector('.list-pane')).display !== 'none'`) {
		t.Error("on a phone the conversation shows the list beside it")
	}
	if w := bt.Eval[int](t, buyer, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the phone page is %dpx wide, want no horizontal scroll (390)", w)
	}
	screenshot(t, buyer, "phone-conversation")

	// A tablet's width: the list alone beside the placeholder; with a
	// conversation open, the conversation and its details (the order), and
	// "←" back to the list.
	bt.Do(t, buyer, "tablet", chromedp.EmulateViewport(900, 1000),
		chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS("#conv-list li")))
	if !bt.Eval[bool](t, buyer, `getComputedStyle(document.querySelector('.list-pane')).display !== 'none' && getComputedStyle(document.getElementById('conv-pane')).display !== 'none'`) {
		t.Error("on a tablet the inbox does not show the list beside the conversation pane")
	}
	bt.Do(t, buyer, "tablet conversation", chromedp.Navigate(s.URL+"/app/c/"+ticket), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	bt.WaitJS(t, buyer, 10*time.Second, "the ticket's order in the details pane beside the conversation", `(c => getComputedStyle(c).display !== 'none'
		&& c.getBoundingClientRect().left >= document.getElementById('conv-pane').getBoundingClientRect().right - 1
		&& c.textContent.includes('ORD-1001'))(document.getElementById('context'))`)
	if !bt.Eval[bool](t, buyer, `getComputedStyle(document.querySelector('.list-pane')).display === 'none' && getComputedStyle(document.querySelector('.back')).display !== 'none'`) {
		t.Error("on a tablet an open conversation keeps the list beside it, or has no way back to it")
	}
	if w := bt.Eval[int](t, buyer, `document.documentElement.scrollWidth`); w > 900 {
		t.Errorf("the tablet page is %dpx wide, want no horizontal scroll (900)", w)
	}
}
