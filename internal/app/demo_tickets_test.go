package app_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// waitPage polls a shop page until it shows want, for up to 10 s.
func waitPage(t *testing.T, s *shopper, path, want string) page {
	t.Helper()
	var p page
	waitFor(t, path+" showing "+want, func() bool {
		p = s.get(path)
		return strings.Contains(p.Body, want)
	})
	return p
}

// shopTickets is what the shop's state file keeps of an order's tickets.
func shopTickets(t *testing.T, dir, order string) string {
	t.Helper()
	for _, o := range shopState(t, dir)["orders"].([]any) {
		if o := o.(map[string]any); o["id"] == order {
			b, _ := json.Marshal(o["tickets"])
			return string(b)
		}
	}
	t.Fatalf("no order %s in the shop's state", order)
	return ""
}

// TestDemoTicketFollowed: the shop follows a ticket through Parley's real
// signed webhooks. In Anna's ticket on ORD-1001 Giulia proposes a return
// (the order page says so, with her note, to both sides), Anna declines
// it, Giulia proposes again and completes the ticket before Anna answers:
// the page shows the proposal withdrawn and the conversation completed,
// in English and in Anna's Italian. A delivery the shop already took,
// sent again under a new event id, changes nothing.
func TestDemoTicketFollowed(t *testing.T) {
	eachDemoDB(t, func(t *testing.T, d *demoEnv) {
		anna, giulia := d.ssoToken("anna@demo.parley"), d.ssoToken("giulia@demo.parley")
		st := d.must(201, "POST", "/api/v1/conversations", anna, map[string]any{"kind": "ticket", "order": "ORD-1001",
			"message": msg("tf-1", "Il tavolo ha una crepa.")})
		ticket := st["conversation"].(map[string]any)["id"].(string)
		buyer, seller := d.shopper(), d.shopper()
		buyer.signIn("anna@demo.parley")
		seller.signIn("giulia@demo.parley")
		const path = "/shop/orders/ORD-1001"
		buyer.get(path).mustNotContain(t, "A return was proposed")

		d.must(201, "POST", "/api/v1/conversations/"+ticket+"/return-proposal", giulia, map[string]any{"note": "Lo ritiriamo lunedì."})
		waitPage(t, buyer, path, "A return was proposed").mustContain(t, "The seller&#39;s note: Lo ritiriamo lunedì.",
			"Answer the proposal in the conversation with the store.", "Conversation with the store open")
		waitPage(t, seller, path, "A return was proposed").mustContain(t, "Waiting for the buyer&#39;s answer.")

		d.must(200, "POST", "/api/v1/conversations/"+ticket+"/return-proposal/decline", anna, map[string]any{"note": "Lo tengo."})
		waitPage(t, buyer, path, "Return declined").mustContain(t, "The buyer&#39;s note: Lo tengo.")
		waitPage(t, seller, path, "Return declined")

		d.must(201, "POST", "/api/v1/conversations/"+ticket+"/return-proposal", giulia, map[string]any{"note": "Passiamo giovedì."})
		waitPage(t, buyer, path, "Passiamo giovedì.").mustNotContain(t, "Return declined")
		d.must(200, "PATCH", "/api/v1/conversations/"+ticket, giulia, map[string]any{"status": "closed"})
		// ticket.closed and return.withdrawn come in parallel, in either order.
		p := waitPage(t, buyer, path, "Conversation with the store completed")
		if !strings.Contains(p.Body, "Proposal withdrawn: the ticket closed") {
			p = waitPage(t, buyer, path, "Proposal withdrawn: the ticket closed")
		}
		p.mustContain(t, "Completed by ") // her name in Parley (the test signs her in with her email as name)
		p.mustNotContain(t, "A return was proposed", "Conversation with the store open")
		waitPage(t, seller, path, "Proposal withdrawn: the ticket closed").mustContain(t, "Conversation with the store completed")
		it := d.browser()
		it.signIn("anna@demo.parley")
		it.get(path).mustContain(t, "Conversazione con il negozio conclusa", "Proposta ritirata: la conversazione è stata chiusa")

		// Parley's ticket.closed again (a retry under its own id is a
		// duplicate; here a new id): the shop's tickets stay as they are.
		before := shopTickets(t, d.dir, "ORD-1001")
		secret := shopState(t, d.dir)["webhook"].(map[string]any)["secret"].(string)
		again := event("evt_again", "ticket.closed", map[string]any{"conversation": ticket, "order": "ORD-1001",
			"buyer": "local:anna@demo.parley", "seller": "bottega-rossi", "reason": "auto", "after_seconds": 60,
			"closed_at": time.Now().UTC()})
		if status, _ := d.deliver(secret, time.Now(), "evt_again", again, false); status != 200 {
			t.Errorf("ticket.closed again = %d, want 200", status)
		}
		if status, body := d.deliver(secret, time.Now(), "evt_again", again, false); status != 200 || body["duplicate"] != true {
			t.Errorf("the same delivery twice = %d %v, want 200 duplicate", status, body)
		}
		if after := shopTickets(t, d.dir, "ORD-1001"); after != before {
			t.Errorf("a second ticket.closed changed the shop's tickets:\n%s\n→\n%s", before, after)
		}
		buyer.get(path).mustNotContain(t, "Closed automatically")

		// Another buyer's order is refused.
		bad := event("evt_bad", "ticket.closed", map[string]any{"conversation": ticket, "order": "ORD-1002",
			"buyer": "local:anna@demo.parley", "seller": "bottega-rossi", "reason": "completed", "closed_at": time.Now().UTC()})
		if status, _ := d.deliver(secret, time.Now(), "evt_bad", bad, false); status != 422 {
			t.Errorf("ticket.closed for another buyer's order = %d, want 422", status)
		}
	})
}

