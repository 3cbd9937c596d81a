package app_test

import "testing"

// TestBuyerProfile: a seller company with a conversation or an order with a
// buyer sees the buyer's record with it; the buyer sees their own; other
// sellers and strangers get not found.
func TestBuyerProfile(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		// The seed's order ORD-77 is the buyer's with acme; no conversation yet.
		p := e.must(200, "GET", "/api/v1/users/buyer/profile", w.manager, nil)
		if p["name"] != "Buyer" || num(p["orders"]) != 1 || num(p["conversations"]) != 0 || p["member_since"] == "" {
			t.Errorf("manager's view = %v, want Buyer with 1 order and no conversation", p)
		}
		if o := p["latest_orders"].([]any); len(o) != 1 || o[0].(map[string]any)["id"] != "ORD-77" || o[0].(map[string]any)["status"] != "completed" {
			t.Errorf("latest orders = %v, want ORD-77 completed", o)
		}
		if _, ok := p["email"]; ok {
			t.Error("the profile shows the buyer's email")
		}
		e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("pr-1", "hi")})
		if p := e.must(200, "GET", "/api/v1/users/buyer/profile", w.owner, nil); num(p["conversations"]) != 1 {
			t.Errorf("owner's view after a chat = %v, want 1 conversation", p)
		}
		e.must(200, "GET", "/api/v1/users/buyer/profile", w.buyer, nil)
		for name, tok := range map[string]string{"stranger": w.stranger, "foreign seller": w.foreign} {
			if r := e.call("GET", "/api/v1/users/buyer/profile", tok, nil); r.Status != 404 || r.code() != "not_found" {
				t.Errorf("%s: profile = %d %s, want 404 not_found", name, r.Status, r.Body)
			}
		}
		if r := e.call("GET", "/api/v1/users/nobody/profile", w.owner, nil); r.Status != 404 {
			t.Errorf("unknown user = %d, want 404", r.Status)
		}
	})
}
