package quote_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/quote"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// clock is a movable time for the database.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// fixture is a marketplace with a seller selling web work by the hour, a
// buyer, and the services to price quotes.
type fixture struct {
	db           *store.DB
	clock        *clock
	svc          *quote.Service
	conv         *conversation.Service
	buyer, owner *identity.Principal
	stranger     *identity.Principal
	events       *sink
}

type sink struct {
	mu     sync.Mutex
	events []string
	data   []any
}

func (s *sink) Emit(tx *store.Tx, marketplaceID int64, eventType string, data any) error {
	tx.AfterCommit(func() {
		s.mu.Lock()
		s.events = append(s.events, eventType)
		s.data = append(s.data, data)
		s.mu.Unlock()
	})
	return nil
}

func open(t *testing.T, dialect store.Dialect) *fixture {
	t.Helper()
	cl := &clock{now: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)}
	cfg := store.Config{Dir: t.TempDir(), Now: cl.Now}
	if dialect == store.Postgres {
		cfg.URL = storetest.NewSchema(t)
	}
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, clock: cl, events: &sink{}}
	ctx := context.Background()
	err = db.Write(ctx, func(tx *store.Tx) error {
		m, err := store.EnsureMarketplace(tx, "m", "M")
		if err != nil {
			return err
		}
		org, _, err := store.UpsertOrganization(tx, parley.Organization{MarketplaceID: m.ID, ExternalID: "novi", Name: "Novi Web", Kind: parley.OrgSeller, ChatEnabled: true})
		if err != nil {
			return err
		}
		mk := func(id, name string) *identity.Principal {
			u, _, err2 := store.UpsertUser(tx, parley.User{MarketplaceID: m.ID, ExternalID: id, Name: name, Email: id + "@example.com"})
			if err2 != nil {
				err = err2
			}
			return &identity.Principal{Marketplace: m, User: u}
		}
		f.buyer, f.owner, f.stranger = mk("ana", "Ana"), mk("marko", "Marko"), mk("zed", "Zed")
		if err != nil {
			return err
		}
		if err := store.SetMember(tx, org.ID, f.owner.User.ID, parley.RoleOwner); err != nil {
			return err
		}
		f.owner.Memberships = []parley.Membership{{Organization: org, Role: parley.RoleOwner}}
		_, err = store.UpsertProduct(tx, parley.Product{MarketplaceID: m.ID, ExternalID: "web-dev", SellerOrgID: org.ID, Kind: "service", Title: "Web development",
			Category: []string{"Services", "Web"}, Price: parley.Money{Amount: "40.00", Currency: "EUR", Unit: "hour"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.conv = conversation.NewService(db, nil, nil, nil)
	runner := outbox.NewRunner(db, outbox.Options{})
	if f.svc, err = quote.New(ctx, db, f.conv, f.events, runner.Queue(), quote.Options{BaseURL: "http://parley.test"}); err != nil {
		t.Fatal(err)
	}
	f.conv.Quotes = f.svc
	return f
}

func eachDB(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, open(t, d)) })
	}
}

func fieldErrors(err error) string {
	var pe *parley.Error
	if e, ok := err.(*parley.Error); ok {
		pe = e
	}
	if pe == nil {
		return "<not a parley error: " + err.Error() + ">"
	}
	var fs []string
	for _, f := range pe.Fields {
		fs = append(fs, f.Field)
	}
	return pe.Code + " " + strings.Join(fs, ",")
}

func (f *fixture) request(t *testing.T) int64 {
	t.Helper()
	st, _, err := f.conv.Start(context.Background(), f.buyer, conversation.StartInput{Kind: parley.KindQuote, Product: "web-dev",
		Form: map[string]any{"pages": 5.0, "deadline": "2025-07-01"}, Message: conversation.MessageInput{ClientID: "q-1", Body: "A shop site"}})
	if err != nil {
		t.Fatalf("start quote: %v", err)
	}
	id, _ := conversation.ParseID(st.Conversation.ID)
	return id
}

