package app_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// TestProductAndOrderRead covers the context panel's reads: a product for
// anyone of the marketplace, an order only for its parties.
func TestProductAndOrderRead(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		p := e.must(200, "GET", "/api/v1/products/p1", w.stranger, nil)
		if p["title"] != "Cordless drill" || p["seller"] != "acme" || p["price"].(map[string]any)["amount"] != "99.00" {
			t.Errorf("product = %v", p)
		}
		if r := e.call("GET", "/api/v1/products/nope", w.buyer, nil); r.Status != 404 {
			t.Errorf("missing product = %d, want 404", r.Status)
		}
		conv := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-1", "broken")})
		convID := conv["conversation"].(map[string]any)["id"].(string)
		for name, tok := range map[string]string{"buyer": w.buyer, "owner": w.owner, "manager": w.manager} {
			o := e.must(200, "GET", "/api/v1/orders/ORD-77", tok, nil)
			events := o["events"].([]any)
			if o["id"] != "ORD-77" || len(o["items"].([]any)) != 1 || len(events) != 1 || events[0].(map[string]any)["type"] != "completed" {
				t.Errorf("%s: order = %v", name, o)
			}
			convs := o["conversations"].([]any)
			if len(convs) != 1 || convs[0].(map[string]any)["id"] != convID {
				t.Errorf("%s: order conversations = %v, want the ticket %s", name, convs, convID)
			}
		}
		for name, tok := range map[string]string{"stranger": w.stranger, "foreign": w.foreign} {
			if r := e.call("GET", "/api/v1/orders/ORD-77", tok, nil); r.Status != 404 {
				t.Errorf("%s: order = %d %s, want 404", name, r.Status, r.Body)
			}
		}
		ops := e.operator("default", "ops@example.com")()
		e.must(200, "GET", "/api/v1/orders/ORD-77", ops, nil)
	})
}

// TestOrderProposal: the seller proposes an order from the chat; the
// message is idempotent by client_id and the host gets one signed
// order.proposed webhook.
func TestOrderProposal(t *testing.T) {
	eachDBWith(t, allowInternal, func(t *testing.T, e *env) {
		w := e.seed()
		got := make(chan *http.Request, 4)
		bodies := make(chan []byte, 4)
		host := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			got <- r
			bodies <- b
		}))
		defer host.Close()
		hook := e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": host.URL + "/hooks", "events": []string{"order.proposed"}})
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("b-1", "Two drills?")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		in := map[string]any{"client_id": "prop-1", "note": "Two for you", "items": []map[string]any{{"product": "p1", "quantity": 2, "price": "89.50"}}}
		m := e.must(201, "POST", "/api/v1/conversations/"+conv+"/order-proposals", w.manager, in)
		data := m["data"].(map[string]any)
		if m["kind"] != "order_proposal" || data["total"] != "179.00" || data["currency"] != "EUR" || data["buyer"] != "buyer" || data["seller"] != "acme" {
			t.Errorf("proposal = %v", m)
		}
		if item := data["items"].([]any)[0].(map[string]any); item["title"] != "Cordless drill" {
			t.Errorf("item title = %v, want the product's", item["title"])
		}
		again := e.must(200, "POST", "/api/v1/conversations/"+conv+"/order-proposals", w.manager, in)
		if again["id"] != m["id"] {
			t.Errorf("retry id = %v, want %v", again["id"], m["id"])
		}
		if r := e.call("POST", "/api/v1/conversations/"+conv+"/order-proposals", w.buyer, map[string]any{"client_id": "b-2", "items": in["items"]}); r.Status != 403 {
			t.Errorf("buyer proposal = %d, want 403", r.Status)
		}
		bad := map[string]any{"client_id": "prop-2", "items": []map[string]any{{"product": "p1", "quantity": 0, "price": "x"}}}
		if r := e.call("POST", "/api/v1/conversations/"+conv+"/order-proposals", w.owner, bad); r.Status != 422 {
			t.Errorf("bad proposal = %d %s, want 422", r.Status, r.Body)
		}
		select {
		case r := <-got:
			body := <-bodies
			ts, sig, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Parley-Signature"), "t="), ",v1=")
			mac := hmac.New(sha256.New, []byte(hook["secret"].(string)))
			mac.Write([]byte(ts + "." + string(body)))
			if hex.EncodeToString(mac.Sum(nil)) != sig || r.Header.Get("Parley-Event-Id") == "" {
				t.Errorf("webhook signature %q does not verify", r.Header.Get("Parley-Signature"))
			}
			var ev struct {
				Type string
				Data map[string]any
			}
			json.Unmarshal(body, &ev)
			if ev.Type != "order.proposed" || ev.Data["message"] != m["id"] || ev.Data["total"] != "179.00" {
				t.Errorf("webhook event = %s", body)
			}
		case <-time.After(patience):
			t.Fatalf("no order.proposed webhook within %s", patience)
		}
		select {
		case <-got:
			t.Error("a second webhook for one proposal")
		case <-time.After(300 * time.Millisecond):
		}
	})
}

