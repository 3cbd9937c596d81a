package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// TestDemoSeed starts Parley in demo mode and checks that the shop's data
// reached it through the host API, visible to the right people only, and
// that the demo accounts are one and the same user in Parley's /login and
// in the shop's JWT sign-in.
func TestDemoSeed(t *testing.T) {
	eachDemoDB(t, func(t *testing.T, d *demoEnv) {
		anna := d.login("anna@demo.parley")
		annaSSO := d.ssoToken("anna@demo.parley")
		me := d.must(200, "GET", "/api/v1/me", anna, nil)
		if meSSO := d.must(200, "GET", "/api/v1/me", annaSSO, nil); meSSO["id"] != me["id"] || me["id"] != "local:anna@demo.parley" {
			t.Errorf("me by password = %v, by the shop's JWT = %v: want the same user local:anna@demo.parley", me["id"], meSSO["id"])
		}
		for email, want := range map[string]string{"giulia@demo.parley": "bottega-rossi owner", "luca@demo.parley": "bottega-rossi sales_manager",
			"carmen@demo.parley": "ceramica-solano owner", "james@demo.parley": "harbour-print owner"} {
			var got []string
			for _, m := range d.must(200, "GET", "/api/v1/me", d.login(email), nil)["memberships"].([]any) {
				mm := m.(map[string]any)
				got = append(got, mm["organization"].(map[string]any)["id"].(string)+" "+mm["role"].(string))
			}
			if !slices.Contains(got, want) {
				t.Errorf("%s memberships = %v, want %q", email, got, want)
			}
		}

		// Every product is in Parley, with its 4-level category and link.
		ctx := context.Background()
		q := d.app.DB.Reader(ctx)
		mid := d.app.Marketplace.ID
		cat := d.app.Shop.Catalog()
		for _, p := range cat.Products {
			d.must(200, "GET", "/api/v1/products/"+p.ID+"/availability", annaSSO, nil)
			got, err := store.ProductByExternalID(q, mid, p.ID)
			if err != nil {
				t.Fatalf("product %s: %v", p.ID, err)
			}
			if got.Code != p.Code || len(got.Category) != 4 || got.URL != "http://parley.test/shop/p/"+p.ID || got.Price.Unit != p.Price.Unit {
				t.Errorf("product %s in Parley = %+v", p.ID, got)
			}
		}
		if r := d.call("GET", "/api/v1/products/no-such-thing/availability", annaSSO, nil); r.Status != 404 {
			t.Errorf("unknown product availability = %d, want 404", r.Status)
		}

		// Orders with their timelines.
		for id, want := range map[string][]string{"ORD-1001": {"paid", "shipped", "delivered", "completed"}, "ORD-1002": {"paid", "shipped"}, "ORD-1005": nil} {
			o, err := store.OrderByExternalID(q, mid, id)
			if err != nil {
				t.Fatalf("order %s: %v", id, err)
			}
			evs, _ := store.OrderEvents(q, o.ID)
			var types []string
			for _, e := range evs {
				types = append(types, e.Type)
			}
			wantStatus := "placed"
			if len(want) > 0 {
				wantStatus = want[len(want)-1]
			}
			if !slices.Equal(types, want) || o.Status != wantStatus {
				t.Errorf("order %s: status %s, events %v; want %s, %v", id, o.Status, types, wantStatus, want)
			}
		}

		// Anna's completed order: a ticket for her, seen by the seller, nobody else.
		st := d.must(201, "POST", "/api/v1/conversations", annaSSO, map[string]any{"kind": "ticket", "order": "ORD-1001", "message": msg("demo-t1", "Una sedia traballa.")})
		conv := st["conversation"].(map[string]any)
		if conv["seller"].(map[string]any)["id"] != "bottega-rossi" {
			t.Errorf("ticket seller = %v, want bottega-rossi", conv["seller"])
		}
		list := d.must(200, "GET", "/api/v1/conversations?side=seller&order=ORD-1001", d.login("luca@demo.parley"), nil)["items"].([]any)
		if len(list) != 1 {
			t.Errorf("Luca sees %d conversations on ORD-1001, want 1", len(list))
		}
		if r := d.call("GET", "/api/v1/conversations/"+conv["id"].(string), d.login("nikos@demo.parley"), nil); r.Status != 404 {
			t.Errorf("another seller reads the ticket: %d, want 404", r.Status)
		}
		marko := d.ssoToken("marko@demo.parley")
		if r := d.call("POST", "/api/v1/conversations", marko, map[string]any{"kind": "ticket", "order": "ORD-1001", "message": msg("m-1", "mine?")}); r.Status != 404 {
			t.Errorf("ticket on someone else's order = %d, want 404", r.Status)
		}
		if r := d.call("POST", "/api/v1/conversations", marko, map[string]any{"kind": "ticket", "order": "ORD-1002", "message": msg("m-2", "where is it?")}); r.Status != 422 {
			t.Errorf("ticket on a shipped order = %d, want 422", r.Status)
		}
	})
}