// TestDemoTicketClosedAutomatically: with a 2-second auto-close period, a
// ticket in which Nikos proposed a return closes by itself; Parley sends
// ticket.closed (reason auto) and return.withdrawn, and the shop's order
// page says the ticket closed automatically after 2 seconds, with the
// proposal withdrawn, in English and in Anna's Italian (plural form).
func TestDemoTicketClosedAutomatically(t *testing.T) {
	for _, dialect := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			dbURL := ""
			if dialect == store.Postgres {
				dbURL = storetest.NewSchema(t)
			}
			d := startDemoWith(t, t.TempDir(), dbURL, func(c *app.Config) { c.TicketAutoclose = 2 * time.Second })
			anna, nikos := d.ssoToken("anna@demo.parley"), d.ssoToken("nikos@demo.parley")
			st := d.must(201, "POST", "/api/v1/conversations", anna, map[string]any{"kind": "ticket", "order": "ORD-1003",
				"message": msg("ta-1", "Il progetto non è completo.")})
			ticket := st["conversation"].(map[string]any)["id"].(string)
			d.must(201, "POST", "/api/v1/conversations/"+ticket+"/return-proposal", nikos, map[string]any{"note": "Στείλτε το πίσω."})
			buyer := d.shopper()
			buyer.signIn("anna@demo.parley")
			const path = "/shop/orders/ORD-1003"
			p := waitPage(t, buyer, path, "Closed automatically after 2 seconds without activity")
			if !strings.Contains(p.Body, "Proposal withdrawn: the ticket closed") {
				p = waitPage(t, buyer, path, "Proposal withdrawn: the ticket closed")
			}
			p.mustNotContain(t, "Conversation with the store open", "Conversation with the store completed")
			c := d.must(200, "GET", "/api/v1/conversations/"+ticket, anna, nil)
			if c["status"] != "closed" || c["closed_reason"] != "auto" {
				t.Errorf("the ticket in Parley = %v %v, want closed auto", c["status"], c["closed_reason"])
			}
			it := d.browser()
			it.signIn("anna@demo.parley")
			it.get(path).mustContain(t, "Chiusa automaticamente dopo 2 secondi senza attività")
		})
	}
}
