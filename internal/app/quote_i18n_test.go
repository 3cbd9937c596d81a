package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// formIn reads a product's quote form as a browser would: the session,
// the pages' language cookie, Accept-Language.
func (e *env) formIn(t *testing.T, token, product, cookie, accept string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/products/"+product+"/quote-form", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "parley_lang", Value: cookie})
	}
	if accept != "" {
		req.Header.Set("Accept-Language", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var m map[string]any
	if res.StatusCode != 200 || json.Unmarshal(body, &m) != nil {
		t.Fatalf("quote form = %d %s", res.StatusCode, body)
	}
	return m
}

// TestQuoteFormLanguages: the host sends a form with translations; the
// buyer reads it in their setting's language, else the pages' cookie's,
// else Accept-Language's, else the form's own; answers are the options
// as the form's own language writes them; the seller reads the request in
// theirs; bad translations are 422s naming their fields.
func TestQuoteFormLanguages(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		e.must(201, "PUT", "/api/v1/host/products/svc", testAPIKey, map[string]any{"seller": "acme", "kind": "service", "title": "Workshop repair",
			"category": []string{"Services"}, "price": map[string]string{"amount": "40.00", "currency": "EUR", "unit": "hour"}})
		e.must(201, "PUT", "/api/v1/host/products/svc/quote-form", testAPIKey, map[string]any{"locale": "en", "steps": []map[string]any{
			{"title": "The job", "translations": map[string]any{"it": map[string]string{"title": "Il lavoro"}, "sr-Latn": map[string]string{"title": "Posao"}},
				"fields": []map[string]any{{"name": "tool", "type": "select", "label": "Tool", "required": true, "options": []string{"Drill", "Saw"}, "help": "The broken one.",
					"translations": map[string]any{
						"it":      map[string]any{"label": "Attrezzo", "help": "Quello rotto.", "options": []string{"Trapano", "Sega"}},
						"sr-Latn": map[string]any{"label": "Alat", "options": []string{"Bušilica", "Testera"}}}}}},
		}})

		type want struct{ locale, title, label, help, option string }
		check := func(t *testing.T, f map[string]any, w want) {
			t.Helper()
			st := f["steps"].([]any)[0].(map[string]any)
			fd := st["fields"].([]any)[0].(map[string]any)
			var option string
			if ls, ok := fd["option_labels"].([]any); ok {
				option = ls[0].(string)
			}
			got := want{f["locale"].(string), st["title"].(string), fd["label"].(string), fd["help"].(string), option}
			if got != w {
				t.Errorf("form = %+v, want %+v", got, w)
			}
			if opts := fd["options"].([]any); len(opts) != 2 || opts[0] != "Drill" {
				t.Errorf("options = %v, want the answers Drill and Saw", opts)
			}
			if st["translations"] != nil || fd["translations"] != nil {
				t.Errorf("the reader's form carries the host's translations: %v", st)
			}
		}
		english := want{"en", "The job", "Tool", "The broken one.", ""}
		italian := want{"it", "Il lavoro", "Attrezzo", "Quello rotto.", "Trapano"}
		serbian := want{"sr-Latn", "Posao", "Alat", "The broken one.", "Bušilica"}
		check(t, e.formIn(t, w.buyer, "svc", "", ""), english)
		check(t, e.formIn(t, w.buyer, "svc", "", "de-DE, it;q=0.8, en;q=0.5"), italian)
		check(t, e.formIn(t, w.buyer, "svc", "sr", "it"), serbian)
		e.must(200, "PATCH", "/api/v1/me/settings", w.buyer, map[string]any{"locale": "it"})
		check(t, e.formIn(t, w.buyer, "svc", "sr", "en"), italian)

		if r := e.call("POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "quote", "product": "svc", "form": map[string]any{"tool": "Trapano"},
			"message": msg("qi-0", "Rotto")}); r.Status != 422 || !strings.Contains(string(r.Body), `"form.tool"`) {
			t.Errorf("a label as the answer = %d %s, want 422 form.tool", r.Status, r.Body)
		}
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "quote", "product": "svc", "form": map[string]any{"tool": "Drill"},
			"message": msg("qi-1", "Rotto")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		e.must(200, "PATCH", "/api/v1/me/settings", w.owner, map[string]any{"locale": "sr"})
		req := e.must(200, "GET", "/api/v1/conversations/"+conv+"/quote", w.owner, nil)
		check(t, map[string]any{"locale": req["locale"], "steps": req["steps"]}, serbian)
		if req["answers"].(map[string]any)["tool"] != "Drill" {
			t.Errorf("answers = %v, want tool Drill", req["answers"])
		}

		r := e.call("PUT", "/api/v1/host/quote-forms/services", testAPIKey, map[string]any{"locale": "english", "steps": []map[string]any{
			{"title": "X", "translations": map[string]any{"??": map[string]string{"title": "Y"}}, "fields": []map[string]any{
				{"name": "tool", "type": "select", "label": "Tool", "options": []string{"A", "B"}, "translations": map[string]any{"it": map[string]any{"options": []string{"A"}}}}}}}})
		var p struct {
			Errors []struct{ Field string }
		}
		json.Unmarshal(r.Body, &p)
		var fields []string
		for _, fe := range p.Errors {
			fields = append(fields, fe.Field)
		}
		if r.Status != 422 || !slices.Equal(fields, []string{"steps[0].translations", "steps[0].fields[0].translations.it.options", "locale"}) {
			t.Errorf("bad translations = %d %s", r.Status, r.Body)
		}
	})
}
