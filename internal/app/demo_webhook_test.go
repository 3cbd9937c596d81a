package app_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/shop"
	"github.com/parleyhq/parley/internal/store"
)

// deliver posts a webhook event to the shop signed with secret at ts, the
// way Parley signs deliveries (docs/api.md, "Host integration").
func (d *demoEnv) deliver(secret string, ts time.Time, eventID string, body []byte, tamper bool) (int, map[string]any) {
	d.t.Helper()
	sig := hex.EncodeToString(shop.Sign(secret, ts.Unix(), body))
	if tamper {
		body = bytes.Replace(body, []byte("199.50"), []byte("1.50"), 1)
	}
	req, _ := http.NewRequest("POST", d.srv.URL+"/shop/webhooks/parley", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Parley-Signature", fmt.Sprintf("t=%d,v1=%s", ts.Unix(), sig))
	req.Header.Set("Parley-Event-Id", eventID)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return res.StatusCode, m
}

func event(id, typ string, data any) []byte {
	b, _ := json.Marshal(map[string]any{"id": id, "type": typ, "created_at": time.Now().UTC(), "data": data})
	return b
}

// TestDemoWebhookAndRestart: the shop registered its webhook with Parley
// and keeps the secret; signed quote.accepted and order.proposed deliveries
// act (cart line, order pushed back to Parley), tampered and stale ones are
// refused, a repeated event id is done once; a restart on the same data
// pushes nothing twice, and the shop's new registration replaces the old
// one (removed through the host API).
func TestDemoWebhookAndRestart(t *testing.T) {
	eachDemoDB(t, func(t *testing.T, d *demoEnv) {
		hook := shopState(t, d.dir)["webhook"].(map[string]any)
		secret := hook["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || hook["url"] != d.srv.URL+"/shop/webhooks/parley" {
			t.Fatalf("registered webhook = %v", hook)
		}
		now := time.Now()
		accepted := event("evt_q1", "quote.accepted", map[string]any{"quote": "q-77", "version": 2, "buyer": "local:marko@demo.parley",
			"seller": "aegean-studio", "product": "render-3d", "conversation": "12",
			"lines": []map[string]any{{"title": "3D rendering", "quantity": 3.5, "unit": "hour", "unit_price": "57.00", "amount": "199.50"}},
			"total": map[string]string{"amount": "199.50", "currency": "EUR"}})

		if status, body := d.deliver(secret, now, "evt_q1", accepted, true); status != 400 || body["code"] != "invalid_signature" {
			t.Errorf("tampered delivery = %d %v, want 400 invalid_signature", status, body)
		}
		if status, body := d.deliver(secret, now.Add(-6*time.Minute), "evt_q1", accepted, false); status != 400 || body["code"] != "invalid_signature" {
			t.Errorf("stale delivery = %d %v, want 400 invalid_signature", status, body)
		}
		if status, _ := d.deliver("whsec_wrong", now, "evt_q1", accepted, false); status != 400 {
			t.Errorf("delivery signed with another secret = %d, want 400", status)
		}
		marko := d.shopper()
		marko.signIn("marko@demo.parley")
		marko.get("/shop/cart").mustContain(t, "The cart is empty")
		for i := 0; i < 2; i++ {
			if status, body := d.deliver(secret, now, "evt_q1", accepted, false); status != 200 || body["ok"] != true {
				t.Fatalf("delivery %d = %d %v, want 200", i, status, body)
			}
		}
		cart := marko.get("/shop/cart")
		cart.mustContain(t, "Quote q-77: 3.5 × 57.00 EUR / hour", "€199.50", "Aegean Studio")
		// The note is kept as its parts and said in the page's language.
		marko.get("/shop/cart?lang=sr").mustContain(t, "Ponuda q-77: 3.5 × 57.00 EUR / sat")
		marko.get("/shop/cart?lang=en")
		if n := strings.Count(cart.Body, "Quote q-77"); n != 1 {
			t.Errorf("the quote is %d times in the cart, want once", n)
		}
		bad := event("evt_q2", "quote.accepted", map[string]any{"quote": "q-78", "buyer": "local:marko@demo.parley", "product": "nope",
			"total": map[string]string{"amount": "1.00", "currency": "EUR"}})
		if status, _ := d.deliver(secret, now, "evt_q2", bad, false); status != 422 {
			t.Errorf("quote for an unknown product = %d, want 422", status)
		}
		if status, _ := d.deliver(secret, now, "evt_x", event("evt_x", "conversation.created", map[string]any{}), false); status != 202 {
			t.Errorf("an event the shop does not handle = %d, want 202", status)
		}

		proposed := event("evt_o1", "order.proposed", map[string]any{"buyer": "local:anna@demo.parley", "seller": "ceramica-solano", "conversation": "5",
			"items": []map[string]any{{"product": "tiling-service", "title": "Colocación de azulejos por horas", "quantity": 12, "price": "38.00", "unit": "hour"}}})
		status, body := d.deliver(secret, now, "evt_o1", proposed, false)
		orderID, _ := body["order"].(string)
		if status != 200 || !strings.HasPrefix(orderID, "ORD-") {
			t.Fatalf("order.proposed = %d %v", status, body)
		}
		annaAPI := d.ssoToken("anna@demo.parley")
		d.must(201, "POST", "/api/v1/conversations", annaAPI, map[string]any{"kind": "chat", "seller": "ceramica-solano", "order": orderID,
			"message": msg("an-o1", "¿Cuándo empiezan?")})
		anna := d.shopper()
		anna.signIn("anna@demo.parley")
		anna.get("/shop/orders/"+orderID).mustContain(t, "Colocación de azulejos por horas", "€456.00")

		// Restart on the same data: nothing is pushed twice. The test's
		// server listens on a new port, so the shop registers its webhook
		// at the new address (on the same address it keeps the old one).
		d.stop()
		d2 := startDemo(t, d.dir, d.dbURL)
		if d2.app.Config.HostAPIKey != d.app.Config.HostAPIKey || d2.app.Config.SSOSecret != d.app.Config.SSOSecret {
			t.Error("the generated demo keys changed across a restart")
		}
		if fi, err := os.Stat(filepath.Join(d.dir, "demo-keys.json")); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("demo-keys.json: %v, %v; want mode 0600", fi, err)
		}
		hook2 := shopState(t, d.dir)["webhook"].(map[string]any)
		if hook2["url"] != d2.srv.URL+"/shop/webhooks/parley" || hook2["secret"] == secret {
			t.Errorf("webhook after a restart on another port = %v, want a new registration", hook2)
		}
		secret = hook2["secret"].(string)
		// The old registration is gone: its deliveries were signed with the
		// old secret and would only fail.
		regs := d2.must(200, "GET", "/api/v1/host/webhooks", d2.app.Config.HostAPIKey, nil)["items"].([]any)
		if len(regs) != 1 || regs[0].(map[string]any)["id"] != hook2["id"] || regs[0].(map[string]any)["url"] != hook2["url"] {
			t.Errorf("registrations after a restart = %v, want only %v", regs, hook2["id"])
		}
		q := d2.app.DB.Reader(context.Background())
		for id, want := range map[string]int{"ORD-1001": 4, "ORD-1002": 2} {
			o, _ := store.OrderByExternalID(q, d2.app.Marketplace.ID, id)
			if evs, _ := store.OrderEvents(q, o.ID); len(evs) != want {
				t.Errorf("%s has %d events after a restart, want %d", id, len(evs), want)
			}
		}
		d2.login("anna@demo.parley") // the demo password still works
		if status, _ := d2.deliver(secret, time.Now(), "evt_q1", accepted, false); status != 200 {
			t.Errorf("delivery after restart = %d, want 200", status)
		}
		marko2 := d2.shopper()
		marko2.signIn("marko@demo.parley")
		if n := strings.Count(marko2.get("/shop/cart").Body, "Quote q-77"); n != 1 {
			t.Errorf("after a restart the quote is %d times in the cart, want once", n)
		}
	})
}