func num(s string) json.Number { return json.Number(s) }

func TestForms(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		mid := f.buyer.Marketplace.ID
		services := quote.FormInput{Steps: []quote.Step{{Title: "Project", Fields: []quote.Field{
			{Name: "pages", Type: quote.FieldNumber, Label: "Pages", Required: true},
			{Name: "deadline", Type: quote.FieldDate, Label: "Deadline"},
			{Name: "cms", Type: quote.FieldSelect, Label: "CMS", Options: []string{"None", "WordPress"}},
			{Name: "hosting", Type: quote.FieldBoolean, Label: "Hosting"},
		}}}}
		if created, err := f.svc.PutCategoryForm(ctx, mid, "services", services); err != nil || !created {
			t.Fatalf("PutCategoryForm = %v %v", created, err)
		}
		// The subcategory Services/Web inherits the form.
		form, err := f.svc.ProductForm(ctx, f.buyer, "web-dev", nil)
		if err != nil || len(form.Steps) != 1 || len(form.Steps[0].Fields) != 4 || form.Pricing != nil {
			t.Fatalf("buyer's form = %+v %v, want the services form without pricing", form, err)
		}
		if form, _ := f.svc.ProductForm(ctx, f.owner, "web-dev", nil); form.Pricing == nil || form.Pricing.Input != "hours" || form.Pricing.UnitPrice.Amount != "40.00" {
			t.Errorf("seller's pricing = %+v, want hours at 40.00", form.Pricing)
		}
		// A subcategory's own form wins; a product's own form wins over both.
		f.svc.PutCategoryForm(ctx, mid, "Services/WEB", quote.FormInput{Steps: []quote.Step{{Title: "Web", Fields: []quote.Field{{Name: "url", Type: quote.FieldText, Label: "Site"}}}}})
		if form, _ := f.svc.ProductForm(ctx, f.buyer, "web-dev", nil); form.Steps[0].Title != "Web" {
			t.Errorf("form = %+v, want the subcategory's", form)
		}
		f.svc.PutProductForm(ctx, mid, "web-dev", services)
		if form, _ := f.svc.ProductForm(ctx, f.buyer, "web-dev", nil); form.Steps[0].Title != "Project" {
			t.Errorf("form = %+v, want the product's own", form)
		}
		if _, err := f.svc.PutProductForm(ctx, mid, "nope", services); parley.ErrorCode(err) != parley.ENotFound {
			t.Errorf("form of an unknown product: %v, want not_found", err)
		}
		bad := quote.FormInput{Steps: []quote.Step{{Title: "X", Fields: []quote.Field{{Name: "Bad Name", Type: "color", Label: ""}, {Name: "s", Type: quote.FieldSelect, Label: "S"}}}}}
		if _, err := f.svc.PutCategoryForm(ctx, mid, "x", bad); fieldErrors(err) != "validation_failed steps[0].fields[0].name,steps[0].fields[0].type,steps[0].fields[0].label,steps[0].fields[1].options" {
			t.Errorf("bad form: %s", fieldErrors(err))
		}
		cases := []struct {
			name    string
			answers map[string]any
			want    string
		}{
			{"OK", map[string]any{"pages": 5.0, "deadline": "2025-07-01", "cms": "WordPress", "hosting": true}, ""},
			{"ErrRequired", map[string]any{"deadline": "2025-07-01"}, "validation_failed form.pages"},
			{"ErrTypes", map[string]any{"pages": "five", "deadline": "July", "cms": "Drupal", "hosting": "yes"}, "validation_failed form.cms,form.deadline,form.hosting,form.pages"},
			{"ErrUnknown", map[string]any{"pages": 1.0, "colour": "red"}, "validation_failed form.colour"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, _, err := f.conv.Start(ctx, f.buyer, conversation.StartInput{Kind: parley.KindQuote, Product: "web-dev", Form: c.answers,
					Message: conversation.MessageInput{ClientID: "f-" + c.name, Body: "hi"}})
				got := ""
				if err != nil {
					got = fieldErrors(err)
				}
				if got != c.want {
					t.Errorf("Start = %q, want %q", got, c.want)
				}
			})
		}
		// The accepted answers are stored with the conversation.
		convs, _ := f.conv.List(ctx, f.owner, conversation.ListInput{})
		if len(convs.Items) != 1 {
			t.Fatalf("seller's conversations = %d, want 1", len(convs.Items))
		}
		id, _ := conversation.ParseID(convs.Items[0].ID)
		req, err := f.svc.ConversationRequest(ctx, f.owner, id, nil)
		if err != nil || req.Answers["cms"] != "WordPress" || req.Answers["hosting"] != true || req.Pricing == nil || req.Product.ID != "web-dev" {
			t.Errorf("request = %+v %v", req, err)
		}
		if _, err := f.svc.ConversationRequest(ctx, f.stranger, id, nil); parley.ErrorCode(err) != parley.ENotFound {
			t.Errorf("stranger's request: %v, want not_found", err)
		}
	})
}

