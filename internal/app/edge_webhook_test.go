package app_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/parleyhq/parley/internal/safehttp"
	"github.com/parleyhq/parley/internal/store"
)

// TestWebhookInternalTargetsRefused: a host key cannot register a webhook
// to an internal address (422), whatever the form; a name that resolves to
// one (here stored directly, as DNS could make any name do) is refused at
// dial time, its server never asked, and the endpoint's health says
// "blocked address", not the dial error.
func TestWebhookInternalTargetsRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		var hits atomic.Int32
		internal := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
		t.Cleanup(internal.Close)
		_, port, _ := net.SplitHostPort(internal.Listener.Addr().String())
		for _, host := range []string{"127.0.0.1", "169.254.169.254", "[::ffff:169.254.169.254]", "10.0.0.1", "[fd00::1]", "0.0.0.0",
			"localhost", "[::1]"} {
			u := "http://" + host + ":" + port + "/hooks"
			if r := e.call("POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": u, "events": []string{"*"}}); r.Status != 422 || r.code() != "validation_failed" {
				t.Errorf("register %s = %d %s, want 422 validation_failed", u, r.Status, r.Body)
			}
		}
		id := storeWebhook(t, e, "http://localhost:"+port+"/hooks")
		proposeReturn(t, e, w)
		d := webhookHealth(t, e, id)
		if d["last_error"] != safehttp.ClassBlocked {
			t.Errorf("last_error = %v, want %q", d["last_error"], safehttp.ClassBlocked)
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the internal server got %d deliveries, want 0", n)
		}
	})
}

// TestWebhookRedirectNotFollowed: an endpoint answering 307 does not get
// the signed body re-sent to the redirect's target.
func TestWebhookRedirectNotFollowed(t *testing.T) {
	eachDBWith(t, allowInternal, func(t *testing.T, e *env) {
		w := e.seed()
		var targetHits atomic.Int32
		target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { targetHits.Add(1) }))
		t.Cleanup(target.Close)
		redirect := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			http.Redirect(rw, r, target.URL+"/stolen", http.StatusTemporaryRedirect)
		}))
		t.Cleanup(redirect.Close)
		id := e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": redirect.URL, "events": []string{"*"}})["id"].(string)
		proposeReturn(t, e, w)
		if d := webhookHealth(t, e, id); d["last_error"] != safehttp.ClassRedirect {
			t.Errorf("last_error = %v, want %q", d["last_error"], safehttp.ClassRedirect)
		}
		if n := targetHits.Load(); n != 0 {
			t.Errorf("the redirect's target got %d requests, want 0", n)
		}
	})
}

// TestWebhookErrorClass: a refused connection is reported as such, without
// the address or the port (which would make the endpoint list a port
// scanner).
func TestWebhookErrorClass(t *testing.T) {
	eachDBWith(t, allowInternal, func(t *testing.T, e *env) {
		w := e.seed()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		id := e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": "http://" + addr + "/hooks", "events": []string{"*"}})["id"].(string)
		proposeReturn(t, e, w)
		if d := webhookHealth(t, e, id); d["last_error"] != safehttp.ClassRefused {
			t.Errorf("last_error = %v, want %q", d["last_error"], safehttp.ClassRefused)
		}
	})
}

// storeWebhook registers a webhook in the store directly, past the API's
// checks, and returns its id.
func storeWebhook(t *testing.T, e *env, url string) string {
	t.Helper()
	var id int64
	err := e.app.DB.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = store.InsertWebhook(tx, e.app.Marketplace.ID, url, `["*"]`, "whsec_test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

// proposeReturn makes an event for the webhooks: a ticket and a return
// proposal in it.
func proposeReturn(t *testing.T, e *env, w world) {
	t.Helper()
	st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("t-1", "Broken")})
	ticket := st["conversation"].(map[string]any)["id"].(string)
	e.must(201, "POST", "/api/v1/conversations/"+ticket+"/return-proposal", w.owner, map[string]any{"note": "Send it back"})
}

// webhookHealth waits for the endpoint's first failure and returns its
// delivery health.
func webhookHealth(t *testing.T, e *env, id string) map[string]any {
	t.Helper()
	var d map[string]any
	waitFor(t, "the delivery's failure recorded", func() bool {
		for _, it := range e.must(200, "GET", "/api/v1/host/webhooks", testAPIKey, nil)["items"].([]any) {
			if h := it.(map[string]any); h["id"] == id {
				d = h["delivery"].(map[string]any)
			}
		}
		return d != nil && d["last_error"] != nil
	})
	return d
}