// TestOrganizationSettings: members see their company; only owners switch
// chat and change members; the last owner stays.
func TestOrganizationSettings(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		o := e.must(200, "GET", "/api/v1/organizations/acme", w.manager, nil)
		if o["chat_enabled"] != true || len(o["members"].([]any)) != 2 {
			t.Errorf("organization = %v", o)
		}
		if r := e.call("PATCH", "/api/v1/organizations/acme", w.manager, map[string]any{"chat_enabled": false}); r.Status != 403 {
			t.Errorf("manager switching chat = %d, want 403", r.Status)
		}
		e.must(200, "PATCH", "/api/v1/organizations/acme", w.owner, map[string]any{"chat_enabled": false})
		if r := e.call("POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "message": msg("c-1", "hello?")}); r.code() != "chat_disabled" {
			t.Errorf("chat with a switched-off company = %d %s, want chat_disabled", r.Status, r.Body)
		}
		e.must(200, "PATCH", "/api/v1/organizations/acme", w.owner, map[string]any{"chat_enabled": true})
		added := e.must(201, "PUT", "/api/v1/organizations/acme/members/stranger", w.owner, map[string]any{"role": "sales_manager"})
		if len(added["members"].([]any)) != 3 {
			t.Errorf("members after adding = %v", added["members"])
		}
		e.must(200, "PUT", "/api/v1/organizations/acme/members/stranger", w.owner, map[string]any{"role": "owner"})
		e.must(204, "DELETE", "/api/v1/organizations/acme/members/stranger", w.owner, nil)
		if r := e.call("PUT", "/api/v1/organizations/acme/members/owner", w.owner, map[string]any{"role": "sales_manager"}); r.Status != 422 {
			t.Errorf("demoting the last owner = %d, want 422", r.Status)
		}
		if r := e.call("DELETE", "/api/v1/organizations/acme/members/owner", w.owner, nil); r.Status != 422 {
			t.Errorf("removing the last owner = %d, want 422", r.Status)
		}
		if r := e.call("PUT", "/api/v1/organizations/acme/members/nobody", w.owner, map[string]any{"role": "owner"}); r.Status != 404 {
			t.Errorf("unknown user = %d, want 404", r.Status)
		}
		if r := e.call("PUT", "/api/v1/organizations/acme/members/stranger", w.owner, map[string]any{"role": "boss"}); r.Status != 422 {
			t.Errorf("bad role = %d, want 422", r.Status)
		}
		ms, err := store.MembersWithRoles(e.app.DB.Reader(t.Context()), mustOrg(t, e, "acme"))
		if err != nil || len(ms) != 2 {
			t.Errorf("stored members = %v %v, want 2", ms, err)
		}
	})
}

func mustOrg(t *testing.T, e *env, id string) int64 {
	o, err := store.OrganizationByExternalID(e.app.DB.Reader(t.Context()), e.app.Marketplace.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// TestWebhookRefusedIsRetried: an endpoint that refuses the delivery gets
// it again later; the job records why.
func TestWebhookRefusedIsRetried(t *testing.T) {
	eachDBWith(t, allowInternal, func(t *testing.T, e *env) {
		w := e.seed()
		calls := make(chan string, 4)
		host := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			calls <- r.Header.Get("Parley-Event-Id")
			rw.WriteHeader(http.StatusServiceUnavailable)
		}))
		defer host.Close()
		e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": host.URL, "events": []string{"*"}})
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("b-1", "price?")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/order-proposals", w.owner, map[string]any{"client_id": "p-1",
			"items": []map[string]any{{"product": "p1", "quantity": 1, "price": "90.00"}}})
		select {
		case id := <-calls:
			if id == "" {
				t.Error("no Parley-Event-Id")
			}
		case <-time.After(patience):
			t.Fatalf("no delivery attempt within %s", patience)
		}
		deadline := time.Now().Add(patience)
		for {
			jobs, err := store.Jobs(e.app.DB.Reader(t.Context()), e.app.Marketplace.ID, "", 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			var hook *store.Job
			for i := range jobs {
				if jobs[i].Kind == "webhook.deliver" {
					hook = &jobs[i]
				}
			}
			if hook != nil && hook.Attempts == 1 && hook.State != store.JobDone && strings.Contains(hook.LastError, "503") && hook.RunAt.After(time.Now()) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("webhook job after a refused delivery = %+v, want a retry scheduled with the 503 recorded", hook)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
