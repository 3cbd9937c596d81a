package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/shop"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// delivery is one webhook delivery as the host received it.
type delivery struct {
	header http.Header
	body   []byte
}

// hostHooks registers a host endpoint for the events and returns its secret
// and what it receives.
func (e *env) hostHooks(t *testing.T, events ...string) (string, chan delivery) {
	got := make(chan delivery, 16)
	host := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{r.Header.Clone(), b}
	}))
	t.Cleanup(host.Close)
	hook := e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": host.URL + "/hooks", "events": events})
	return hook["secret"].(string), got
}

// returnEvent is a return.* webhook as the host reads it.
type returnEvent struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Data struct {
		ID           string                    `json:"id"`
		Conversation string                    `json:"conversation"`
		Message      string                    `json:"message"`
		Order        string                    `json:"order"`
		Buyer        string                    `json:"buyer"`
		Seller       string                    `json:"seller"`
		State        string                    `json:"state"`
		Note         string                    `json:"note"`
		AnswerNote   string                    `json:"answer_note"`
		ProposedBy   struct{ ID, Name string } `json:"proposed_by"`
		AnsweredAt   *time.Time                `json:"answered_at"`
	} `json:"data"`
}

// nextDelivery verifies the next webhook delivery's signature (as the
// demo shop does) and its event id header, and decodes it as T.
func nextDelivery[T interface{ eventID() string }](t *testing.T, got chan delivery, secret string) T {
	t.Helper()
	var ev T
	select {
	case d := <-got:
		if err := shop.VerifySignature(secret, d.header.Get("Parley-Signature"), d.body, time.Now()); err != nil {
			t.Errorf("signature %q: %v", d.header.Get("Parley-Signature"), err)
		}
		if err := json.Unmarshal(d.body, &ev); err != nil {
			t.Fatal(err)
		}
		if d.header.Get("Parley-Event-Id") != ev.eventID() || ev.eventID() == "" {
			t.Errorf("Parley-Event-Id %q, event id %q", d.header.Get("Parley-Event-Id"), ev.eventID())
		}
	case <-time.After(patience):
		t.Fatalf("no webhook within %s", patience)
	}
	return ev
}

func (e returnEvent) eventID() string { return e.ID }

func nextReturnEvent(t *testing.T, got chan delivery, secret string) returnEvent {
	t.Helper()
	return nextDelivery[returnEvent](t, got, secret)
}

