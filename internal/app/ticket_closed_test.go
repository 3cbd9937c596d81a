package app_test

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// closedEvent is a ticket.closed or return.withdrawn webhook as the host
// reads it.
type closedEvent struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Data struct {
		// ticket.closed
		Conversation    string                     `json:"conversation"`
		Order           string                     `json:"order"`
		Buyer           string                     `json:"buyer"`
		Seller          string                     `json:"seller"`
		Reason          string                     `json:"reason"`
		By              *struct{ ID, Name string } `json:"by"`
		AfterSeconds    int64                      `json:"after_seconds"`
		ClosedAt        time.Time                  `json:"closed_at"`
		WithdrawnReturn string                     `json:"withdrawn_return"`
		// return.withdrawn
		ID         string     `json:"id"`
		State      string     `json:"state"`
		AnsweredAt *time.Time `json:"answered_at"`
	} `json:"data"`
}

// closedEvents receives n deliveries and returns them by type: deliveries
// run in parallel, in no set order.
func closedEvents(t *testing.T, got chan delivery, secret string, n int) map[string]closedEvent {
	t.Helper()
	out := map[string]closedEvent{}
	for range n {
		ev := nextClosedEvent(t, got, secret)
		out[ev.Type] = ev
	}
	return out
}

func (e closedEvent) eventID() string { return e.ID }

func nextClosedEvent(t *testing.T, got chan delivery, secret string) closedEvent {
	t.Helper()
	return nextDelivery[closedEvent](t, got, secret)
}

// TestTicketClosedCompleted: completing a ticket whose return proposal
// waits for the buyer withdraws the proposal (return.withdrawn) and tells
// the host ticket.closed with the reason, the order and who; the buyer can
// no longer answer. A ticket without a proposal sends ticket.closed only.
func TestTicketClosedCompleted(t *testing.T) {
	eachDBWith(t, allowInternal, func(t *testing.T, e *env) {
		w := e.seed()
		secret, hooks := e.hostHooks(t, "ticket.closed", "return.withdrawn")
		ticket := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-1", "Broken")})["conversation"].(map[string]any)["id"].(string)
		path := "/api/v1/conversations/" + ticket
		proposal := e.must(201, "POST", path+"/return-proposal", w.owner, map[string]any{"note": "Send it back"})["data"].(map[string]any)["return_proposal"].(string)
		e.must(200, "PATCH", path, w.manager, map[string]any{"status": "closed"})

		evs := closedEvents(t, hooks, secret, 2)
		ev := evs["return.withdrawn"]
		if ev.Type != "return.withdrawn" || ev.Data.ID != proposal || ev.Data.State != "withdrawn" || ev.Data.Order != "ORD-77" || ev.Data.AnsweredAt == nil {
			t.Errorf("return.withdrawn = %+v", ev)
		}
		ev = evs["ticket.closed"]
		if ev.Type != "ticket.closed" || ev.Data.Conversation != ticket || ev.Data.Order != "ORD-77" || ev.Data.Buyer != "buyer" || ev.Data.Seller != "acme" ||
			ev.Data.Reason != "completed" || ev.Data.By == nil || ev.Data.By.ID != "manager" || ev.Data.By.Name != "Manager" ||
			ev.Data.WithdrawnReturn != proposal || ev.Data.ClosedAt.IsZero() || ev.Data.AfterSeconds != 0 {
			t.Errorf("ticket.closed = %+v", ev)
		}
		if r := e.call("POST", path+"/return-proposal/accept", w.buyer, nil); r.Status != 409 || r.code() != "conflict" {
			t.Errorf("accepting the withdrawn proposal = %d %s, want 409", r.Status, r.Body)
		}
		// Completing again changes nothing and sends nothing.
		e.must(200, "PATCH", path, w.buyer, map[string]any{"status": "closed"})

		// A second ticket, no proposal, completed by the buyer.
		second := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-2", "Again")})["conversation"].(map[string]any)["id"].(string)
		if second == ticket {
			t.Fatal("a closed ticket was reused")
		}
		e.must(200, "PATCH", "/api/v1/conversations/"+second, w.buyer, map[string]any{"status": "closed"})
		ev = nextClosedEvent(t, hooks, secret)
		if ev.Type != "ticket.closed" || ev.Data.Conversation != second || ev.Data.Reason != "completed" || ev.Data.By.ID != "buyer" || ev.Data.WithdrawnReturn != "" {
			t.Errorf("second ticket.closed = %+v", ev)
		}
		// A chat closed is no ticket: nothing for the host.
		chat := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("c-1", "Hi")})["conversation"].(map[string]any)["id"].(string)
		e.must(200, "PATCH", "/api/v1/conversations/"+chat, w.owner, map[string]any{"status": "closed"})
		select {
		case d := <-hooks:
			t.Errorf("an extra webhook: %s", d.body)
		case <-time.After(300 * time.Millisecond):
		}
	})
}

// TestTicketClosedAuto: a ticket that closes by itself with a proposal
// waiting withdraws it too, and ticket.closed says "auto" and the period.
func TestTicketClosedAuto(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			url := ""
			if d == store.Postgres {
				url = storetest.NewSchema(t)
			}
			e := startConfigured(t, func(c *app.Config) {
				c.DatabaseURL = url
				c.TicketAutoclose = time.Second
				c.AllowInternalTargets = true
			})
			w := e.seed()
			secret, hooks := e.hostHooks(t, "ticket.closed", "return.withdrawn")
			ticket := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-1", "Help")})["conversation"].(map[string]any)["id"].(string)
			proposal := e.must(201, "POST", "/api/v1/conversations/"+ticket+"/return-proposal", w.owner, map[string]any{"note": "Send it back"})["data"].(map[string]any)["return_proposal"].(string)

			evs := closedEvents(t, hooks, secret, 2)
			ev := evs["return.withdrawn"]
			if ev.Type != "return.withdrawn" || ev.Data.ID != proposal || ev.Data.State != "withdrawn" {
				t.Errorf("return.withdrawn = %+v", ev)
			}
			ev = evs["ticket.closed"]
			if ev.Type != "ticket.closed" || ev.Data.Conversation != ticket || ev.Data.Order != "ORD-77" || ev.Data.Reason != "auto" ||
				ev.Data.By != nil || ev.Data.AfterSeconds != 1 || ev.Data.WithdrawnReturn != proposal {
				t.Errorf("ticket.closed = %+v", ev)
			}
			c := e.must(200, "GET", "/api/v1/conversations/"+ticket, w.buyer, nil)
			last := c["last_message"].(map[string]any)
			if d, _ := last["data"].(map[string]any); c["closed_reason"] != "auto" || d["event"] != "return.withdrawn" || d["return_proposal"] != proposal {
				t.Errorf("auto-closed ticket = %v", c)
			}
		})
	}
}
