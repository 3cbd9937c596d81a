package browsertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/parleyhq/parley/internal/browsertest"
)

// apiDo sends a JSON request with a signed-in client and decodes the answer
// into out (nil: ignored), failing the test on a status other than want.
func apiDo(t *testing.T, c *http.Client, method, url string, body any, want int, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, url, res.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
}

// dialogue is what the buyer and the seller of the long conversation say,
// in turn.
var dialogue = []string{
	"Hello! Can the oak table be made 200 cm long?",
	"Good morning. Yes, we make it to measure from 120 to 300 cm.",
	"Great. What would 200 × 90 cm cost?",
	"In solid oak with an oil finish, 1,480 EUR.",
	"Is a darker finish possible?",
	"Yes: smoked oak or a walnut stain, same price.",
	"How long does it take to make?",
	"About four weeks from the order, then two days for delivery.",
	"Do you deliver to the third floor without a lift?",
	"Yes, two people carry it up; the legs come off.",
	"Could you send a photo of the smoked finish?",
	"Of course, I'll add one from our workshop this afternoon.",
}

// seedLongChat starts a chat of the buyer about a product and fills it to
// n messages, the buyer and the seller in turn, all read by the buyer. It
// returns the conversation's id.
func seedLongChat(t *testing.T, base string, buyer, seller *http.Client, product string, n int) string {
	t.Helper()
	var started struct {
		Conversation struct {
			ID string `json:"id"`
		} `json:"conversation"`
	}
	apiDo(t, buyer, "POST", base+"/api/v1/conversations", map[string]any{"kind": "chat", "product": product,
		"message": map[string]any{"client_id": product + "-1", "body": dialogue[0]}}, http.StatusCreated, &started)
	conv := started.Conversation.ID
	for i := 2; i <= n; i++ {
		who := buyer
		if i%2 == 0 {
			who = seller
		}
		apiDo(t, who, "POST", base+"/api/v1/conversations/"+conv+"/messages", map[string]any{"client_id": fmt.Sprintf("%s-%d", product, i),
			"body": dialogue[(i-1)%len(dialogue)]}, http.StatusCreated, nil)
	}
	apiDo(t, buyer, "POST", base+"/api/v1/conversations/"+conv+"/read", map[string]any{"seq": n}, http.StatusNoContent, nil)
	return conv
}

// layout is what a reader of a long conversation must see.
type layout struct {
	PageScrolls bool `json:"pageScrolls"` // the document scrolls (it must not)
	ListScrolls bool `json:"listScrolls"` // the message pane scrolls (it must)
	Header      bool `json:"header"`      // the conversation's header is in the viewport
	Context     bool `json:"context"`     // the context panel's title is (the app only)
	Composer    bool `json:"composer"`    // the composer is
	Last        bool `json:"last"`        // the newest message is, inside the message pane
}

// layoutJS measures a layout in the document doc (a JavaScript expression).
func layoutJS(doc string) string {
	return fmt.Sprintf(`(d => {
	const w = d.defaultView, se = d.scrollingElement, list = d.getElementById('messages');
	const inView = e => { if (!e) return false; const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= -1 && r.bottom <= w.innerHeight + 1 && r.left >= -1 && r.right <= w.innerWidth + 1; };
	const bubbles = list.querySelectorAll('li.bubble'), last = bubbles[bubbles.length - 1];
	const lr = list.getBoundingClientRect(), br = last.getBoundingClientRect();
	return JSON.stringify({pageScrolls: se.scrollHeight > se.clientHeight + 1, listScrolls: list.scrollHeight > list.clientHeight + 1,
		header: inView(d.querySelector('.conv-head, .frame-head')), context: inView(d.getElementById('context-h')),
		composer: inView(d.getElementById('composer')), last: inView(last) && br.top >= lr.top - 1 && br.bottom <= lr.bottom + 1});
})(%s)`, doc)
}