// TestReturnProposal: a seller proposes a return for inspection in a
// ticket; the buyer declines, the seller proposes again, the buyer
// accepts. The rules (who, which conversation, one open at a time, a
// closed ticket), the messages and the signed return.* webhooks.
func TestReturnProposal(t *testing.T) {
	eachDBWith(t, allowInternal, func(t *testing.T, e *env) {
		w := e.seed()
		secret, hooks := e.hostHooks(t, "return.proposed", "return.accepted", "return.declined")
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-1", "The drill is broken.")})
		ticket := st["conversation"].(map[string]any)["id"].(string)
		chat := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("c-1", "Hi")})["conversation"].(map[string]any)["id"].(string)
		path := "/api/v1/conversations/" + ticket + "/return-proposal"

		refused := []struct {
			name, token, path string
			body              any
			status            int
			code              string
		}{
			{"BuyerProposes", w.buyer, path, map[string]any{"note": "x"}, 403, "forbidden"},
			{"Stranger", w.stranger, path, map[string]any{"note": "x"}, 404, "not_found"},
			{"OtherSeller", w.foreign, path, map[string]any{"note": "x"}, 404, "not_found"},
			{"NotATicket", w.owner, "/api/v1/conversations/" + chat + "/return-proposal", map[string]any{"note": "x"}, 422, "validation_failed"},
			{"NoteTooLong", w.owner, path, map[string]any{"note": strings.Repeat("é", 2001)}, 422, "validation_failed"},
			{"Malformed", w.owner, path, `{"note":`, 400, "bad_request"},
			{"NothingToAccept", w.buyer, path + "/accept", nil, 404, "not_found"},
			{"SellerAccepts", w.owner, path + "/accept", nil, 403, "forbidden"},
			{"StrangerDeclines", w.stranger, path + "/decline", nil, 404, "not_found"},
			{"MissingConversation", w.owner, "/api/v1/conversations/999999/return-proposal", map[string]any{"note": "x"}, 404, "not_found"},
		}
		for _, tc := range refused {
			if r := e.call("POST", tc.path, tc.token, tc.body); r.Status != tc.status || r.code() != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, r.Status, r.Body, tc.status, tc.code)
			}
		}

		in := map[string]any{"client_id": "rp-1", "note": "Send it back for inspection, the courier comes on Monday."}
		m := e.must(201, "POST", path, w.manager, in)
		data, _ := m["data"].(map[string]any)
		if m["kind"] != "return_proposal" || data["state"] != "proposed" || data["order"] != "ORD-77" || data["note"] != in["note"] || data["return_proposal"] == "" {
			t.Fatalf("proposal message = %v", m)
		}
		proposal := data["return_proposal"].(string)
		if again := e.must(200, "POST", path, w.manager, in); again["id"] != m["id"] {
			t.Errorf("retry = %v, want the original %v", again["id"], m["id"])
		}
		if r := e.call("POST", path, w.owner, map[string]any{"note": "another"}); r.Status != 409 || r.code() != "conflict" {
			t.Errorf("a second open proposal = %d %s, want 409 conflict", r.Status, r.Body)
		}
		ev := nextReturnEvent(t, hooks, secret)
		if ev.Type != "return.proposed" || ev.Data.ID != proposal || ev.Data.Conversation != ticket || ev.Data.Message != m["id"] || ev.Data.Order != "ORD-77" ||
			ev.Data.Buyer != "buyer" || ev.Data.Seller != "acme" || ev.Data.State != "proposed" || ev.Data.Note != in["note"] || ev.Data.ProposedBy.ID != "manager" {
			t.Errorf("return.proposed = %+v", ev)
		}

		// The buyer declines, with a note; again is the same answer.
		dec := e.must(200, "POST", path+"/decline", w.buyer, map[string]any{"note": "I keep it, I'll fix it myself."})
		if dec["state"] != "declined" || dec["id"] != proposal || dec["answer_note"] != "I keep it, I'll fix it myself." || dec["answered_at"] == nil {
			t.Errorf("declined = %v", dec)
		}
		e.must(200, "POST", path+"/decline", w.buyer, nil)
		if r := e.call("POST", path+"/accept", w.buyer, nil); r.Status != 409 || r.code() != "conflict" {
			t.Errorf("accepting a declined proposal = %d %s, want 409", r.Status, r.Body)
		}
		if ev := nextReturnEvent(t, hooks, secret); ev.Type != "return.declined" || ev.Data.State != "declined" || ev.Data.AnswerNote != "I keep it, I'll fix it myself." || ev.Data.AnsweredAt == nil {
			t.Errorf("return.declined = %+v", ev)
		}

		// A new proposal, accepted without a body.
		// (Deliveries run in parallel: the proposal's arrives before the
		// answer is given.)
		m2 := e.must(201, "POST", path, w.owner, map[string]any{"note": "Then at our cost."})
		if ev := nextReturnEvent(t, hooks, secret); ev.Type != "return.proposed" || ev.Data.Note != "Then at our cost." {
			t.Errorf("second return.proposed = %+v", ev)
		}
		acc := e.must(200, "POST", path+"/accept", w.buyer, nil)
		if acc["state"] != "accepted" || acc["id"] == proposal || acc["message"] != m2["id"] {
			t.Errorf("accepted = %v", acc)
		}
		if ev := nextReturnEvent(t, hooks, secret); ev.Type != "return.accepted" || ev.Data.ID != acc["id"] || ev.Data.Order != "ORD-77" {
			t.Errorf("return.accepted = %+v", ev)
		}
		select {
		case d := <-hooks:
			t.Errorf("an extra webhook: %s", d.body)
		case <-time.After(300 * time.Millisecond):
		}

		// The thread: the two proposals and the two answers as system
		// messages that name them.
		page := e.must(200, "GET", "/api/v1/conversations/"+ticket+"/messages", w.buyer, nil)
		var kinds, events []string
		for _, it := range page["items"].([]any) {
			mm := it.(map[string]any)
			kinds = append(kinds, mm["kind"].(string))
			if d, ok := mm["data"].(map[string]any); ok && mm["kind"] == "system" {
				events = append(events, d["event"].(string)+":"+d["state"].(string))
				if d["return_proposal"] == "" {
					t.Errorf("system message %v names no proposal", mm)
				}
			}
		}
		if got := strings.Join(kinds, ","); got != "text,return_proposal,system,return_proposal,system" {
			t.Errorf("message kinds = %s", got)
		}
		if got := strings.Join(events, ","); got != "return.declined:declined,return.accepted:accepted" {
			t.Errorf("system events = %s", got)
		}

		// Completing the ticket: a system message says who, another that
		// the proposal still waiting is withdrawn; then a closed ticket
		// takes no proposal and no answer.
		open := e.must(201, "POST", path, w.owner, map[string]any{"note": "One more thing"})["data"].(map[string]any)["return_proposal"]
		c := e.must(200, "PATCH", "/api/v1/conversations/"+ticket, w.owner, map[string]any{"status": "closed"})
		if c["closed_reason"] != "completed" {
			t.Errorf("completed ticket = %v", c)
		}
		items := e.must(200, "GET", "/api/v1/conversations/"+ticket+"/messages?after="+strconv.FormatInt(num(c["last_seq"])-2, 10), w.buyer, nil)["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("last messages = %v", items)
		}
		done, withdrawn := items[0].(map[string]any), items[1].(map[string]any)
		if d, _ := done["data"].(map[string]any); done["kind"] != "system" || d["event"] != "ticket.completed" || d["by"] != "Owner" {
			t.Errorf("completion message = %v", done)
		}
		if d, _ := withdrawn["data"].(map[string]any); withdrawn["kind"] != "system" || d["event"] != "return.withdrawn" || d["state"] != "withdrawn" || d["return_proposal"] != open {
			t.Errorf("withdrawal message = %v", withdrawn)
		}
		if r := e.call("POST", path, w.owner, map[string]any{"note": "later"}); r.Status != 409 {
			t.Errorf("proposal in a closed ticket = %d %s, want 409", r.Status, r.Body)
		}
		if r := e.call("POST", path+"/accept", w.buyer, nil); r.Status != 409 {
			t.Errorf("answer in a closed ticket = %d %s, want 409", r.Status, r.Body)
		}
	})
}

