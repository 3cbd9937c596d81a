package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/httpapi"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

const otherAPIKey = "pk_other_tenant_key_987654321"

// accessRow says how to call one route against the first tenant's data and
// what an outsider must get: 404 for anything of someone else's, or the
// status of acting on their own (empty) things.
type accessRow struct {
	path   string // with {conv}, {att}, {block}, {job}, {mail}, {sub} placeholders
	body   any
	want   int
	noData bool // a 200 list must not show the first tenant's data
	// operator is what an operator of another marketplace gets, when it is
	// not want.
	operator int
	// otherTenant, when set, is what a user of another marketplace gets.
	otherTenant int
}

// TestAccessControl walks every registered route as a stranger of the same
// marketplace, a member of another seller company, a user of another
// marketplace and an operator of another marketplace. A route added without
// a row here fails the test.
func TestAccessControl(t *testing.T) {
	rows := map[string]accessRow{
		"GET /healthz":                                  {path: "/healthz", want: 200},
		"GET /readyz":                                   {path: "/readyz", want: 200},
		"GET /api/v1/openapi.json":                      {path: "/api/v1/openapi.json", want: 200},
		"POST /api/v1/auth/login":                       {path: "/api/v1/auth/login", body: map[string]string{"email": "buyer@example.com", "password": "x"}, want: 401},
		"POST /api/v1/auth/sso":                         {path: "/api/v1/auth/sso", body: map[string]string{"jwt": "e30.e30.x"}, want: 401},
		"POST /api/v1/auth/logout":                      {path: "/api/v1/auth/logout", want: 204},
		"GET /api/v1/me":                                {path: "/api/v1/me", want: 200, noData: true},
		"GET /api/v1/me/settings":                       {path: "/api/v1/me/settings", want: 200, noData: true},
		"PATCH /api/v1/me/settings":                     {path: "/api/v1/me/settings", body: map[string]any{"sound": false}, want: 200, noData: true},
		"PUT /api/v1/host/users/{external_id}":          {path: "/api/v1/host/users/buyer", body: map[string]string{"name": "X"}, want: 401},
		"PUT /api/v1/host/organizations/{external_id}":  {path: "/api/v1/host/organizations/acme", body: map[string]string{"name": "X", "kind": "seller"}, want: 401},
		"PUT /api/v1/host/products/{external_id}":       {path: "/api/v1/host/products/p1", body: map[string]string{"seller": "acme", "title": "X"}, want: 401},
		"PUT /api/v1/host/orders/{external_id}":         {path: "/api/v1/host/orders/ORD-77", body: map[string]string{"buyer": "buyer", "seller": "acme", "status": "x"}, want: 401},
		"POST /api/v1/host/orders/{external_id}/events": {path: "/api/v1/host/orders/ORD-77/events", body: map[string]string{"type": "paid"}, want: 401},
		"POST /api/v1/host/webhooks":                    {path: "/api/v1/host/webhooks", body: map[string]any{"url": "https://x.example", "events": []string{"*"}}, want: 401},
		"GET /api/v1/host/webhooks":                     {path: "/api/v1/host/webhooks", want: 401, noData: true},
		"DELETE /api/v1/host/webhooks/{id}":             {path: "/api/v1/host/webhooks/1", want: 401},
		"POST /api/v1/conversations":                    {path: "/api/v1/conversations", body: map[string]any{"kind": "ticket", "order": "ORD-77", "message": msg("x-1", "mine?")}, want: 404},
		"GET /api/v1/conversations":                     {path: "/api/v1/conversations?q=drill", want: 200, noData: true},
		"GET /api/v1/conversations/marketplaces":        {path: "/api/v1/conversations/marketplaces", want: 200, noData: true},
		"GET /api/v1/conversations/{id}":                {path: "/api/v1/conversations/{conv}", want: 404},
		"PATCH /api/v1/conversations/{id}":              {path: "/api/v1/conversations/{conv}", body: map[string]any{"status": "closed"}, want: 404},
		"GET /api/v1/conversations/{id}/messages":       {path: "/api/v1/conversations/{conv}/messages", want: 404},
		"POST /api/v1/conversations/{id}/messages":      {path: "/api/v1/conversations/{conv}/messages", body: msg("x-2", "hi"), want: 404},
		"POST /api/v1/conversations/{id}/read":          {path: "/api/v1/conversations/{conv}/read", body: map[string]any{"seq": 1}, want: 404},
		"POST /api/v1/attachments":                      {path: "upload", want: 201},
		"GET /api/v1/attachments/{id}":                  {path: "/api/v1/attachments/{att}", want: 404},
		"POST /api/v1/blocks":                           {path: "/api/v1/blocks", body: map[string]any{"organization": "nobody-here"}, want: 404},
		"DELETE /api/v1/blocks/{id}":                    {path: "/api/v1/blocks/{block}", want: 404},
		"GET /api/v1/sync":                              {path: "/api/v1/sync?cursor=0", want: 200, noData: true},
		// A plain GET (no upgrade) by a signed-in user: refused as a bad request.
		"GET /api/v1/ws": {path: "/api/v1/ws", want: 400},
		// Availability is public within a marketplace (product pages show it);
		// another marketplace's seller is not found.
		"GET /api/v1/organizations/{id}/availability": {path: "/api/v1/organizations/acme/availability", want: 200, otherTenant: 404},
		"GET /api/v1/products/{id}/availability":      {path: "/api/v1/products/p1/availability", want: 200, otherTenant: 404},
		"GET /api/v1/push/vapid-key":                  {path: "/api/v1/push/vapid-key", want: 200},
		// Each caller subscribes its own browser (the same endpoint moves
		// from one caller to the next: it is one browser).
		"POST /api/v1/push/subscriptions":        {path: "/api/v1/push/subscriptions", body: pushSubscriptionBody("https://push.example/outsider"), want: 201, noData: true},
		"DELETE /api/v1/push/subscriptions/{id}": {path: "/api/v1/push/subscriptions/{sub}", want: 404},
		"GET /api/v1/admin/jobs":                 {path: "/api/v1/admin/jobs", want: 403, operator: 200, noData: true},
		"POST /api/v1/admin/jobs/{id}/retry":     {path: "/api/v1/admin/jobs/{job}/retry", want: 403, operator: 404},
		"GET /api/v1/admin/mails":                {path: "/api/v1/admin/mails", want: 403, operator: 200, noData: true},
		"GET /api/v1/admin/mails/{id}":           {path: "/api/v1/admin/mails/{mail}", want: 403, operator: 404},
		// Products are the marketplace's public catalogue; orders and
		// companies only for their parties.
		"GET /api/v1/products/{id}": {path: "/api/v1/products/p1", want: 200, otherTenant: 404},
		"GET /api/v1/orders/{id}":   {path: "/api/v1/orders/ORD-77", want: 404},
		// Another marketplace has its own "buyer": there the caller sees
		// that user (themself, or as its operator), none of this one's data.
		"GET /api/v1/conversations/{id}/party":               {path: "/api/v1/conversations/{conv}/party", want: 404},
		"GET /api/v1/conversations/{id}/products":            {path: "/api/v1/conversations/{conv}/products?q=drill", want: 404},
		"GET /api/v1/users/{id}/profile":                     {path: "/api/v1/users/buyer/profile", want: 404, otherTenant: 200, noData: true},
		"POST /api/v1/conversations/{id}/order-proposals":    {path: "/api/v1/conversations/{conv}/order-proposals", body: map[string]any{"client_id": "x-3", "items": []map[string]any{{"product": "p1", "quantity": 1, "price": "1.00"}}}, want: 404},
		"GET /api/v1/organizations/{id}":                     {path: "/api/v1/organizations/acme", want: 404, noData: true},
		"PATCH /api/v1/organizations/{id}":                   {path: "/api/v1/organizations/acme", body: map[string]any{"chat_enabled": false}, want: 404},
		"PUT /api/v1/organizations/{id}/members/{user}":      {path: "/api/v1/organizations/acme/members/stranger", body: map[string]any{"role": "owner"}, want: 404},
		"DELETE /api/v1/organizations/{id}/members/{user}":   {path: "/api/v1/organizations/acme/members/owner", want: 404},
		"PUT /api/v1/host/quote-forms/{category}":            {path: "/api/v1/host/quote-forms/tools", body: map[string]any{"steps": []any{}}, want: 401},
		"PUT /api/v1/host/products/{external_id}/quote-form": {path: "/api/v1/host/products/p1/quote-form", body: map[string]any{"steps": []any{}}, want: 401},
		"PUT /api/v1/host/quote-settings":                    {path: "/api/v1/host/quote-settings", body: map[string]any{"parameters": []any{}}, want: 401},
		// A product's form is as public as the product; its pricing only
		// for the seller's members.
		"GET /api/v1/products/{id}/quote-form":           {path: "/api/v1/products/p1/quote-form", want: 200, otherTenant: 404, noData: true},
		"GET /api/v1/conversations/{id}/quote":           {path: "/api/v1/conversations/{quoteconv}/quote", want: 404},
		"POST /api/v1/conversations/{id}/quotes":         {path: "/api/v1/conversations/{quoteconv}/quotes", body: map[string]any{"inputs": map[string]any{"quantity": 1}}, want: 404},
		"POST /api/v1/conversations/{id}/quotes/preview": {path: "/api/v1/conversations/{quoteconv}/quotes/preview", body: map[string]any{"inputs": map[string]any{"quantity": 1}}, want: 404},
		"GET /api/v1/quotes/{id}":                        {path: "/api/v1/quotes/{quote}", want: 404},
		"POST /api/v1/quotes/{id}/accept":                {path: "/api/v1/quotes/{quote}/accept", want: 404},
		"POST /api/v1/quotes/{id}/decline":               {path: "/api/v1/quotes/{quote}/decline", want: 404},

		// Returns in tickets: the conversation is not the outsider's.
		"POST /api/v1/conversations/{id}/return-proposal":         {path: "/api/v1/conversations/{conv}/return-proposal", body: map[string]any{"note": "send it back"}, want: 404},
		"POST /api/v1/conversations/{id}/return-proposal/accept":  {path: "/api/v1/conversations/{conv}/return-proposal/accept", want: 404},
		"POST /api/v1/conversations/{id}/return-proposal/decline": {path: "/api/v1/conversations/{conv}/return-proposal/decline", body: map[string]any{"note": "no"}, want: 404},
	}
	for _, rt := range httpapi.Routes() {
		if _, ok := rows[rt.Method+" "+rt.Path]; !ok {
			t.Errorf("route %s %s has no access-control row: add one to TestAccessControl", rt.Method, rt.Path)
		}
	}
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("a-1", "drill question")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		att := e.upload(w.buyer, "a.png", pngBytes())["id"].(string)
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, map[string]any{"client_id": "a-2", "attachments": []string{att}})
		block := e.must(201, "POST", "/api/v1/blocks", w.owner, map[string]any{"user": "stranger"})["id"].(string)
		sub := e.must(201, "POST", "/api/v1/push/subscriptions", w.buyer, pushSubscriptionBody("https://push.example/buyer"))["id"].(string)
		qst := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "quote", "product": "p1", "message": msg("a-3", "drill quote")})
		quoteConv := qst["conversation"].(map[string]any)["id"].(string)
		quoteID := e.must(201, "POST", "/api/v1/conversations/"+quoteConv+"/quotes", w.owner, map[string]any{"inputs": map[string]any{"quantity": 2}})["id"].(string)
		// The first tenant's outbox and mailbox hold a failed job and the
		// new conversation's mail, both mentioning the drill.
		job := strconv.FormatInt(e.failedJob("drill relay refused"), 10)
		mail := strconv.FormatInt(e.waitMail(t, "owner@example.com", "New conversation from").ID, 10)
		other := e.otherTenant(t)
		otherOperator := e.operator("second", "ops@second.example")

		callers := map[string]func() string{
			"stranger":       func() string { return e.signIn("stranger") },
			"foreign":        func() string { return e.signIn("foreign") },
			"other-tenant":   func() string { return other() },
			"other-operator": otherOperator,
		}
		for name, token := range callers {
			for key, row := range rows {
				method, _, _ := strings.Cut(key, " ")
				path := strings.NewReplacer("{conv}", conv, "{att}", att, "{block}", block, "{job}", job, "{mail}", mail, "{sub}", sub, "{quoteconv}", quoteConv, "{quote}", quoteID).Replace(row.path)
				tok := token() // fresh: logout must not spoil the next row
				var r resp
				if path == "upload" {
					r = e.uploadRaw(tok, "mine.png", pngBytes())
				} else {
					r = e.call(method, path, tok, row.body)
				}
				want := row.want
				if name == "other-operator" && row.operator != 0 {
					want = row.operator
				}
				if (name == "other-tenant" || name == "other-operator") && row.otherTenant != 0 {
					want = row.otherTenant
				}
				if r.Status != want {
					t.Errorf("%s: %s %s = %d %s, want %d", name, method, path, r.Status, r.Body, want)
				}
				if row.noData && (strings.Contains(string(r.Body), "drill") || strings.Contains(string(r.Body), `"acme"`)) {
					t.Errorf("%s: %s %s leaks the other party's data: %s", name, method, path, r.Body)
				}
			}
		}
		// The other tenant's API key reaches only its own marketplace: the
		// first tenant's order is not found there.
		if r := e.call("POST", "/api/v1/host/orders/ORD-77/events", otherAPIKey, map[string]any{"type": "cancelled"}); r.Status != 404 {
			t.Errorf("other tenant's key on ORD-77 = %d %s, want 404", r.Status, r.Body)
		}
		// The first tenant's failed job is still failed: no retry reached it.
		if j, err := store.JobByID(e.app.DB.Reader(context.Background()), mustID(t, job)); err != nil || j.State != store.JobFailed || j.Attempts != 1 {
			t.Errorf("failed job after the walk = %+v %v, want failed after 1 attempt", j, err)
		}
		// The buyer's subscription is still there: deleting it is refused.
		if _, err := store.PushSubscriptionByID(e.app.DB.Reader(context.Background()), mustID(t, sub)); err != nil {
			t.Errorf("buyer's push subscription after the walk: %v", err)
		}
		// The quote was neither accepted nor declined, nor priced again.
		if q := e.must(200, "GET", "/api/v1/quotes/"+quoteID, w.buyer, nil); q["state"] != "offered" || num(q["version"]) != 1 {
			t.Errorf("quote after the walk = %v", q)
		}
		// The first tenant's data is untouched by all of the above.
		if c := e.must(200, "GET", "/api/v1/conversations/"+conv, w.buyer, nil); c["status"] != "open" || num(c["last_seq"]) != 2 {
			t.Errorf("conversation after the walk = %v", c)
		}
	})
}

// otherTenant creates a second marketplace with a user and returns a
// function that signs that user in.
func (e *env) otherTenant(t *testing.T) func() string {
	ctx := context.Background()
	err := e.app.DB.Write(ctx, func(tx *store.Tx) error {
		m, err := store.EnsureMarketplace(tx, "second", "Second marketplace")
		if err != nil {
			return err
		}
		m.SSOSecret = testSSOSecret + "-second"
		if err := store.UpdateMarketplaceSettings(tx, m); err != nil {
			return err
		}
		return store.EnsureAPIKey(tx, m.ID, "test", identity.HashToken(otherAPIKey))
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same external ids exist in the second marketplace too.
	e.must(201, "PUT", "/api/v1/host/users/buyer", otherAPIKey, map[string]any{"name": "Second buyer"})
	return func() string {
		jwt, _ := identity.SignHostJWT(testSSOSecret+"-second", "buyer", "", "Second buyer", e.app.DB.Now(), 300e9)
		return e.must(200, "POST", "/api/v1/auth/sso", "", map[string]any{"jwt": jwt, "marketplace": "second"})["token"].(string)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