func checkLayout(t *testing.T, ctx context.Context, doc, where string, app bool) {
	t.Helper()
	var l layout
	if err := json.Unmarshal([]byte(bt.Eval[string](t, ctx, layoutJS(doc))), &l); err != nil {
		t.Fatal(err)
	}
	if l.PageScrolls {
		t.Errorf("%s: the page scrolls (document.scrollingElement), want only the message pane to", where)
	}
	if !l.ListScrolls {
		t.Errorf("%s: the message pane does not scroll", where)
	}
	if !l.Header {
		t.Errorf("%s: the conversation's header is out of view", where)
	}
	if app && !l.Context {
		t.Errorf("%s: the context panel is out of view", where)
	}
	if !l.Composer {
		t.Errorf("%s: the composer is out of view", where)
	}
	if !l.Last {
		t.Errorf("%s: the newest message is out of view", where)
	}
}

// scrollUpKeepsPlace scrolls the pane to its top and checks that the older
// page loads under the reader without moving what they were looking at.
func scrollUpKeepsPlace(t *testing.T, ctx context.Context, doc, where string) {
	t.Helper()
	first := bt.Eval[string](t, ctx, fmt.Sprintf(`(d => {
		const l = d.getElementById('messages');
		l.scrollTop = 0;
		const top = l.getBoundingClientRect().top;
		const b = [...l.querySelectorAll('li.bubble')].find(b => b.getBoundingClientRect().bottom > top);
		d.defaultView.__anchor = {seq: b.dataset.seq, top: b.getBoundingClientRect().top};
		return b.dataset.seq;
	})(%s)`, doc))
	if first == "1" {
		t.Fatalf("%s: the first message is loaded before scrolling up", where)
	}
	bt.WaitJS(t, ctx, 10*time.Second, where+": the older page loaded on scrolling up", fmt.Sprintf(`(%s).querySelector('li.bubble[data-seq="1"]')`, doc))
	moved := bt.Eval[float64](t, ctx, fmt.Sprintf(`(d => { const a = d.defaultView.__anchor;
		return d.querySelector('li.bubble[data-seq="' + a.seq + '"]').getBoundingClientRect().top - a.top; })(%s)`, doc))
	if math.Abs(moved) > 4 {
		t.Errorf("%s: message %s moved by %.0fpx when the older page loaded, want it to keep its place", where, first, moved)
	}
}

// frames waits for two animation frames of doc's window: scroll events
// have been handled.
func frames(doc string) string {
	return fmt.Sprintf(`(d => new Promise(r => d.defaultView.requestAnimationFrame(() => d.defaultView.requestAnimationFrame(() => r(true)))))(%s)`, doc)
}

