package app_test

import "testing"

// TestCanSend: a conversation tells each party, before any send, whether
// they may write and why not (blocked either way, chat switched off, a
// closed ticket), and the reason matches the send's own refusal.
func TestCanSend(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		chat := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("c-1", "hello")})["conversation"].(map[string]any)["id"].(string)
		ticket := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-1", "broken")})["conversation"].(map[string]any)["id"].(string)
		ops := e.operator("default", "ops@example.com")()
		check := func(step, conv, who, tok string, want string) {
			t.Helper()
			c := e.must(200, "GET", "/api/v1/conversations/"+conv, tok, nil)
			reason, _ := c["send_blocked_reason"].(string)
			if c["can_send"] != (want == "") || reason != want {
				t.Errorf("%s: %s sees can_send=%v reason=%q, want reason %q", step, who, c["can_send"], reason, want)
			}
			// The list says the same as the conversation.
			for _, it := range e.must(200, "GET", "/api/v1/conversations?limit=200&view=active", tok, nil)["items"].([]any) {
				if m := it.(map[string]any); m["id"] == conv {
					if r, _ := m["send_blocked_reason"].(string); r != reason {
						t.Errorf("%s: %s's list says %q, the conversation %q", step, who, r, reason)
					}
				}
			}
		}
		check("open", chat, "buyer", w.buyer, "")
		check("open", chat, "seller", w.manager, "")

		// The seller blocks the buyer: the seller has the way out, the buyer
		// is told the other side blocked them.
		b := e.must(201, "POST", "/api/v1/blocks", w.owner, map[string]any{"user": "buyer"})
		check("seller blocked", chat, "buyer", w.buyer, "blocked_by_them")
		check("seller blocked", chat, "seller", w.manager, "blocked_by_me")
		check("seller blocked", chat, "operator", ops, "")
		if r := e.call("POST", "/api/v1/conversations/"+chat+"/messages", w.buyer, msg("c-2", "?")); r.code() != "blocked" {
			t.Errorf("send while blocked = %d %s, want blocked", r.Status, r.Body)
		}
		e.must(204, "DELETE", "/api/v1/blocks/"+b["id"].(string), w.owner, nil)

		// The buyer blocks the seller.
		b = e.must(201, "POST", "/api/v1/blocks", w.buyer, map[string]any{"organization": "acme"})
		check("buyer blocked", chat, "buyer", w.buyer, "blocked_by_me")
		check("buyer blocked", chat, "seller", w.owner, "blocked_by_them")
		e.must(204, "DELETE", "/api/v1/blocks/"+b["id"].(string), w.buyer, nil)
		check("unblocked", chat, "buyer", w.buyer, "")

		// Chat switched off: the buyer cannot write to the chat, the seller
		// can, and the ticket stays open to both.
		e.must(200, "PATCH", "/api/v1/organizations/acme", w.owner, map[string]any{"chat_enabled": false})
		check("chat off", chat, "buyer", w.buyer, "chat_disabled")
		check("chat off", chat, "seller", w.owner, "")
		check("chat off", ticket, "buyer", w.buyer, "")
		if r := e.call("POST", "/api/v1/conversations/"+chat+"/messages", w.buyer, msg("c-3", "?")); r.code() != "chat_disabled" {
			t.Errorf("send with chat off = %d %s, want chat_disabled", r.Status, r.Body)
		}
		e.must(200, "PATCH", "/api/v1/organizations/acme", w.owner, map[string]any{"chat_enabled": true})

		// A closed ticket takes no messages from anyone.
		e.must(200, "PATCH", "/api/v1/conversations/"+ticket, w.buyer, map[string]any{"status": "closed"})
		check("ticket closed", ticket, "buyer", w.buyer, "ticket_closed")
		check("ticket closed", ticket, "seller", w.owner, "ticket_closed")
		check("ticket closed", ticket, "operator", ops, "ticket_closed")
	})
}