var (
	widgetJWT = regexp.MustCompile(`data-jwt="([^"]+)"`)
	inboxJWT  = regexp.MustCompile(`name="jwt" value="([^"]+)"`)
)

// TestDemoShopPages walks the shop's pages signed out and signed in.
func TestDemoShopPages(t *testing.T) {
	d := startDemo(t, t.TempDir(), "")
	guest := d.shopper()
	home := guest.get("/shop/")
	if home.Status != 200 {
		t.Fatalf("GET /shop/ = %d", home.Status)
	}
	home.mustContain(t, `<html lang="en">`, "Home &amp; Living", "Dining tables", "Aegean Studio", `<span lang="el">Σχεδιασμός εσωτερικών χώρων</span>`, `href="/shop/signin?next=`)
	if n := strings.Count(home.Body, `href="/shop/p/`); n < 30 {
		t.Errorf("home links %d products, want 30+", n)
	}
	tables := guest.get("/shop/c/tables")
	tables.mustContain(t, "Tavolo in rovere massello", "Tavolino da salotto", "Coffee tables")
	tables.mustNotContain(t, "Sedia in noce")
	guest.get("/shop/search?q=CERAMICA").mustContain(t, "Azulejo de Talavera pintado a mano", "Vajilla de gres")
	guest.get("/shop/search?q=ST-D").mustContain(t, "ST-D-19", "ST-D-SB32")
	guest.get("/shop/s/kovac-digital").mustContain(t, "Izrada sajta za malu firmu", "Chat with the seller")
	product := guest.get("/shop/p/oak-table")
	product.mustContain(t, "Chat with the seller", "Ask for a quote", "BR-T-180", "€1250.00 / piece", `href="/shop/signin?next=/shop/p/oak-table"`)
	product.mustNotContain(t, "data-availability", "widget.js")
	if p := guest.get("/shop/p/nope"); p.Status != 404 {
		t.Errorf("unknown product = %d, want 404", p.Status)
	}
	signin := guest.get("/shop/signin")
	for _, a := range d.app.DemoAccounts {
		signin.mustContain(t, a.Name, a.ID)
	}
	if p := guest.get("/shop/orders"); !strings.HasPrefix(p.URL.Path, "/shop/signin") {
		t.Errorf("orders signed out went to %s, want the sign-in page", p.URL)
	}

	// Signed in: the availability (from Parley, with Anna's token), the
	// widget with a JWT that Parley accepts, the buttons' context.
	anna := d.shopper()
	anna.signIn("anna@demo.parley")
	product = anna.get("/shop/p/oak-table")
	product.mustContain(t, `data-availability="offline"`, `src="/widget.js"`, `data-product="oak-table"`, `data-seller="bottega-rossi"`, `data-lang="en"`,
		`data-parley="{&#34;kind&#34;:&#34;chat&#34;,&#34;product&#34;:&#34;oak-table&#34;,&#34;seller&#34;:&#34;bottega-rossi&#34;}"`,
		`&#34;kind&#34;:&#34;quote&#34;`)
	product.mustNotContain(t, "Open my inbox")
	// The widget speaks the page's language (the shopper chose English
	// though Anna is Italian): in Italian once the page is.
	anna.get("/shop/p/oak-table?lang=it").mustContain(t, `data-lang="it"`)
	anna.get("/shop/p/oak-table?lang=en")
	m := widgetJWT.FindStringSubmatch(product.Body)
	if m == nil {
		t.Fatal("no data-jwt on the product page")
	}
	user := d.must(200, "POST", "/api/v1/auth/sso", "", map[string]string{"jwt": m[1]})["user"].(map[string]any)
	if user["id"] != "local:anna@demo.parley" {
		t.Errorf("widget JWT signs in %v, want local:anna@demo.parley", user["id"])
	}
	// Giulia opens Parley (a socket): the product page says she is there.
	d.mustDial(t, d.login("giulia@demo.parley"), "")
	deadline := time.Now().Add(patience)
	for !strings.Contains(anna.get("/shop/p/oak-table").Body, `data-availability="online"`) {
		if time.Now().After(deadline) {
			t.Fatal("the product page does not show the seller online after she connected")
		}
		time.Sleep(50 * time.Millisecond)
	}
	anna.get("/shop/p/drill-set").mustContain(t, `data-availability="offline"`)
	anna.get("/shop/s/bottega-rossi").mustContain(t, `data-availability="online"`)
	// Furniture assembly is Luca's (its agent), and Luca is not there.
	anna.get("/shop/p/furniture-assembly").mustContain(t, `data-availability="offline"`)
	anna.get("/shop/s/sokol-tools").mustContain(t, `data-availability="offline"`, "My messages")
	anna.get("/shop/orders").mustContain(t, "ORD-1001", "ORD-1003", "ORD-1005", "Talk to the store", `&#34;kind&#34;:&#34;ticket&#34;,&#34;order&#34;:&#34;ORD-1001&#34;`)
	if p := anna.get("/shop/orders/ORD-1002"); p.Status != 404 {
		t.Errorf("Anna reads Marko's order: %d, want 404", p.Status)
	}

	// A seller: the inbox form posts a JWT that Parley accepts to /auth/sso.
	giulia := d.shopper()
	giulia.signIn("giulia@demo.parley")
	own := giulia.get("/shop/p/oak-table")
	own.mustContain(t, `action="/auth/sso"`, `name="next" value="/app/"`, "Open my inbox", "This is your company")
	own.mustNotContain(t, "Chat with the seller", "Add to cart")
	if p := giulia.post("/shop/cart/add", url.Values{"product": {"oak-table"}, "quantity": {"1"}}); p.Status != 422 {
		t.Errorf("a seller buys from her own company: %d, want 422", p.Status)
	}
	m = inboxJWT.FindStringSubmatch(own.Body)
	if m == nil {
		t.Fatal("no inbox JWT for the seller")
	}
	tok := d.must(200, "POST", "/api/v1/auth/sso", "", map[string]string{"jwt": m[1]})["token"].(string)
	if ms := d.must(200, "GET", "/api/v1/me", tok, nil)["memberships"].([]any); len(ms) != 1 {
		t.Errorf("Giulia's inbox JWT: memberships %v, want Bottega Rossi", ms)
	}
	giulia.get("/shop/orders").mustContain(t, "Orders received by my companies", "ORD-1001")

	// Languages: the user's locale, a switch that sticks, Accept-Language.
	annaIT := d.browser()
	annaIT.signIn("anna@demo.parley")
	annaIT.get("/shop/p/oak-table").mustContain(t, `<html lang="it">`, "Scrivi al venditore", "Tavoli da pranzo", "€1250.00 / pezzo", "Chiedi un preventivo", `<h1 lang="it">Tavolo in rovere massello</h1>`)
	annaIT.get("/shop/p/oak-table?lang=el").mustContain(t, `<html lang="el">`, "Συνομιλία με τον πωλητή", `aria-current="true">Ελληνικά`)
	annaIT.get("/shop/orders").mustContain(t, `<html lang="el">`, "Μιλήστε με το κατάστημα", "ολοκληρώθηκε")
	req, _ := http.NewRequest("GET", d.srv.URL+"/shop/", nil)
	req.Header.Set("Accept-Language", "es-ES,es;q=0.9")
	d.browser().do(req).mustContain(t, `<html lang="es">`, "Todos los productos y servicios")

	// Anna's cookie with another user id or a changed signature is nobody.
	u, _ := url.Parse(d.srv.URL + "/shop/")
	var real *http.Cookie
	for _, c := range anna.c.Jar.Cookies(u) {
		if c.Name == "parley_shop_user" {
			real = c
		}
	}
	if real == nil {
		t.Fatal("no shop cookie after sign-in")
	}
	id, sig, _ := strings.Cut(real.Value, ".")
	for name, value := range map[string]string{"OtherUser": "bG9jYWw6b3BzQGRlbW8ucGFybGV5." + sig, "BadSignature": id + "." + strings.Repeat("0", len(sig))} {
		forged := d.shopper()
		forged.c.Jar.SetCookies(u, []*http.Cookie{{Name: "parley_shop_user", Value: value, Path: "/shop/"}})
		if p := forged.get("/shop/"); strings.Contains(p.Body, "Sign out") {
			t.Errorf("%s: a forged cookie signed in", name)
		}
	}
}