// pillWhileScrolledUp: the reader scrolled up; a message from the seller
// shows the pill and leaves the view where it is; the pill takes the reader
// down; at the bottom the next message keeps the view there.
func pillWhileScrolledUp(t *testing.T, ctx context.Context, doc, where, base string, seller *http.Client, conv, shot string) {
	t.Helper()
	bt.Eval[bool](t, ctx, fmt.Sprintf(`(d => { const l = d.getElementById('messages'); l.scrollTop = Math.floor((l.scrollHeight - l.clientHeight) / 2); return true; })(%s)`, doc))
	bt.Eval[bool](t, ctx, frames(doc))
	bt.Eval[bool](t, ctx, fmt.Sprintf(`(d => { const l = d.getElementById('messages'), top = l.getBoundingClientRect().top;
		const b = [...l.querySelectorAll('li.bubble')].find(b => b.getBoundingClientRect().top >= top);
		d.defaultView.__view = {seq: b.dataset.seq, top: b.getBoundingClientRect().top, scroll: l.scrollTop}; return true; })(%s)`, doc))
	apiDo(t, seller, "POST", base+"/api/v1/conversations/"+conv+"/messages", map[string]any{"client_id": conv + "-while-up", "body": "The photo of the smoked finish is ready."}, http.StatusCreated, nil)
	bt.WaitJS(t, ctx, 10*time.Second, where+": the pill for the new message", fmt.Sprintf(`(d => [...d.querySelectorAll('li.bubble .text')].some(e => e.textContent.includes('smoked finish is ready'))
		&& d.querySelector('.new-pill') && !d.querySelector('.new-pill').hidden && d.querySelector('.new-pill').getBoundingClientRect().height > 0)(%s)`, doc))
	if shot != "" {
		screenshot(t, ctx, shot)
	}
	moved := bt.Eval[float64](t, ctx, fmt.Sprintf(`(d => { const v = d.defaultView.__view;
		return d.querySelector('li.bubble[data-seq="' + v.seq + '"]').getBoundingClientRect().top - v.top; })(%s)`, doc))
	if math.Abs(moved) > 2 {
		t.Errorf("%s: a new message moved the view of a reader scrolled up by %.0fpx", where, moved)
	}
	bt.Eval[bool](t, ctx, fmt.Sprintf(`(d => (d.querySelector('.new-pill').click(), true))(%s)`, doc))
	bt.WaitJS(t, ctx, 5*time.Second, where+": the newest message in view after the pill", fmt.Sprintf(`(d => { const l = d.getElementById('messages'), bs = l.querySelectorAll('li.bubble'), b = bs[bs.length - 1];
		return b.textContent.includes('smoked finish is ready') && b.getBoundingClientRect().bottom <= l.getBoundingClientRect().bottom + 1 && d.querySelector('.new-pill').hidden; })(%s)`, doc))
	bt.Eval[bool](t, ctx, frames(doc))
	apiDo(t, seller, "POST", base+"/api/v1/conversations/"+conv+"/messages", map[string]any{"client_id": conv + "-at-bottom", "body": "Shall I reserve the oak?"}, http.StatusCreated, nil)
	bt.WaitJS(t, ctx, 10*time.Second, where+": a message at the bottom keeps the view at the bottom", fmt.Sprintf(`(d => { const l = d.getElementById('messages'), bs = l.querySelectorAll('li.bubble'), b = bs[bs.length - 1];
		return b.textContent.includes('reserve the oak') && b.getBoundingClientRect().bottom <= l.getBoundingClientRect().bottom + 1 && d.querySelector('.new-pill').hidden; })(%s)`, doc))
}

// lastSeq is the conversation's last seq as the client sees it.
func lastSeq(t *testing.T, base string, c *http.Client, conv string) int {
	t.Helper()
	var got struct {
		LastSeq int `json:"last_seq"`
	}
	apiDo(t, c, "GET", base+"/api/v1/conversations/"+conv, nil, http.StatusOK, &got)
	return got.LastSeq
}

// seedUnread has the seller write n messages the buyer has not read, and
// returns the seq of the first.
func seedUnread(t *testing.T, base string, buyer, seller *http.Client, conv string, n int) int {
	t.Helper()
	first := lastSeq(t, base, buyer, conv) + 1
	for i := 0; i < n; i++ {
		apiDo(t, seller, "POST", base+"/api/v1/conversations/"+conv+"/messages", map[string]any{"client_id": fmt.Sprintf("%s-unread-%d", conv, i),
			"body": fmt.Sprintf("Unread note %d about the finish.", i+1)}, http.StatusCreated, nil)
	}
	return first
}