// TestTicketAutoCloseConfigured: PARLEY_TICKET_AUTOCLOSE_AFTER (here
// 400ms) sets the period; a started Parley closes an idle ticket by
// itself, says why in a system message and mails the buyer; a ticket
// with activity stays open.
func TestTicketAutoCloseConfigured(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			url := ""
			if d == store.Postgres {
				url = storetest.NewSchema(t)
			}
			e := startConfigured(t, func(c *app.Config) {
				c.DatabaseURL, c.TicketAutoclose, c.UnreadMailAfter = url, 400*time.Millisecond, time.Hour
			})
			w := e.seed()
			st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-1", "Help")})
			id := st["conversation"].(map[string]any)["id"].(string)
			var c map[string]any
			waitFor(t, "the ticket closed by itself", func() bool {
				c = e.must(200, "GET", "/api/v1/conversations/"+id, w.buyer, nil)
				return c["status"] == "closed"
			})
			last := c["last_message"].(map[string]any)
			data, _ := last["data"].(map[string]any)
			if c["closed_reason"] != "auto" || last["kind"] != "system" || !strings.Contains(last["body"].(string), "closed automatically") ||
				data["event"] != "ticket.autoclosed" {
				t.Errorf("auto-closed ticket = %v", c)
			}
			m := e.waitMail(t, "buyer@example.com", "Your conversation about order ORD-77 was closed")
			if !strings.Contains(m.Text, "Your conversation with Acme Tools about order ORD-77 was closed automatically") || !strings.Contains(m.Text, "/app/c/"+id) {
				t.Errorf("mail = %q", m.Text)
			}
			if r := e.call("POST", "/api/v1/conversations/"+id+"/messages", w.buyer, msg("t-2", "Hello?")); r.Status != 409 {
				t.Errorf("message to the auto-closed ticket = %d, want 409", r.Status)
			}
		})
	}
}
