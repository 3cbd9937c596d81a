package app_test

import (
	"strings"
	"testing"
)

// TestOrderFromChat: a proposal takes the product's unit with decimals
// (1.5 hours); the host that makes the order names the conversation and
// the proposal, and the conversation says which order it became (once);
// the seller finds its products for the form.
func TestOrderFromChat(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		conv := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("c-1", "An hour and a half?")})["conversation"].(map[string]any)["id"].(string)
		path := "/api/v1/conversations/" + conv + "/order-proposals"
		m := e.must(201, "POST", path, w.manager, map[string]any{"client_id": "p-1", "items": []map[string]any{{"product": "p1", "quantity": 1.5, "price": "55.00"}}})
		data := m["data"].(map[string]any)
		if data["total"] != "82.50" || data["items"].([]any)[0].(map[string]any)["quantity"] != 1.5 {
			t.Errorf("proposal of 1.5 × 55.00 = %v", data)
		}
		for i, q := range []any{0, -1, 1.2345, 100001} {
			r := e.call("POST", path, w.manager, map[string]any{"client_id": "bad-" + string(rune('a'+i)), "items": []map[string]any{{"product": "p1", "quantity": q, "price": "1.00"}}})
			if r.Status != 422 || !strings.Contains(string(r.Body), "items[0].quantity") {
				t.Errorf("quantity %v = %d %s, want 422 on items[0].quantity", q, r.Status, r.Body)
			}
		}

		// The host makes the order from the proposal.
		order := map[string]any{"buyer": "buyer", "seller": "acme", "status": "placed", "conversation": conv, "proposal": m["id"],
			"items": []map[string]any{{"product": "p1", "title": "Cordless drill", "quantity": 1.5, "price": "55.00"}}}
		e.must(201, "PUT", "/api/v1/host/orders/ORD-900", testAPIKey, order)
		e.must(200, "PUT", "/api/v1/host/orders/ORD-900", testAPIKey, order)
		var made []map[string]any
		for _, it := range e.must(200, "GET", "/api/v1/conversations/"+conv+"/messages?after=0", w.buyer, nil)["items"].([]any) {
			mm := it.(map[string]any)
			if d, _ := mm["data"].(map[string]any); d != nil && d["event"] == "order.created" {
				made = append(made, d)
			}
		}
		if len(made) != 1 || made[0]["order"] != "ORD-900" || made[0]["proposal"] != m["id"] {
			t.Errorf("order.created messages = %v, want one for ORD-900 and the proposal", made)
		}
		if o := e.must(200, "GET", "/api/v1/orders/ORD-900", w.buyer, nil); o["items"].([]any)[0].(map[string]any)["quantity"] != 1.5 {
			t.Errorf("order items = %v, want quantity 1.5", o["items"])
		}
		// A conversation of other parties, or a message that is no proposal
		// of it, is refused.
		other := e.must(201, "POST", "/api/v1/conversations", w.stranger, map[string]any{"kind": "chat", "product": "p1", "message": msg("s-1", "hi")})["conversation"].(map[string]any)["id"].(string)
		bad := map[string]any{"buyer": "buyer", "seller": "acme", "status": "placed", "conversation": other, "items": order["items"]}
		if r := e.call("PUT", "/api/v1/host/orders/ORD-901", testAPIKey, bad); r.Status != 422 || !strings.Contains(string(r.Body), `"conversation"`) {
			t.Errorf("order naming another buyer's conversation = %d %s, want 422 on conversation", r.Status, r.Body)
		}
		bad["conversation"], bad["proposal"] = conv, "1"
		if r := e.call("PUT", "/api/v1/host/orders/ORD-902", testAPIKey, bad); r.Status != 422 || !strings.Contains(string(r.Body), `"proposal"`) {
			t.Errorf("order naming a message that is no proposal = %d %s, want 422 on proposal", r.Status, r.Body)
		}

		// The seller's product search for the form.
		items := e.must(200, "GET", "/api/v1/conversations/"+conv+"/products?q=DRILL", w.manager, nil)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != "p1" {
			t.Errorf("search drill = %v, want p1", items)
		}
		if items := e.must(200, "GET", "/api/v1/conversations/"+conv+"/products?q=nothing-like-it", w.owner, nil)["items"].([]any); len(items) != 0 {
			t.Errorf("search for nothing = %v", items)
		}
		if r := e.call("GET", "/api/v1/conversations/"+conv+"/products", w.buyer, nil); r.Status != 403 {
			t.Errorf("buyer's product search = %d, want 403", r.Status)
		}
		if r := e.call("GET", "/api/v1/conversations/"+conv+"/products?q="+strings.Repeat("a", 101), w.owner, nil); r.Status != 422 {
			t.Errorf("101-character search = %d, want 422", r.Status)
		}
	})
}