// checkDivider: the conversation opened at its first unread message, with
// the "new messages" divider right before it, near the pane's top.
func checkDivider(t *testing.T, ctx context.Context, doc, where string, first int, text string) {
	t.Helper()
	bt.WaitJS(t, ctx, 10*time.Second, where+": the unread divider", fmt.Sprintf(`(%s).querySelector('li.unread-divider')`, doc))
	var got struct {
		Next    string `json:"next"`
		Text    string `json:"text"`
		Offset  float64
		LastOut bool `json:"lastOut"`
		Page    bool `json:"page"`
	}
	raw := bt.Eval[string](t, ctx, fmt.Sprintf(`(d => { const l = d.getElementById('messages'), dv = d.querySelector('li.unread-divider');
		const bs = l.querySelectorAll('li.bubble'), last = bs[bs.length - 1], se = d.scrollingElement;
		return JSON.stringify({next: dv.nextElementSibling.dataset.seq || '', text: dv.textContent, Offset: dv.getBoundingClientRect().top - l.getBoundingClientRect().top,
			lastOut: last.getBoundingClientRect().top > l.getBoundingClientRect().bottom, page: se.scrollHeight > se.clientHeight + 1}); })(%s)`, doc))
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	if got.Next != fmt.Sprint(first) {
		t.Errorf("%s: the divider comes before message %s, want the first unread %d", where, got.Next, first)
	}
	if got.Text != text {
		t.Errorf("%s: the divider says %q, want %q", where, got.Text, text)
	}
	if got.Offset < -1 || got.Offset > 60 {
		t.Errorf("%s: the divider is %.0fpx below the pane's top, want it at the top (the conversation opens there)", where, got.Offset)
	}
	if !got.LastOut {
		t.Errorf("%s: opened at the bottom, want the first unread message (the newest is 30 messages further)", where)
	}
	if got.Page {
		t.Errorf("%s: the page scrolls", where)
	}
}

// TestLongConversation: a conversation of 60 messages in the app, at a
// desktop's and a phone's size: only the message pane scrolls, the header,
// the context panel and the composer stay in view, it opens at the newest
// message; scrolling up loads the older page without moving the view; a
// message while scrolled up shows the pill instead of moving the view; at
// the bottom the view follows; unread messages open at a divider.
func TestLongConversation(t *testing.T) {
	eachDB(t, testLongConversation)
}

