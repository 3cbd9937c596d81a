package app_test

import (
	"strings"
	"testing"
	"time"
)

// TestDemoReturnAccepted: in the demo, Giulia proposes a return in Anna's
// ticket on ORD-1001 and Anna accepts it through Parley's API; the shop
// gets the signed return.accepted webhook and its order page shows the
// return started, to the buyer and to the seller. A delivery naming an
// order that is not the buyer's is refused.
func TestDemoReturnAccepted(t *testing.T) {
	eachDemoDB(t, func(t *testing.T, d *demoEnv) {
		anna, giulia := d.ssoToken("anna@demo.parley"), d.ssoToken("giulia@demo.parley")
		st := d.must(201, "POST", "/api/v1/conversations", anna, map[string]any{"kind": "ticket", "order": "ORD-1001",
			"message": msg("rt-1", "Il tavolo ha una crepa.")})
		ticket := st["conversation"].(map[string]any)["id"].(string)
		d.must(201, "POST", "/api/v1/conversations/"+ticket+"/return-proposal", giulia, map[string]any{"note": "Lo ritiriamo lunedì."})

		buyer := d.shopper()
		buyer.signIn("anna@demo.parley")
		buyer.get("/shop/orders/ORD-1001").mustNotContain(t, "Return for inspection")
		d.must(200, "POST", "/api/v1/conversations/"+ticket+"/return-proposal/accept", anna, nil)
		deadline := time.Now().Add(patience)
		for !strings.Contains(buyer.get("/shop/orders/ORD-1001").Body, "Return started") {
			if time.Now().After(deadline) {
				t.Fatal("the shop's order page shows no return 10 s after the buyer accepted")
			}
			time.Sleep(50 * time.Millisecond)
		}
		buyer.get("/shop/orders/ORD-1001").mustContain(t, "Return for inspection", "You accepted the seller&#39;s proposal", "The seller&#39;s note: Lo ritiriamo lunedì.")
		seller := d.shopper()
		seller.signIn("giulia@demo.parley")
		seller.get("/shop/orders/ORD-1001").mustContain(t, "Return started", "The buyer accepted the return")
		// In Anna's own language too.
		it := d.browser()
		it.signIn("anna@demo.parley")
		it.get("/shop/orders/ORD-1001").mustContain(t, "Reso per verifica", "Reso avviato")

		secret := shopState(t, d.dir)["webhook"].(map[string]any)["secret"].(string)
		bad := event("evt_r2", "return.accepted", map[string]any{"id": "99", "state": "accepted", "order": "ORD-1002",
			"buyer": "local:anna@demo.parley", "seller": "sokol-tools"})
		if status, _ := d.deliver(secret, time.Now(), "evt_r2", bad, false); status != 422 {
			t.Errorf("return.accepted for another buyer's order = %d, want 422", status)
		}
		buyer.get("/shop/orders/ORD-1001").mustContain(t, "Return started")
	})
}
