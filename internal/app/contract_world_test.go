package app_test

import (
	"strconv"
	"strings"
	"testing"
)

// contractWorld is the small world the contract fuzzer works in: the
// seeded marketplace (buyer, seller acme with owner and manager, a product,
// a completed order), a conversation with a file, a quote, a block, a push
// subscription, a webhook, a failed job, a mail, an operator, and a second
// marketplace with its own user and host key.
type contractWorld struct {
	t      *testing.T
	e      *env
	w      world
	tokens map[string]string
	other  func() string
	op     func() string
	ids    map[string]string // conv, quoteconv, att, block, sub, job, mail, webhook, quote
	known  map[string][]any
}

func newContractWorld(t *testing.T, e *env) *contractWorld {
	t.Helper()
	w := e.seed()
	cw := &contractWorld{t: t, e: e, w: w, ids: map[string]string{}}
	st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("c-1", "drill question")})
	cw.ids["conv"] = st["conversation"].(map[string]any)["id"].(string)
	cw.ids["att"] = e.upload(w.buyer, "a.png", pngBytes())["id"].(string)
	e.must(201, "POST", "/api/v1/conversations/"+cw.ids["conv"]+"/messages", w.buyer, map[string]any{"client_id": "c-2", "attachments": []string{cw.ids["att"]}})
	cw.ids["block"] = e.must(201, "POST", "/api/v1/blocks", w.owner, map[string]any{"user": "stranger"})["id"].(string)
	cw.ids["sub"] = e.must(201, "POST", "/api/v1/push/subscriptions", w.buyer, pushSubscriptionBody("https://push.example/buyer"))["id"].(string)
	qst := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "quote", "product": "p1", "message": msg("c-3", "drill quote")})
	cw.ids["quoteconv"] = qst["conversation"].(map[string]any)["id"].(string)
	cw.ids["quote"] = e.must(201, "POST", "/api/v1/conversations/"+cw.ids["quoteconv"]+"/quotes", w.owner, map[string]any{"inputs": map[string]any{"quantity": 2}})["id"].(string)
	cw.ids["webhook"] = e.must(201, "POST", "/api/v1/host/webhooks", testAPIKey, map[string]any{"url": "https://hooks.example/parley", "events": []string{"*"}})["id"].(string)
	cw.ids["job"] = strconv.FormatInt(e.failedJob("relay refused"), 10)
	cw.ids["mail"] = strconv.FormatInt(e.waitMail(t, "owner@example.com", "New conversation from").ID, 10)
	cw.other = e.otherTenant(t)
	cw.op = e.operator(e.app.Marketplace.Slug, "ops@parley.example")
	cw.tokens = map[string]string{"buyer": w.buyer, "owner": w.owner, "manager": w.manager, "operator": cw.op(),
		"other-tenant": cw.other(), "host": testAPIKey, "other-host": otherAPIKey, "bogus": "not-a-token"}
	cw.known = map[string][]any{
		"product": {"p1"}, "order": {"ORD-77"}, "organization": {"acme", "other"}, "seller": {"acme"},
		"buyer": {"buyer"}, "user": {"buyer", "manager", "stranger"}, "attachments": {[]any{cw.ids["att"]}},
		"conversation": {cw.ids["conv"]}, "email": {"buyer@example.com", "ops@parley.example"},
	}
	return cw
}

// token returns the caller's credentials. Signing out ends a session, so
// the sign-out route gets a fresh one.
func (cw *contractWorld) token(caller, path string) string {
	if path == "/api/v1/auth/logout" {
		switch caller {
		case "buyer", "owner", "manager":
			return cw.e.signIn(caller)
		case "other-tenant":
			return cw.other()
		case "operator":
			return cw.op()
		}
	}
	return cw.tokens[caller]
}

// pathValue is the world's own value for a path parameter of the route;
// with g, sometimes another real one (a new external id to create, another
// conversation, another company's member).
func (cw *contractWorld) pathValue(route, name string, g *gen) string {
	pick := func(vs ...string) string {
		if g == nil {
			return vs[0]
		}
		return vs[g.rng.IntN(len(vs))]
	}
	switch {
	case name == "user":
		return pick("manager", "owner", "stranger", "buyer")
	case name == "category":
		return pick("tools", "fz-category")
	case strings.HasPrefix(route, "/api/v1/host/users/"):
		return pick("buyer", "fz-user")
	case strings.HasPrefix(route, "/api/v1/host/organizations/"):
		return pick("acme", "fz-org")
	case strings.HasPrefix(route, "/api/v1/host/products/"):
		return pick("p1", "fz-product")
	case strings.HasPrefix(route, "/api/v1/host/orders/"):
		return pick("ORD-77", "fz-order")
	case strings.HasPrefix(route, "/api/v1/host/webhooks/"):
		return cw.ids["webhook"]
	case strings.HasSuffix(route, "/quote"), strings.Contains(route, "/quotes"):
		if strings.HasPrefix(route, "/api/v1/quotes/") {
			return cw.ids["quote"]
		}
		return cw.ids["quoteconv"]
	case strings.HasPrefix(route, "/api/v1/conversations/"):
		return pick(cw.ids["conv"], cw.ids["quoteconv"])
	case strings.HasPrefix(route, "/api/v1/attachments/"):
		return cw.ids["att"]
	case strings.HasPrefix(route, "/api/v1/blocks/"):
		return cw.ids["block"]
	case strings.HasPrefix(route, "/api/v1/push/subscriptions/"):
		return cw.ids["sub"]
	case strings.HasPrefix(route, "/api/v1/admin/jobs/"):
		return cw.ids["job"]
	case strings.HasPrefix(route, "/api/v1/admin/mails/"):
		return cw.ids["mail"]
	case strings.HasPrefix(route, "/api/v1/products/"):
		return "p1"
	case strings.HasPrefix(route, "/api/v1/orders/"):
		return "ORD-77"
	case strings.HasPrefix(route, "/api/v1/organizations/"):
		return pick("acme", "other")
	case strings.HasPrefix(route, "/api/v1/users/"):
		return pick("buyer", "owner")
	}
	cw.t.Fatalf("no value for {%s} in %s: add one to contractWorld.pathValue", name, route)
	return ""
}

// allIDs are the world's ids of every kind, to try in the wrong place.
func (cw *contractWorld) allIDs() []string {
	out := []string{"p1", "acme", "ORD-77", "buyer"}
	for _, k := range []string{"conv", "quoteconv", "att", "block", "sub", "job", "mail", "webhook", "quote"} {
		out = append(out, cw.ids[k])
	}
	return out
}
