package app_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestParty: each party of a conversation gets the other's profile card
// (GET …/party): the buyer the seller's products and median first-response
// time, the seller the buyer's record with it and no email; others get
// not found.
func TestParty(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		conv := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("c-1", "hello")})["conversation"].(map[string]any)["id"].(string)
		path := "/api/v1/conversations/" + conv + "/party"

		s := e.must(200, "GET", path, w.buyer, nil)
		if s["kind"] != "seller" || s["name"] != "Acme Tools" || num(s["products"]) != 1 {
			t.Errorf("seller card = %v", s)
		}
		if _, ok := s["response_time_seconds"]; ok {
			t.Errorf("response time before any answer = %v, want none", s["response_time_seconds"])
		}
		if _, ok := s["rating"]; ok {
			t.Errorf("a rating the host never gave: %v", s)
		}
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.manager, msg("s-1", "hi!"))
		s = e.must(200, "GET", path, w.buyer, nil)
		if rt, ok := s["response_time_seconds"]; !ok || num(rt) < 0 || num(rt) > 60 {
			t.Errorf("response time after an answer = %v (present %v), want 0–60 s", rt, ok)
		}

		for who, tok := range map[string]string{"owner": w.owner, "manager": w.manager, "operator": e.operator("default", "ops@example.com")()} {
			b := e.must(200, "GET", path, tok, nil)
			if b["kind"] != "buyer" || b["name"] != "Buyer" || num(b["orders"]) != 1 || num(b["conversations"]) != 1 || b["member_since"] == nil {
				t.Errorf("%s: buyer card = %v", who, b)
			}
			if _, ok := b["email"]; ok {
				t.Errorf("%s: the buyer's email is shown by default: %v", who, b["email"])
			}
		}
		for who, tok := range map[string]string{"stranger": w.stranger, "other company": w.foreign} {
			if r := e.call("GET", path, tok, nil); r.Status != 404 {
				t.Errorf("%s: party = %d %s, want 404", who, r.Status, r.Body)
			}
		}
		// The buyer's email is not searchable by the seller.
		if items := e.must(200, "GET", "/api/v1/conversations?q=example.com", w.owner, nil)["items"].([]any); len(items) != 0 {
			t.Errorf("search by the buyer's email found %d conversations, want none", len(items))
		}
	})
}

// TestPartyShareBuyerEmail: a marketplace that shares buyers' emails shows
// the email on the buyer's card and lets sellers search by it.
func TestPartyShareBuyerEmail(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			url := ""
			if d == store.Postgres {
				url = storetest.NewSchema(t)
			}
			e := startConfigured(t, func(c *app.Config) { c.DatabaseURL, c.ShareBuyerEmail = url, true })
			w := e.seed()
			conv := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("c-1", "hello")})["conversation"].(map[string]any)["id"].(string)
			if b := e.must(200, "GET", "/api/v1/conversations/"+conv+"/party", w.owner, nil); b["email"] != "buyer@example.com" {
				t.Errorf("shared email = %v, want buyer@example.com", b["email"])
			}
			if items := e.must(200, "GET", "/api/v1/conversations?q=example.com", w.owner, nil)["items"].([]any); len(items) != 1 {
				t.Errorf("search by the shared email found %d conversations, want 1", len(items))
			}
		})
	}
}