// TestDemoCheckoutToTicket: a buyer fills the cart in the shop, checks out
// (one order per seller, pushed to Parley), the demo moves an order to
// completed, and the buyer can then open a ticket on it in Parley.
func TestDemoCheckoutToTicket(t *testing.T) {
	eachDemoDB(t, func(t *testing.T, d *demoEnv) {
		marko := d.shopper()
		marko.signIn("marko@demo.parley")
		marko.post("/shop/cart/add", url.Values{"product": {"oak-table"}, "quantity": {"1"}})
		marko.post("/shop/cart/add", url.Values{"product": {"oak-table"}, "quantity": {"1"}})
		cart := marko.post("/shop/cart/add", url.Values{"product": {"hex-keys"}, "quantity": {"3"}})
		cart.mustContain(t, "Bottega Rossi", "Sokol Tools", "€2500.00", "€44.70")
		if p := marko.post("/shop/cart/add", url.Values{"product": {"oak-table"}, "quantity": {"0"}}); p.Status != 422 {
			t.Errorf("quantity 0 = %d, want 422", p.Status)
		}
		done := marko.post("/shop/checkout", nil)
		ids := regexp.MustCompile(`ORD-2\d{3}`).FindAllString(done.URL.RawQuery, -1)
		if len(ids) != 2 {
			t.Fatalf("checkout went to %s, want two new orders", done.URL)
		}
		marko.get("/shop/cart").mustContain(t, "The cart is empty")
		var tableOrder string
		for _, id := range ids {
			if strings.Contains(marko.get("/shop/orders/"+id).Body, "Tavolo in rovere massello") {
				tableOrder = id
			}
		}
		if tableOrder == "" {
			t.Fatal("no order with the table")
		}

		// In Parley: the buyer's order with the seller, not anyone else's.
		markoAPI := d.ssoToken("marko@demo.parley")
		chat := d.must(201, "POST", "/api/v1/conversations", markoAPI, map[string]any{"kind": "chat", "seller": "bottega-rossi", "order": tableOrder,
			"message": msg("mk-1", "Quando arriva il tavolo?")})["conversation"].(map[string]any)
		if chat["context"].(map[string]any)["order"] != tableOrder {
			t.Errorf("chat context = %v, want order %s", chat["context"], tableOrder)
		}
		giulia := d.login("giulia@demo.parley")
		if items := d.must(200, "GET", "/api/v1/conversations?side=seller&order="+tableOrder, giulia, nil)["items"].([]any); len(items) != 1 {
			t.Errorf("the seller sees %d conversations on %s, want 1", len(items), tableOrder)
		}
		if r := d.call("POST", "/api/v1/conversations", d.ssoToken("anna@demo.parley"), map[string]any{"kind": "chat", "seller": "bottega-rossi",
			"order": tableOrder, "message": msg("an-1", "?")}); r.Status != 404 {
			t.Errorf("another buyer names the order: %d, want 404", r.Status)
		}
		o, err := store.OrderByExternalID(d.app.DB.Reader(context.Background()), d.app.Marketplace.ID, tableOrder)
		if err != nil || o.Status != "placed" || len(o.Items) != 1 || o.Items[0].Quantity != "2" || o.Items[0].Price != "1250.00" {
			t.Fatalf("order %s in Parley = %+v, %v", tableOrder, o, err)
		}
		ticket := map[string]any{"kind": "ticket", "order": tableOrder, "message": msg("mk-2", "Il tavolo è arrivato graffiato.")}
		if r := d.call("POST", "/api/v1/conversations", markoAPI, ticket); r.Status != 422 {
			t.Errorf("ticket before completion = %d, want 422", r.Status)
		}

		// Advance to completed from the order page.
		for _, step := range []string{"paid", "shipped", "delivered", "completed"} {
			p := marko.post("/shop/orders/"+tableOrder+"/advance", nil)
			p.mustContain(t, "Order "+tableOrder+": "+step+".")
		}
		final := marko.get("/shop/orders/" + tableOrder)
		final.mustContain(t, "Talk to the store", `&#34;kind&#34;:&#34;ticket&#34;,&#34;order&#34;:&#34;`+tableOrder+`&#34;`)
		final.mustNotContain(t, "Demo: mark as")
		o, _ = store.OrderByExternalID(d.app.DB.Reader(context.Background()), d.app.Marketplace.ID, tableOrder)
		evs, _ := store.OrderEvents(d.app.DB.Reader(context.Background()), o.ID)
		if o.Status != "completed" || len(evs) != 4 {
			t.Errorf("order %s in Parley: status %s with %d events, want completed with 4", tableOrder, o.Status, len(evs))
		}
		conv := d.must(201, "POST", "/api/v1/conversations", markoAPI, ticket)["conversation"].(map[string]any)
		if conv["kind"] != "ticket" || conv["context"].(map[string]any)["order"] != tableOrder {
			t.Errorf("ticket = %v", conv)
		}
	})
}

// shopState reads the shop's own state file (the host's database).
func shopState(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "shop", "shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
