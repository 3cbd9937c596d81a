package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/store"
)

// pageIn gets a web page in a cookie session (no Accept-Language, no
// language cookie: only the user's own setting and host locale decide).
func pageIn(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	code, _, body := linkPage(t, c, "GET", u)
	if code != 200 {
		t.Fatalf("GET %s = %d", u, code)
	}
	return body
}

// i18nText is a server-made text as the API shows it.
func i18nText(t *testing.T, v any) (code, text string, params map[string]any) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("no code and params in %v", v)
	}
	params, _ = m["params"].(map[string]any)
	code, _ = m["code"].(string)
	text, _ = m["text"].(string)
	return code, text, params
}

// TestServerTextsInReaderLanguage: a ticket's subject and a system message
// are stored as meaning (a code with parameters) and every reader gets
// them in their own language: the API's text (the buyer's host locale
// it, the owner's setting el, the manager's host locale sr-Latn), the
// mail and the page, whose <html lang> follows the host locale too.
func TestServerTextsInReaderLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		e.must(200, "PUT", "/api/v1/host/users/buyer", testAPIKey, map[string]any{"email": "buyer@example.com", "name": "Buyer", "locale": "it-IT"})
		e.must(200, "PUT", "/api/v1/host/users/manager", testAPIKey, map[string]any{"email": "manager@example.com", "name": "Manager", "locale": "sr-Latn"})
		e.must(200, "PATCH", "/api/v1/me/settings", w.owner, map[string]any{"locale": "el"})

		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-1", "Il trapano non va")})
		id := st["conversation"].(map[string]any)["id"].(string)

		// Stored: the English words for search and old clients, and the code.
		cid, _ := conversation.ParseID(id)
		row, err := store.ConversationByID(e.app.DB.Reader(context.Background()), cid)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"code":"ticket.order","params":{"order":"ORD-77"}}`; row.SubjectCode != want || row.Subject != "Order ORD-77" {
			t.Errorf("stored subject = %q, code %s; want \"Order ORD-77\", %s", row.Subject, row.SubjectCode, want)
		}

		for _, c := range []struct{ who, token, want string }{
			{"buyer (it)", w.buyer, "Ordine ORD-77"},
			{"owner (el)", w.owner, "Παραγγελία ORD-77"},
			{"manager (sr-Latn)", w.manager, "Porudžbina ORD-77"},
		} {
			got := e.must(200, "GET", "/api/v1/conversations/"+id, c.token, nil)
			code, text, params := i18nText(t, got["subject_i18n"])
			if code != "ticket.order" || params["order"] != "ORD-77" || text != c.want || got["subject"] != "Order ORD-77" {
				t.Errorf("%s: subject %q, subject_i18n %s %v %q; want text %q", c.who, got["subject"], code, params, text, c.want)
			}
			list := e.must(200, "GET", "/api/v1/conversations?kind=ticket", c.token, nil)["items"].([]any)
			if _, text, _ := i18nText(t, list[0].(map[string]any)["subject_i18n"]); text != c.want {
				t.Errorf("%s: listed subject %q, want %q", c.who, text, c.want)
			}
		}

		// The owner completes the ticket: a system message, said per reader.
		e.must(200, "PATCH", "/api/v1/conversations/"+id, w.owner, map[string]any{"status": "closed"})
		for _, c := range []struct{ who, token, want string }{
			{"buyer (it)", w.buyer, "Owner ha completato la conversazione."},
			{"owner (el)", w.owner, "Owner: ολοκλήρωση της συνομιλίας."},
			{"manager (sr-Latn)", w.manager, "Owner: razgovor je završen."},
		} {
			items := e.must(200, "GET", "/api/v1/conversations/"+id+"/messages", c.token, nil)["items"].([]any)
			last := items[len(items)-1].(map[string]any)
			code, text, params := i18nText(t, last["body_i18n"])
			if code != "ticket.completed" || params["by"] != "Owner" || text != c.want {
				t.Errorf("%s: system message %s %v %q, want %q", c.who, code, params, text, c.want)
			}
		}

		// Mails: the owner's new-conversation mail names the ticket in Greek.
		e.waitMail(t, "owner@example.com", "Νέα συνομιλία: Buyer — Παραγγελία ORD-77")

		// Pages: the buyer's app is Italian by the host's locale alone, its
		// title the subject in Italian; the manager's Serbian.
		body := pageIn(t, e.browser(t, "buyer"), e.srv.URL+"/app/c/"+id)
		if langOf(t, body) != "it" || !strings.Contains(body, "<title>Ordine ORD-77") {
			t.Errorf("buyer's page: lang %q, title %q", langOf(t, body), titleOf(body))
		}
		body = pageIn(t, e.browser(t, "manager"), e.srv.URL+"/app/c/"+id)
		if langOf(t, body) != "sr" || !strings.Contains(body, "<title>Porudžbina ORD-77") || !strings.Contains(body, `"intl":"sr-Latn"`) {
			t.Errorf("manager's page: lang %q, title %q", langOf(t, body), titleOf(body))
		}
	})
}

func titleOf(page string) string {
	i, j := strings.Index(page, "<title>"), strings.Index(page, "</title>")
	if i < 0 || j < i {
		return ""
	}
	return page[i+7 : j]
}

// TestQuoteTextsInReaderLanguage: a quote priced by the hour reads "6 ore
// × 40.00 EUR" for an Italian buyer (host locale) in the mail and on the
// signed link's page, with the host's translated parameter ("Urgente"),
// which the seller reads in Greek; the offer's message says itself in
// Italian.
func TestQuoteTextsInReaderLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		e.must(200, "PUT", "/api/v1/host/users/buyer", testAPIKey, map[string]any{"email": "buyer@example.com", "name": "Buyer", "locale": "it"})
		e.must(201, "PUT", "/api/v1/host/products/svc", testAPIKey, map[string]any{"seller": "acme", "kind": "service", "title": "Workshop repair",
			"category": []string{"Services", "Repairs"}, "price": map[string]string{"amount": "40.00", "currency": "EUR", "unit": "hour"},
			"category_translations": map[string]any{"it": []string{"Servizi", "Riparazioni"}, "sr-Latn": []string{"Usluge", "Popravke"}}})
		// The category path in the reader's language; the path itself stays.
		if pr := e.must(200, "GET", "/api/v1/products/svc", w.buyer, nil); fmt.Sprint(pr["category_text"]) != "[Servizi Riparazioni]" || fmt.Sprint(pr["category"]) != "[Services Repairs]" {
			t.Errorf("the Italian buyer's product: category %v, category_text %v", pr["category"], pr["category_text"])
		}
		if r := e.call("PUT", "/api/v1/host/products/svc", testAPIKey, map[string]any{"seller": "acme", "title": "Workshop repair", "category": []string{"Services", "Repairs"},
			"category_translations": map[string]any{"it": []string{"Servizi"}}}); r.Status != 422 || !strings.Contains(string(r.Body), `"category_translations.it"`) {
			t.Errorf("a translated path of another length = %d %s", r.Status, r.Body)
		}
		// The host translates its pricing parameters as it translates forms.
		e.must(201, "PUT", "/api/v1/host/quote-settings", testAPIKey, map[string]any{"parameters": []map[string]any{{"name": "urgent", "label": "Urgent", "kind": "percent", "value": "10",
			"translations": map[string]any{"it": map[string]string{"label": "Urgente"}, "el-GR": map[string]string{"label": "Επείγον"}}}}})
		if r := e.call("PUT", "/api/v1/host/quote-settings", testAPIKey, map[string]any{"parameters": []map[string]any{{"name": "urgent", "label": "Urgent", "kind": "percent", "value": "10",
			"translations": map[string]any{"not a tag!": map[string]string{"label": "?"}, "it": map[string]string{"label": strings.Repeat("x", 101)}}}}}); r.Status != 422 ||
			!strings.Contains(string(r.Body), `"parameters[0].translations"`) || !strings.Contains(string(r.Body), `"parameters[0].translations.it.label"`) {
			t.Errorf("bad parameter translations = %d %s", r.Status, r.Body)
		}
		e.must(200, "PATCH", "/api/v1/me/settings", w.owner, map[string]any{"locale": "el"})
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "quote", "product": "svc", "message": msg("q-1", "Quanto costa?")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/quotes", w.owner, map[string]any{"inputs": map[string]any{"hours": 6}, "parameters": []string{"urgent"}})
		// The seller reads the parameter and the offer's adjustment in Greek.
		req := e.must(200, "GET", "/api/v1/conversations/"+conv+"/quote", w.owner, nil)
		param := req["pricing"].(map[string]any)["parameters"].([]any)[0].(map[string]any)
		adj := req["quotes"].([]any)[0].(map[string]any)["adjustments"].([]any)[0].(map[string]any)
		if param["label"] != "Επείγον" || adj["label"] != "Επείγον" {
			t.Errorf("the seller's parameter %v and adjustment %v, want the Greek label", param, adj)
		}

		m := e.waitMail(t, "buyer@example.com", "Il tuo preventivo da Acme Tools")
		if !strings.Contains(m.Text, "6 ore × 40.00 EUR = 240.00 EUR") || !strings.Contains(m.Text, "Urgente: 24.00 EUR") {
			t.Errorf("Italian quote mail = %q, want the line in Italian", m.Text)
		}
		link := linkRE.FindStringSubmatch(m.Text)
		if link == nil {
			t.Fatalf("no link in %q", m.Text)
		}
		body := pageIn(t, e.browser(t, "buyer"), e.srv.URL+link[1])
		if langOf(t, body) != "it" || !strings.Contains(body, "6 ore × 40.00 EUR") || !strings.Contains(body, "<td>Urgente</td>") || strings.Contains(body, "6 hour") {
			t.Errorf("link page: lang %q, body %.2000s", langOf(t, body), body)
		}
		items := e.must(200, "GET", "/api/v1/conversations/"+conv+"/messages", w.buyer, nil)["items"].([]any)
		code, text, _ := i18nText(t, items[len(items)-1].(map[string]any)["body_i18n"])
		if code != "quote.offered" || text != "Preventivo offerto: 264.00 EUR" {
			t.Errorf("offer message = %s %q", code, text)
		}
	})
}
