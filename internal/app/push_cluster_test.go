package app_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/push"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestWebPushCluster: two nodes on one PostgreSQL share the VAPID key, and
// a user whose socket is open on node A is not pushed by a job that runs
// on node B (presence is read from the database there).
func TestWebPushCluster(t *testing.T) {
	dbURL := storetest.NewSchema(t)
	a := startNode(t, dbURL, "")
	b := startNode(t, dbURL, "")
	if a.app.Push.PublicKey() != b.app.Push.PublicKey() {
		t.Fatalf("nodes serve different VAPID keys: %s, %s", a.app.Push.PublicKey(), b.app.Push.PublicKey())
	}
	w := a.seed()
	ps := newPushService(t)
	b.app.Push.SetHTTPClient(ps.Client())
	// Only node B runs jobs.
	if err := a.app.Runner.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	owner, manager := newPushBrowser(t, ps.URL+"/owner"), newPushBrowser(t, ps.URL+"/manager")
	b.must(201, "POST", "/api/v1/push/subscriptions", w.owner, owner.body())
	b.must(201, "POST", "/api/v1/push/subscriptions", w.manager, manager.body())

	ws := a.mustDial(t, w.owner, "")
	ws.want("presence", func(d map[string]any) bool { return d["user"] == "owner" && d["status"] == "online" })
	st := a.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("pc-1", "across nodes")})
	conv := st["conversation"].(map[string]any)["id"].(string)
	r := ps.next(t)
	b.waitJobs(t, push.KindMessage, 1)
	ps.none(t)
	if r.path != "/manager" {
		t.Fatalf("push went to %s, want /manager only (the owner is online on node A)", r.path)
	}
	ps.checkVAPID(t, r, a.app.Push.PublicKey())
	if p := manager.payload(t, r); p.Conversation != conv || p.Body != "across nodes" {
		t.Errorf("manager's push = %+v, want conversation %s", p, conv)
	}
}
