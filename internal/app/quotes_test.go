package app_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/shop"
)

var linkRE = regexp.MustCompile(`http://parley\.test(/q/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)`)

// hookSink is a host's webhook endpoint that checks signatures.
type hookSink struct {
	mu     sync.Mutex
	secret string
	got    []string // bodies with a valid signature
	bad    int
}

func (h *hookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := shop.VerifySignature(h.secret, r.Header.Get("Parley-Signature"), body, time.Now()); err != nil {
		h.bad++
		http.Error(w, err.Error(), 400)
		return
	}
	h.got = append(h.got, string(body))
}

func (h *hookSink) bodies() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.got...)
}

// browser is a cookie session on the web pages, signed in as a host user.
func (e *env) browser(t *testing.T, sub string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	u, _ := url.Parse(e.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "parley_session", Value: e.signIn(sub), Path: "/"}})
	return c
}

func linkPage(t *testing.T, c *http.Client, method, u string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	if method == http.MethodPost {
		req.Header.Set("Origin", u[:strings.Index(u[8:], "/")+8])
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// TestQuoteFlow walks a quote through the API and the signed link: the
// host sets a form and pricing, the buyer asks with answers, the seller
// prices it twice, the buyer gets both mails, the old link is expired,
// a tampered one invalid, another user's not found, and confirming the
// current one accepts it, sends the host a signed quote.accepted and leads
// to the cart.
func TestQuoteFlow(t *testing.T) {
	eachDBWith(t, allowInternal, func(t *testing.T, e *env) {
		w := e.seed()
		sink := &hookSink{}
		hooks := httptest.NewServer(sink)
		defer hooks.Close()
		hook := e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": hooks.URL, "events": []string{"quote.accepted"}})
		sink.mu.Lock()
		sink.secret = hook["secret"].(string)
		sink.mu.Unlock()
		e.must(201, "PUT", "/api/v1/host/products/svc", testAPIKey, map[string]any{"seller": "acme", "kind": "service", "title": "Workshop repair",
			"category": []string{"Services", "Repairs"}, "price": map[string]string{"amount": "40.00", "currency": "EUR", "unit": "hour"}})
		form := map[string]any{"steps": []map[string]any{
			{"title": "The job", "fields": []map[string]any{{"name": "tool", "type": "select", "label": "Tool", "required": true, "options": []string{"Drill", "Saw"}}}},
			{"title": "When", "fields": []map[string]any{{"name": "by", "type": "date", "label": "Needed by"}, {"name": "pickup", "type": "boolean", "label": "Pick-up"}}},
		}}
		e.must(201, "PUT", "/api/v1/host/quote-forms/services", testAPIKey, form)
		e.must(200, "PUT", "/api/v1/host/quote-forms/services", testAPIKey, form)
		if r := e.call("PUT", "/api/v1/host/quote-forms/services", testAPIKey, map[string]any{"steps": []map[string]any{{"title": "", "fields": []any{}}}}); r.Status != 422 || r.code() != "validation_failed" {
			t.Errorf("bad form = %d %s", r.Status, r.Body)
		}
		e.must(201, "PUT", "/api/v1/host/quote-settings", testAPIKey, map[string]any{"cart_url": "https://shop.example/cart",
			"parameters": []map[string]string{{"name": "urgent", "label": "Urgent", "kind": "percent", "value": "20"}, {"name": "travel", "label": "Travel", "kind": "fixed", "value": "35.00"}}})
		if r := e.call("PUT", "/api/v1/host/quote-settings", testAPIKey, map[string]any{"parameters": []map[string]string{{"name": "x", "label": "X", "kind": "ratio", "value": "2"}}}); r.Status != 422 {
			t.Errorf("bad parameter = %d %s", r.Status, r.Body)
		}

		f := e.must(200, "GET", "/api/v1/products/svc/quote-form", w.buyer, nil)
		if steps := f["steps"].([]any); len(steps) != 2 || f["pricing"] != nil {
			t.Errorf("buyer's form = %v", f)
		}
		if f := e.must(200, "GET", "/api/v1/products/svc/quote-form", w.owner, nil); f["pricing"].(map[string]any)["input"] != "hours" {
			t.Errorf("seller's form = %v", f)
		}
		if r := e.call("POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "quote", "product": "svc", "form": map[string]any{"tool": "Hammer"},
			"message": msg("qf-0", "Fix it")}); r.Status != 422 || !strings.Contains(string(r.Body), `"form.tool"`) {
			t.Errorf("bad answers = %d %s", r.Status, r.Body)
		}
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "quote", "product": "svc",
			"form": map[string]any{"tool": "Drill", "by": "2030-01-15", "pickup": true}, "message": msg("qf-1", "The chuck is stuck")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		req := e.must(200, "GET", "/api/v1/conversations/"+conv+"/quote", w.owner, nil)
		if a := req["answers"].(map[string]any); a["tool"] != "Drill" || a["pickup"] != true || req["pricing"] == nil {
			t.Errorf("seller's view of the request = %v", req)
		}
		if r := e.call("POST", "/api/v1/conversations/"+conv+"/quotes", w.buyer, map[string]any{"inputs": map[string]any{"hours": 1}}); r.Status != 403 || r.code() != "forbidden" {
			t.Errorf("buyer pricing = %d %s", r.Status, r.Body)
		}
		if r := e.call("POST", "/api/v1/conversations/"+conv+"/quotes", w.owner, map[string]any{"inputs": map[string]any{"hours": -1}}); r.Status != 422 {
			t.Errorf("negative hours = %d %s", r.Status, r.Body)
		}
		// The preview prices as the offer will, and stores nothing.
		pv := e.must(200, "POST", "/api/v1/conversations/"+conv+"/quotes/preview", w.owner, map[string]any{"inputs": map[string]any{"hours": 6}, "parameters": []string{"urgent", "travel"}})
		if pv["total"].(map[string]any)["amount"] != "323.00" || len(pv["adjustments"].([]any)) != 2 || pv["lines"].([]any)[0].(map[string]any)["amount"] != "240.00" {
			t.Errorf("preview = %v", pv)
		}
		if r := e.call("POST", "/api/v1/conversations/"+conv+"/quotes/preview", w.owner, map[string]any{"inputs": map[string]any{"hours": 0}}); r.Status != 422 || !strings.Contains(string(r.Body), `"inputs.hours"`) {
			t.Errorf("preview of 0 hours = %d %s", r.Status, r.Body)
		}
		if r := e.call("POST", "/api/v1/conversations/"+conv+"/quotes/preview", w.buyer, map[string]any{"inputs": map[string]any{"hours": 1}}); r.Status != 403 {
			t.Errorf("buyer's preview = %d %s", r.Status, r.Body)
		}
		if qs := e.must(200, "GET", "/api/v1/conversations/"+conv+"/quote", w.owner, nil)["quotes"].([]any); len(qs) != 0 {
			t.Errorf("quotes after previews = %v, want none", qs)
		}
		q1 := e.must(201, "POST", "/api/v1/conversations/"+conv+"/quotes", w.owner, map[string]any{"inputs": map[string]any{"hours": 6}, "parameters": []string{"urgent", "travel"}})
		if q1["total"].(map[string]any)["amount"] != "323.00" || num(q1["version"]) != 1 || q1["state"] != "offered" {
			t.Errorf("offer = %v", q1)
		}
		id := q1["id"].(string)
		mail1 := e.waitMail(t, "buyer@example.com", "Your quote from Acme Tools")
		q2 := e.must(201, "POST", "/api/v1/conversations/"+conv+"/quotes", w.manager, map[string]any{"inputs": map[string]any{"hours": 5}, "note": "Five will do"})
		if q2["id"] != id || num(q2["version"]) != 2 || q2["total"].(map[string]any)["amount"] != "200.00" {
			t.Errorf("second offer = %v", q2)
		}
		g := e.must(200, "GET", "/api/v1/quotes/"+id, w.buyer, nil)
		if vs := g["versions"].([]any); len(vs) != 2 || vs[1].(map[string]any)["state"] != "superseded" {
			t.Errorf("versions = %v", g["versions"])
		}
		var link1, link2 string
		if m := linkRE.FindStringSubmatch(mail1.Text); m != nil {
			link1 = m[1]
		}
		waitFor(t, "the second offer's mail", func() bool {
			for _, m := range e.mails(t) {
				if s := linkRE.FindStringSubmatch(m.Text); s != nil && s[1] != link1 && strings.Contains(m.Text, "200.00") {
					link2 = s[1]
					return true
				}
			}
			return false
		})
		if link1 == "" || !strings.Contains(mail1.Text, "323.00") {
			t.Fatalf("first mail has no link or total: %s", mail1.Text)
		}
		buyer := e.browser(t, "buyer")
		// Signed out: sign in, then back.
		if code, loc, _ := linkPage(t, &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, "GET", e.srv.URL+link2); code != 303 || !strings.HasPrefix(loc, "/login?next=%2Fq%2F") {
			t.Errorf("signed-out link = %d %s", code, loc)
		}
		if code, _, body := linkPage(t, buyer, "GET", e.srv.URL+link1); code != 410 || !strings.Contains(body, `data-code="expired"`) {
			t.Errorf("superseded link = %d", code)
		}
		tampered := link2[:len(link2)-3] + "AAA"
		if code, _, body := linkPage(t, buyer, "GET", e.srv.URL+tampered); code != 400 || !strings.Contains(body, `data-code="invalid_signature"`) {
			t.Errorf("tampered link = %d", code)
		}
		if code, _, _ := linkPage(t, e.browser(t, "stranger"), "POST", e.srv.URL+link2); code != 404 {
			t.Errorf("another user's link = %d, want 404", code)
		}
		code, _, body := linkPage(t, buyer, "GET", e.srv.URL+link2)
		if code != 200 || !strings.Contains(body, "200.00 EUR") || !strings.Contains(body, "Five will do") {
			t.Errorf("link page = %d %s", code, body)
		}
		if g := e.must(200, "GET", "/api/v1/quotes/"+id, w.buyer, nil); g["state"] != "offered" {
			t.Errorf("opening the link changed the quote: %v", g["state"])
		}
		if code, loc, _ := linkPage(t, buyer, "POST", e.srv.URL+link2); code != 303 || loc != "https://shop.example/cart" {
			t.Errorf("confirm = %d %s, want 303 to the cart", code, loc)
		}
		if g := e.must(200, "GET", "/api/v1/quotes/"+id, w.owner, nil); g["state"] != "accepted" {
			t.Errorf("state after confirming = %v", g["state"])
		}
		waitFor(t, "the quote.accepted webhook", func() bool { return len(sink.bodies()) == 1 })
		if b := sink.bodies()[0]; !strings.Contains(b, `"type":"quote.accepted"`) || !strings.Contains(b, `"product":"svc"`) ||
			!strings.Contains(b, `"quantity":5`) || !strings.Contains(b, `"amount":"200.00"`) || !strings.Contains(b, `"buyer":"buyer"`) {
			t.Errorf("webhook = %s", b)
		}
		if r := e.call("POST", "/api/v1/quotes/"+id+"/decline", w.buyer, nil); r.Status != 409 {
			t.Errorf("decline after accept = %d %s", r.Status, r.Body)
		}
		if r := e.call("POST", "/api/v1/quotes/"+id+"/accept", w.buyer, map[string]any{"version": 1}); r.Status != 410 || r.code() != "expired" {
			t.Errorf("accepting version 1 = %d %s", r.Status, r.Body)
		}
		// The thread holds the offers and the acceptance as quote messages.
		msgs := e.must(200, "GET", "/api/v1/conversations/"+conv+"/messages", w.buyer, nil)["items"].([]any)
		var kinds []string
		for _, m := range msgs {
			kinds = append(kinds, m.(map[string]any)["kind"].(string))
		}
		if strings.Join(kinds, ",") != "text,quote,quote,quote" {
			t.Errorf("kinds = %v", kinds)
		}
	})
}

// TestDemoQuote runs a quote through the demo shop: the shop's seeded form
// for interior design, the seller's price with a parameter, the buyer's
// mailed link confirmed in a browser session, and the shop's cart holding
// the service at the quoted price after the signed webhook.
func TestDemoQuote(t *testing.T) {
	eachDemoDB(t, func(t *testing.T, d *demoEnv) {
		anna, nikos := d.login("anna@demo.parley"), d.login("nikos@demo.parley")
		f := d.must(200, "GET", "/api/v1/products/interior-design/quote-form", anna, nil)
		if steps, _ := f["steps"].([]any); len(steps) != 2 || steps[0].(map[string]any)["title"] != "The space" {
			t.Fatalf("interior design's form = %v", f)
		}
		st := d.must(201, "POST", "/api/v1/conversations", anna, map[string]any{"kind": "quote", "product": "interior-design",
			"form": map[string]any{"rooms": 3, "style": "Modern", "site_visit": true}, "message": msg("demo-q-1", "A flat in Kifisia")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		q := d.must(201, "POST", "/api/v1/conversations/"+conv+"/quotes", nikos, map[string]any{"inputs": map[string]any{"hours": 10}, "parameters": []string{"travel"}})
		if q["total"].(map[string]any)["amount"] != "435.00" {
			t.Fatalf("offer = %v", q)
		}
		var link string
		waitFor(t, "the offer's mail to Anna", func() bool {
			for _, m := range d.mails(t) {
				if s := linkRE.FindStringSubmatch(m.Text); s != nil && len(m.To) > 0 && m.To[0] == "anna@demo.parley" {
					link = s[1]
					return true
				}
			}
			return false
		})
		s := d.shopper()
		s.signIn("anna@demo.parley")
		p := s.post("/login", url.Values{"email": {"anna@demo.parley"}, "password": {"parley-demo"}, "next": {link}})
		if p.Status != 200 || p.URL.Path != link || !strings.Contains(p.Body, "435.00 EUR") {
			t.Fatalf("link after sign-in = %d at %s", p.Status, p.URL)
		}
		s.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		req, _ := http.NewRequest("POST", s.base+link, nil)
		res, err := s.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != 303 || !strings.HasSuffix(loc, "/shop/cart") {
			t.Fatalf("confirm = %d %s, want 303 to the shop's cart", res.StatusCode, loc)
		}
		s.c.CheckRedirect = nil
		waitFor(t, "the quoted line in Anna's cart", func() bool {
			return strings.Contains(s.get("/shop/cart").Body, "435.00")
		})
	})
}