func testLongConversation(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyerHTTP, sellerHTTP := session(t, s.URL, buyerEmail), session(t, s.URL, sellerEmail)
	for _, size := range []struct {
		name          string
		width, height int64
		phone         bool
		product       string
	}{{"desktop", 1280, 800, false, "oak-table"}, {"phone", 390, 844, true, "walnut-chair"}} {
		conv := seedLongChat(t, s.URL, buyerHTTP, sellerHTTP, size.product, 60)
		ctx := b.Context()
		viewport := chromedp.EmulateViewport(size.width, size.height)
		if size.phone {
			viewport = chromedp.EmulateViewport(size.width, size.height, chromedp.EmulateScale(2), chromedp.EmulateMobile)
		}
		bt.Do(t, ctx, size.name+" viewport", viewport)
		signIn(t, ctx, s.URL, buyerEmail)
		speakEnglish(t, ctx, s.URL) // Anna is Italian to the demo host
		bt.Do(t, ctx, size.name+": open the conversation", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="60"]`)))
		bt.Eval[bool](t, ctx, frames("document"))
		checkLayout(t, ctx, "document", size.name, true)
		if bt.Eval[bool](t, ctx, `!!document.querySelector('li.unread-divider')`) {
			t.Errorf("%s: an unread divider in a conversation read to the end", size.name)
		}
		screenshot(t, ctx, "long-conversation-"+size.name)
		scrollUpKeepsPlace(t, ctx, "document", size.name)
		shot := "long-conversation-pill"
		if size.phone {
			shot = ""
		}
		pillWhileScrolledUp(t, ctx, "document", size.name, s.URL, sellerHTTP, conv, shot)
		checkLayout(t, ctx, "document", size.name+" after the new messages", true)

		bt.Do(t, ctx, size.name+": the inbox", chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS("#conv-list li")))
		first := seedUnread(t, s.URL, buyerHTTP, sellerHTTP, conv, 30)
		bt.Do(t, ctx, size.name+": open it again", chromedp.Navigate(s.URL+"/app/c/"+conv), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`li.bubble[data-seq="%d"]`, first))))
		checkDivider(t, ctx, "document", size.name, first, "New messages")
		if size.phone {
			screenshot(t, ctx, "long-conversation-unread-phone")
		}
	}
}

// openShopChat signs Anna in at the shop on a product's page and opens the
// widget's chat about it.
func openShopChat(t *testing.T, ctx context.Context, base, product string) {
	t.Helper()
	shopSignIn(t, ctx, base, "Anna Bianchi", "/shop/p/"+product)
	widgetReady(t, ctx)
	bt.Do(t, ctx, "chat with the seller", chromedp.Click(chromedp.CSS(`a[data-parley*='"kind":"chat"']`)))
	bt.WaitJS(t, ctx, 10*time.Second, "the widget's conversation", inFrame(`!d.getElementById('frame-conv').hidden && d.getElementById('frame-status').hidden`))
}

// TestLongConversationInTheWidget is TestLongConversation in the widget of
// the demo shop, at a desktop's and a phone's size; the widget used to
// reopen a long conversation at its oldest message.
func TestLongConversationInTheWidget(t *testing.T) {
	eachDB(t, testLongConversationInTheWidget)
}

func testLongConversationInTheWidget(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyerHTTP, sellerHTTP := session(t, s.URL, buyerEmail), session(t, s.URL, sellerEmail)
	for _, size := range []struct {
		name          string
		width, height int64
		phone         bool
		product       string
	}{{"widget desktop", 1280, 800, false, "oak-table"}, {"widget phone", 390, 844, true, "walnut-chair"}} {
		conv := seedLongChat(t, s.URL, buyerHTTP, sellerHTTP, size.product, 60)
		ctx := b.Context()
		viewport := chromedp.EmulateViewport(size.width, size.height)
		if size.phone {
			viewport = chromedp.EmulateViewport(size.width, size.height, chromedp.EmulateScale(2), chromedp.EmulateMobile)
		}
		bt.Do(t, ctx, size.name+" viewport", viewport)
		openShopChat(t, ctx, s.URL, size.product)
		bt.WaitJS(t, ctx, 10*time.Second, size.name+": the long conversation", inFrame(`d.querySelector('li.bubble[data-seq="60"]')`))
		bt.Eval[bool](t, ctx, frames(frameDoc))
		checkLayout(t, ctx, frameDoc, size.name, false)
		if size.phone {
			screenshot(t, ctx, "long-conversation-widget-phone")
		}
		scrollUpKeepsPlace(t, ctx, frameDoc, size.name)
		pillWhileScrolledUp(t, ctx, frameDoc, size.name, s.URL, sellerHTTP, conv, "")

		// Back to the list; the seller writes; the conversation opens again
		// at the first unread message.
		bt.Eval[bool](t, ctx, frameDoc+`.getElementById('frame-back').click() || true`)
		bt.WaitJS(t, ctx, 5*time.Second, size.name+": the list", inFrame(`!d.getElementById('conv-list').hidden`))
		first := seedUnread(t, s.URL, buyerHTTP, sellerHTTP, conv, 30)
		open := fmt.Sprintf(`#conv-list li.unread a[data-conversation="%s"]`, conv)
		bt.WaitJS(t, ctx, 10*time.Second, size.name+": the unread conversation in the list", inFrame(fmt.Sprintf(`d.querySelector('%s')`, open)))
		bt.Eval[bool](t, ctx, frameDoc+fmt.Sprintf(`.querySelector('%s').click() || true`, open))
		bt.WaitJS(t, ctx, 10*time.Second, size.name+": the conversation again", inFrame(fmt.Sprintf(`d.querySelector('li.bubble[data-seq="%d"]')`, first)))
		checkDivider(t, ctx, frameDoc, size.name, first, "Nuovi messaggi")
	}
}

// attachInFrame picks a small PNG in the widget's composer, as a person
// picking a file does, and waits for its upload.
func attachInFrame(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	bt.Eval[bool](t, ctx, fmt.Sprintf(`(async d => {
		const c = d.createElement('canvas'); c.width = 32; c.height = 24;
		const g = c.getContext('2d'); g.fillStyle = '#8a5a2b'; g.fillRect(0, 0, 32, 24);
		const blob = await new Promise(r => c.toBlob(r, 'image/png'));
		const dt = new DataTransfer(); dt.items.add(new File([blob], %q, {type: 'image/png'}));
		const input = d.getElementById('file'); input.files = dt.files;
		input.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})(%s)`, name, frameDoc))
	bt.WaitJS(t, ctx, 10*time.Second, "the upload of "+name, inFrame(`d.querySelector('#uploads li[data-state="done"]')`))
}