func TestOffers(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		mid := f.buyer.Marketplace.ID
		f.svc.PutCategoryForm(ctx, mid, "services", quote.FormInput{Steps: []quote.Step{{Title: "P", Fields: []quote.Field{
			{Name: "pages", Type: quote.FieldNumber, Label: "Pages"}, {Name: "deadline", Type: quote.FieldDate, Label: "Deadline"}}}}})
		if _, err := f.svc.PutSettings(ctx, mid, quote.SettingsInput{CartURL: "https://shop.example/cart", Parameters: []quote.Parameter{
			{Name: "urgent", Label: "Urgent", Kind: quote.ParamPercent, Value: "20"},
			{Name: "travel", Label: "Travel", Kind: quote.ParamFixed, Value: "35.00"},
			{Name: "loyal", Label: "Loyal customer", Kind: quote.ParamPercent, Value: "-7.5"},
		}}); err != nil {
			t.Fatal(err)
		}
		conv := f.request(t)
		if _, err := f.svc.Offer(ctx, f.buyer, conv, quote.OfferInput{Inputs: map[string]json.Number{"hours": "1"}}); parley.ErrorCode(err) != parley.EForbidden {
			t.Errorf("buyer's offer: %v, want forbidden", err)
		}
		if _, err := f.svc.Offer(ctx, f.stranger, conv, quote.OfferInput{Inputs: map[string]json.Number{"hours": "1"}}); parley.ErrorCode(err) != parley.ENotFound {
			t.Errorf("stranger's offer: %v, want not_found", err)
		}
		for name, c := range map[string]struct {
			in   quote.OfferInput
			want string
		}{
			"ErrNoInput":    {quote.OfferInput{}, "validation_failed inputs.hours"},
			"ErrWrongInput": {quote.OfferInput{Inputs: map[string]json.Number{"pages": "3"}}, "validation_failed inputs.pages"},
			"ErrDecimals":   {quote.OfferInput{Inputs: map[string]json.Number{"hours": "1.125"}}, "validation_failed inputs.hours"},
			"ErrZero":       {quote.OfferInput{Inputs: map[string]json.Number{"hours": "0"}}, "validation_failed inputs.hours"},
			"ErrParameter":  {quote.OfferInput{Inputs: map[string]json.Number{"hours": "1"}, Parameters: []string{"weekend"}}, "validation_failed parameters"},
			"ErrUnitPrice":  {quote.OfferInput{Inputs: map[string]json.Number{"hours": "1"}, UnitPrice: "12.345"}, "validation_failed unit_price"},
			"ErrValidity":   {quote.OfferInput{Inputs: map[string]json.Number{"hours": "1"}, ValidUntil: &f.clock.now}, "validation_failed valid_until"},
		} {
			if _, err := f.svc.Offer(ctx, f.owner, conv, c.in); fieldErrors(err) != c.want {
				t.Errorf("%s: %s, want %s", name, fieldErrors(err), c.want)
			}
		}
		// 6.5 h × 40.00 = 260.00; urgent 20 % = 52.00; loyal -7.5 % = -19.50
		// (half away from zero); travel 35.00: 327.50.
		q, err := f.svc.Offer(ctx, f.owner, conv, quote.OfferInput{Inputs: map[string]json.Number{"hours": "6.5"}, Parameters: []string{"urgent", "loyal", "travel"}, Note: "Two weeks"})
		if err != nil {
			t.Fatal(err)
		}
		if q.Version != 1 || q.State != "offered" || q.Total.Amount != "327.50" || q.Total.Currency != "EUR" || q.Lines[0].Amount != "260.00" ||
			q.Lines[0].Quantity != "6.5" || q.Lines[0].UnitPrice != "40.00" || len(q.Adjustments) != 3 || q.Adjustments[1].Amount != "-19.50" {
			t.Errorf("offer = %+v", q)
		}
		if want := f.clock.Now().Add(quote.DefaultValidity); !q.ValidUntil.Equal(want) {
			t.Errorf("valid_until = %v, want %v (14 days)", q.ValidUntil, want)
		}
		// A second offer on the offered quote is its version 2.
		q2, err := f.svc.Offer(ctx, f.owner, conv, quote.OfferInput{Inputs: map[string]json.Number{"hours": "3"}, UnitPrice: "33.33"})
		if err != nil {
			t.Fatal(err)
		}
		if q2.ID != q.ID || q2.Version != 2 || q2.Total.Amount != "99.99" || len(q2.Versions) != 2 || q2.Versions[1].State != "superseded" || q2.Versions[1].Total.Amount != "327.50" {
			t.Errorf("second offer = %+v", q2)
		}
		// Messages of kind quote announce each version.
		page, _ := f.conv.Messages(ctx, f.buyer, conv, 0, 0, 50)
		var kinds []string
		for _, m := range page.Items {
			kinds = append(kinds, m.Kind)
		}
		if strings.Join(kinds, ",") != "text,quote,quote" {
			t.Errorf("message kinds = %v", kinds)
		}
		// Tokens: the current version's opens; the old one is expired; a
		// tampered one is invalid; another user's is not found.
		qid, _ := conversation.ParseID(q.ID)
		tok := f.svc.Token(quote.Claims{Quote: qid, Version: 2, Buyer: f.buyer.User.ID, Expires: q2.ValidUntil})
		if v, err := f.svc.OpenLink(ctx, f.buyer, tok); err != nil || v.Quote.Total.Amount != "99.99" {
			t.Errorf("OpenLink = %+v %v", v, err)
		}
		old := f.svc.Token(quote.Claims{Quote: qid, Version: 1, Buyer: f.buyer.User.ID, Expires: q.ValidUntil})
		if _, err := f.svc.OpenLink(ctx, f.buyer, old); parley.ErrorCode(err) != parley.EExpired {
			t.Errorf("superseded link: %v, want expired", err)
		}
		forged := f.svc.Token(quote.Claims{Quote: qid, Version: 2, Buyer: f.buyer.User.ID, Expires: q2.ValidUntil.Add(time.Hour)})
		tampered := strings.SplitN(forged, ".", 2)[0] + "." + strings.SplitN(tok, ".", 2)[1]
		if _, err := f.svc.OpenLink(ctx, f.buyer, tampered); parley.ErrorCode(err) != parley.EInvalidSignature {
			t.Errorf("tampered link: %v, want invalid_signature", err)
		}
		if _, err := f.svc.OpenLink(ctx, f.buyer, tok[:len(tok)-2]); parley.ErrorCode(err) != parley.EInvalidSignature {
			t.Errorf("cut link: %v, want invalid_signature", err)
		}
		if _, err := f.svc.OpenLink(ctx, f.stranger, tok); parley.ErrorCode(err) != parley.ENotFound {
			t.Errorf("stranger's link: %v, want not_found", err)
		}
		// Opening changed nothing; confirming accepts and leads to the cart.
		if g, _ := f.svc.Get(ctx, f.buyer, qid); g.State != "offered" {
			t.Errorf("state after opening = %s, want offered", g.State)
		}
		to, err := f.svc.ConfirmLink(ctx, f.buyer, tok)
		if err != nil || to != "https://shop.example/cart" {
			t.Errorf("ConfirmLink = %q %v", to, err)
		}
		if g, _ := f.svc.Get(ctx, f.buyer, qid); g.State != "accepted" {
			t.Errorf("state after confirming = %s", g.State)
		}
		if len(f.events.events) != 1 || f.events.events[0] != quote.EventAccepted {
			t.Fatalf("events = %v, want one quote.accepted", f.events.events)
		}
		ev := f.events.data[0].(quote.AcceptedData)
		if ev.Product != "web-dev" || ev.Buyer != "ana" || ev.Seller != "novi" || ev.Quantity != "3" || ev.UnitPrice.Amount != "33.33" || ev.Total.Amount != "99.99" {
			t.Errorf("quote.accepted = %+v", ev)
		}
		// Confirming again only leads to the cart; declining now conflicts.
		if _, err := f.svc.ConfirmLink(ctx, f.buyer, tok); err != nil || len(f.events.events) != 1 {
			t.Errorf("second confirm: %v, events %v", err, f.events.events)
		}
		if _, err := f.svc.Decline(ctx, f.buyer, qid, 0); parley.ErrorCode(err) != parley.EConflict {
			t.Errorf("decline after accept: %v, want conflict", err)
		}
		// A new offer after acceptance is a new quote.
		q3, err := f.svc.Offer(ctx, f.owner, conv, quote.OfferInput{Inputs: map[string]json.Number{"hours": "1"}})
		if err != nil || q3.ID == q.ID || q3.Version != 1 {
			t.Errorf("offer after acceptance = %+v %v, want a new quote", q3, err)
		}
		// Expiry: past valid_until the offer reads expired and refuses.
		q3id, _ := conversation.ParseID(q3.ID)
		tok3 := f.svc.Token(quote.Claims{Quote: q3id, Version: 1, Buyer: f.buyer.User.ID, Expires: q3.ValidUntil})
		f.clock.Add(quote.DefaultValidity + time.Second)
		if g, _ := f.svc.Get(ctx, f.buyer, q3id); g.State != "expired" {
			t.Errorf("state after 14 days = %s, want expired", g.State)
		}
		if _, err := f.svc.OpenLink(ctx, f.buyer, tok3); parley.ErrorCode(err) != parley.EExpired {
			t.Errorf("expired link: %v, want expired", err)
		}
		if _, err := f.svc.Accept(ctx, f.buyer, q3id, 0); parley.ErrorCode(err) != parley.EExpired {
			t.Errorf("accepting an expired quote: %v, want expired", err)
		}
		// Declining works on an offered quote.
		q4, _ := f.svc.Offer(ctx, f.owner, conv, quote.OfferInput{Inputs: map[string]json.Number{"hours": "2"}})
		q4id, _ := conversation.ParseID(q4.ID)
		if q4.ID != q3.ID || q4.Version != 2 {
			t.Errorf("offer on an expired quote = %s v%d, want %s v2", q4.ID, q4.Version, q3.ID)
		}
		if d, err := f.svc.Decline(ctx, f.buyer, q4id, 0); err != nil || d.State != "declined" {
			t.Errorf("decline = %+v %v", d, err)
		}
	})
}
