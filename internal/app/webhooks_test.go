package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// TestHostWebhooks: the host lists its registrations with their delivery
// health (never the secret), and removes one; the removed endpoint's
// deliveries that wait for a retry are dropped with it. Another
// marketplace's key sees none of them and removes none.
func TestHostWebhooks(t *testing.T) {
	eachDBWith(t, allowInternal, func(t *testing.T, e *env) {
		w := e.seed()
		e.otherTenant(t) // its API key: otherAPIKey

		// Endpoint a answers what status says; b always refuses.
		var status atomic.Int32
		status.Store(500)
		hitsA, hitsB := make(chan string, 16), make(chan string, 16)
		a := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.WriteHeader(int(status.Load()))
			hitsA <- r.Header.Get("Parley-Event-Id")
		}))
		t.Cleanup(a.Close)
		b := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			http.Error(rw, "no", http.StatusServiceUnavailable)
			hitsB <- r.Header.Get("Parley-Event-Id")
		}))
		t.Cleanup(b.Close)
		events := []string{"return.proposed", "return.declined"}
		hookA := e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": a.URL + "/hooks", "events": events})
		hookB := e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": b.URL + "/hooks", "events": events})
		idA, idB := hookA["id"].(string), hookB["id"].(string)

		list := func(key string) map[string]map[string]any {
			t.Helper()
			r := e.call("GET", "/api/v1/host/webhooks", key, nil)
			if r.Status != 200 {
				t.Fatalf("list = %d %s", r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), "whsec_") || strings.Contains(string(r.Body), "secret") {
				t.Errorf("the list shows a secret: %s", r.Body)
			}
			var page struct {
				Items      []map[string]any `json:"items"`
				NextCursor *string          `json:"next_cursor"`
			}
			if err := json.Unmarshal(r.Body, &page); err != nil || page.Items == nil || page.NextCursor == nil || *page.NextCursor != "" {
				t.Fatalf("list body %s: %v", r.Body, err)
			}
			out := map[string]map[string]any{}
			for _, it := range page.Items {
				out[it["id"].(string)] = it
			}
			return out
		}
		delivery := func(h map[string]any) map[string]any { return h["delivery"].(map[string]any) }

		hooks := list(testAPIKey)
		if len(hooks) != 2 || hooks[idA]["url"] != a.URL+"/hooks" || hooks[idA]["created_at"] == nil ||
			len(hooks[idA]["events"].([]any)) != 2 || hooks[idA]["events"].([]any)[0] != "return.proposed" {
			t.Fatalf("list = %v", hooks)
		}
		if d := delivery(hooks[idA]); num(d["failing"]) != 0 || d["last_success_at"] != nil || d["last_failure_at"] != nil || d["last_error"] != nil {
			t.Errorf("a new endpoint's delivery = %v", d)
		}
		if got := list(otherAPIKey); len(got) != 0 {
			t.Errorf("another marketplace lists %v", got)
		}

		// A proposal: a refuses (500), b refuses (503); both are retried
		// later (the first retry waits at least 5 s).
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-1", "Broken")})
		ticket := st["conversation"].(map[string]any)["id"].(string)
		e.must(201, "POST", "/api/v1/conversations/"+ticket+"/return-proposal", w.owner, map[string]any{"note": "Send it back"})
		first := recv(t, hitsA)
		recv(t, hitsB)
		waitFor(t, "both failures recorded", func() bool {
			hooks = list(testAPIKey)
			return num(delivery(hooks[idA])["failing"]) == 1 && num(delivery(hooks[idB])["failing"]) == 1
		})
		if d := delivery(hooks[idA]); d["last_failure_at"] == nil || d["last_success_at"] != nil || !strings.Contains(d["last_error"].(string), "500") {
			t.Errorf("a after a failure = %v", d)
		}
		if d := delivery(hooks[idB]); !strings.Contains(d["last_error"].(string), "503") {
			t.Errorf("b after a failure = %v", d)
		}
		waiting := func(webhookID string) int {
			t.Helper()
			jobs, err := store.Jobs(e.app.DB.Reader(context.Background()), e.app.Marketplace.ID, store.JobQueued, 0, 200)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, j := range jobs {
				var p struct{ Webhook json.Number }
				json.Unmarshal(j.Payload, &p)
				if j.Kind == webhook.KindDeliver && p.Webhook.String() == webhookID {
					n++
				}
			}
			return n
		}
		waitFor(t, "both deliveries queued for a retry", func() bool { return waiting(idA) == 1 && waiting(idB) == 1 })

		// a recovers: the next event reaches it, and the count resets.
		status.Store(200)
		e.must(200, "POST", "/api/v1/conversations/"+ticket+"/return-proposal/decline", w.buyer, nil)
		if id := recv(t, hitsA); id == first {
			t.Errorf("the decline came with the proposal's event id %s", id)
		}
		waitFor(t, "a's success recorded", func() bool {
			hooks = list(testAPIKey)
			return delivery(hooks[idA])["last_success_at"] != nil
		})
		if d := delivery(hooks[idA]); num(d["failing"]) != 0 || d["last_failure_at"] == nil {
			t.Errorf("a after a success = %v", d)
		}
		waitFor(t, "b's second failure recorded", func() bool { return num(delivery(list(testAPIKey)[idB])["failing"]) == 2 })

		// Removing b: another marketplace's key and a malformed id find
		// nothing; the host's own key removes it and its waiting
		// deliveries (two: the proposal's retry and the decline's).
		// (The failure is recorded before its job is queued again.)
		waitFor(t, "b's two deliveries waiting for a retry", func() bool { return waiting(idB) == 2 })
		for _, tc := range []struct{ name, key, id string }{
			{"OtherTenant", otherAPIKey, idB},
			{"Malformed", testAPIKey, "b-" + idB},
			{"Missing", testAPIKey, "999999"},
		} {
			if r := e.call("DELETE", "/api/v1/host/webhooks/"+tc.id, tc.key, nil); r.Status != 404 || r.code() != "not_found" {
				t.Errorf("%s: delete = %d %s, want 404 not_found", tc.name, r.Status, r.Body)
			}
		}
		if r := e.call("DELETE", "/api/v1/host/webhooks/"+idB, w.owner, nil); r.Status != 401 {
			t.Errorf("a user deleting = %d, want 401", r.Status)
		}
		if r := e.call("DELETE", "/api/v1/host/webhooks/"+idB, testAPIKey, nil); r.Status != 204 {
			t.Fatalf("delete = %d %s", r.Status, r.Body)
		}
		if n := waiting(idB); n != 0 {
			t.Errorf("b still has %d deliveries waiting", n)
		}
		if n := waiting(idA); n != 1 {
			t.Errorf("a has %d deliveries waiting, want its one retry", n)
		}
		if hooks := list(testAPIKey); len(hooks) != 1 || hooks[idA] == nil {
			t.Errorf("list after the delete = %v", hooks)
		}
		if r := e.call("DELETE", "/api/v1/host/webhooks/"+idB, testAPIKey, nil); r.Status != 404 {
			t.Errorf("second delete = %d, want 404", r.Status)
		}
		// A new event goes to a only.
		e.must(201, "POST", "/api/v1/conversations/"+ticket+"/return-proposal", w.owner, map[string]any{"note": "Again"})
		recv(t, hitsA)
		jobs, err := store.Jobs(e.app.DB.Reader(context.Background()), e.app.Marketplace.ID, "", 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.Kind == webhook.KindDeliver && strings.HasPrefix(string(j.Payload), `{"webhook":`+idB+`,`) && j.State != store.JobDone {
				t.Errorf("a delivery to the removed endpoint: %+v", j)
			}
		}
	})
}

// recv waits up to 10 s for what an endpoint received.
func recv(t *testing.T, ch chan string) string {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(patience):
		t.Fatalf("no delivery within %s", patience)
	}
	return ""
}