// TestFirstMessageWithFiles: the first message of a new chat or ticket in
// the widget sends its file, with or without text (the widget used to drop
// the file, and a message of a file alone could not be sent).
func TestFirstMessageWithFiles(t *testing.T) {
	eachDB(t, testFirstMessageWithFiles)
}

func testFirstMessageWithFiles(t *testing.T, postgres bool) {
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyerHTTP := session(t, s.URL, buyerEmail)
	for _, c := range []struct {
		name, page, kind, text, file string
		context                      func(ctx map[string]any) bool
	}{
		{"ChatFileOnly", "/shop/p/oak-table", "chat", "", "table-corner.png", func(x map[string]any) bool { return x["product"] == "oak-table" }},
		{"ChatFileAndText", "/shop/p/walnut-chair", "chat", "Is this scratch covered?", "chair-leg.png", func(x map[string]any) bool { return x["product"] == "walnut-chair" }},
		{"TicketFileOnly", "/shop/orders/ORD-1001", "ticket", "", "wobbly-chair.png", func(x map[string]any) bool { return x["order"] == "ORD-1001" }},
		{"TicketFileAndText", "/shop/orders/ORD-1003", "ticket", "The vase arrived cracked.", "cracked-vase.png", func(x map[string]any) bool { return x["order"] == "ORD-1003" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := b.Context()
			shopSignIn(t, ctx, s.URL, "Anna Bianchi", c.page)
			widgetReady(t, ctx)
			bt.Do(t, ctx, "open the widget", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[data-parley*='"kind":"%s"']`, c.kind))))
			bt.WaitJS(t, ctx, 10*time.Second, "the new conversation's composer", inFrame(`!d.getElementById('frame-conv').hidden && d.getElementById('frame-status').hidden && d.querySelectorAll('li.bubble').length === 0`))
			attachInFrame(t, ctx, c.file)
			if c.text != "" {
				frameWrite(t, ctx, c.text)
			} else {
				bt.Eval[bool](t, ctx, frameDoc+`.getElementById('send').click() || true`)
			}
			bt.WaitJS(t, ctx, 10*time.Second, "the started conversation with the file", inFrame(`d.querySelector('li.bubble.mine[data-seq="1"] img.preview')`))
			if bt.Eval[int](t, ctx, frameDoc+`.querySelectorAll('#uploads li').length`) != 0 {
				t.Error("the composer still shows the file after sending it")
			}

			var list struct {
				Items []struct {
					ID      string         `json:"id"`
					Context map[string]any `json:"context"`
				} `json:"items"`
			}
			apiDo(t, buyerHTTP, "GET", s.URL+"/api/v1/conversations?kind="+c.kind, nil, http.StatusOK, &list)
			conv := ""
			for _, it := range list.Items {
				if c.context(it.Context) {
					conv = it.ID
				}
			}
			if conv == "" {
				t.Fatalf("no %s conversation with the context of %s: %+v", c.kind, c.page, list.Items)
			}
			var msgs struct {
				Items []struct {
					Body        string `json:"body"`
					Attachments []struct {
						Name        string `json:"name"`
						ContentType string `json:"content_type"`
					} `json:"attachments"`
				} `json:"items"`
			}
			apiDo(t, buyerHTTP, "GET", s.URL+"/api/v1/conversations/"+conv+"/messages", nil, http.StatusOK, &msgs)
			if len(msgs.Items) == 0 {
				t.Fatal("no messages")
			}
			m := msgs.Items[0]
			if m.Body != c.text {
				t.Errorf("first message's body = %q, want %q", m.Body, c.text)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].Name != c.file || m.Attachments[0].ContentType != "image/png" {
				t.Errorf("first message's attachments = %+v, want %s (image/png)", m.Attachments, c.file)
			}
		})
	}
}
