package shop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// seedOrders are the orders the demo starts with, placed days before the
// first start; their timelines reach Parley as order events.
func seedOrders(now time.Time) []*Order {
	day := 24 * time.Hour
	at := func(days float64) time.Time {
		return now.Add(-time.Duration(days * float64(day))).Truncate(time.Second).UTC()
	}
	ev := func(days ...float64) []OrderEvent {
		types := []string{"paid", "shipped", "delivered", "completed"}
		var out []OrderEvent
		for i, d := range days {
			out = append(out, OrderEvent{Type: types[i], At: at(d)})
		}
		return out
	}
	orders := []*Order{
		{ID: "ORD-1001", Buyer: uid("anna@demo.parley"), Seller: "bottega-rossi", Currency: "EUR", PlacedAt: at(12), Source: "seed",
			Items:  []OrderItem{{Product: "walnut-chair", Title: "Sedia in noce", Quantity: "4", Price: "320.00", Unit: "piece"}},
			Events: ev(12, 9, 6, 3)},
		{ID: "ORD-1002", Buyer: uid("marko@demo.parley"), Seller: "sokol-tools", Currency: "EUR", PlacedAt: at(4), Source: "seed",
			Items: []OrderItem{{Product: "drill-set", Title: "Набор свёрл по металлу HSS-Co", Quantity: "2", Price: "59.90", Unit: "set"},
				{Product: "digital-caliper", Title: "Штангенциркуль цифровой 150 мм", Quantity: "1", Price: "34.00", Unit: "piece"}},
			Events: ev(4, 2)},
		{ID: "ORD-1003", Buyer: uid("anna@demo.parley"), Seller: "aegean-studio", Currency: "EUR", PlacedAt: at(30), Source: "seed",
			Items:  []OrderItem{{Product: "interior-design", Title: "Σχεδιασμός εσωτερικών χώρων", Quantity: "6", Price: "40.00", Unit: "hour"}},
			Events: ev(30, 29, 20, 18)},
		{ID: "ORD-1004", Buyer: uid("marko@demo.parley"), Seller: "ceramica-solano", Currency: "EUR", PlacedAt: at(1), Source: "seed",
			Items:  []OrderItem{{Product: "talavera-tiles", Title: "Azulejo de Talavera pintado a mano", Quantity: "6", Price: "64.00", Unit: "m²"}},
			Events: ev(1)},
		{ID: "ORD-1005", Buyer: uid("anna@demo.parley"), Seller: "harbour-print", Currency: "GBP", PlacedAt: at(0.2), Source: "seed",
			Items: []OrderItem{{Product: "business-cards", Title: "Business cards on 600gsm cotton", Quantity: "1", Price: "89.00", Unit: "250 cards"}}},
	}
	for _, o := range orders {
		o.Status = "placed"
		if n := len(o.Events); n > 0 {
			o.Status = o.Events[n-1].Type
		}
	}
	return orders
}

// webhookEvents are the Parley events the shop subscribes to.
var webhookEvents = []string{"quote.accepted", "order.proposed", "return.proposed", "return.accepted", "return.declined",
	"return.withdrawn", "ticket.closed"}

// seed pushes the shop's people, companies and catalogue to Parley, adds
// the demo orders to the shop's state when they are missing, pushes every
// order Parley does not have yet, and registers the shop's webhook once.
// Every step is idempotent, so it runs on each start.
func (s *Shop) seed(ctx context.Context) error {
	c := s.client
	for _, p := range s.catalog.People {
		if err := c.host(ctx, http.MethodPut, "users/"+url.PathEscape(p.ID),
			map[string]string{"email": p.Email, "name": p.Name, "locale": p.Locale}, nil); err != nil {
			return err
		}
	}
	for _, sel := range s.catalog.Sellers {
		if err := c.host(ctx, http.MethodPut, "organizations/"+url.PathEscape(sel.ID),
			map[string]any{"name": sel.Name, "kind": "seller", "email": sel.Email, "members": sel.Members}, nil); err != nil {
			return err
		}
	}
	for _, p := range s.catalog.Products {
		if err := c.host(ctx, http.MethodPut, "products/"+url.PathEscape(p.ID), map[string]any{
			"seller": p.Seller, "kind": p.Kind, "title": p.Title, "code": p.Code, "tags": p.Tags,
			"category": s.catalog.CategoryNames(p.Category), "category_translations": s.catalog.CategoryTranslations(p.Category), "price": p.Price, "url": s.cfg.PublicURL + "/shop/p/" + p.ID,
			"agents": nonNil(p.Agents),
		}, nil); err != nil {
			return err
		}
	}
	if err := s.seedQuotes(ctx); err != nil {
		return err
	}
	if err := s.state.update(func(st *state) error {
		for _, o := range seedOrders(time.Now()) {
			if st.order(o.ID) == nil {
				st.Orders = append(st.Orders, o)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := s.syncOrders(ctx); err != nil {
		return err
	}
	return s.registerWebhook(ctx)
}

func (s *Shop) registerWebhook(ctx context.Context) error {
	hookURL := s.client.base + "/shop/webhooks/parley"
	var have bool
	var old webhookReg
	// A shop that now subscribes to other events than it registered
	// (return.accepted came later) registers again, as at a new address.
	s.state.view(func(st *state) {
		have = st.Webhook != nil && st.Webhook.URL == hookURL && slices.Equal(st.Webhook.Events, webhookEvents)
		if st.Webhook != nil {
			old = *st.Webhook
		}
	})
	if have {
		return nil
	}
	var reg webhookReg
	if err := s.client.host(ctx, http.MethodPost, "webhooks", map[string]any{"url": hookURL, "events": webhookEvents}, &reg); err != nil {
		return err
	}
	reg.URL, reg.Events = hookURL, webhookEvents
	if err := s.state.update(func(st *state) error { st.Webhook = &reg; return nil }); err != nil {
		return err
	}
	s.removeOldWebhooks(ctx, reg, old)
	return nil
}

// syncOrders pushes every order whose latest state Parley may not have:
// the order (an upsert), then the events it has not been sent.
func (s *Shop) syncOrders(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	var todo []Order
	s.state.view(func(st *state) {
		for _, o := range st.Orders {
			if !o.Synced || o.Pushed < len(o.Events) {
				todo = append(todo, *o)
			}
		}
	})
	for _, o := range todo {
		if err := s.pushOrder(ctx, o); err != nil {
			return fmt.Errorf("order %s: %w", o.ID, err)
		}
	}
	return nil
}

func (s *Shop) pushOrder(ctx context.Context, o Order) error {
	items := make([]map[string]any, len(o.Items))
	for i, it := range o.Items {
		items[i] = map[string]any{"product": it.Product, "title": it.Title, "quantity": it.Quantity, "price": it.Price}
	}
	// The status pushed with the order is the one before the events still
	// to send: each event then moves it on, as in Parley's own timeline.
	status := "placed"
	if o.Pushed > 0 {
		status = o.Events[o.Pushed-1].Type
	}
	body := map[string]any{"buyer": o.Buyer, "seller": o.Seller, "status": status, "items": items, "placed_at": o.PlacedAt}
	if o.Conversation != "" {
		body["conversation"], body["proposal"] = o.Conversation, o.Proposal
	}
	err := s.client.host(ctx, http.MethodPut, "orders/"+url.PathEscape(o.ID), body, nil)
	var apiErr *apiError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusUnprocessableEntity && o.Conversation != "" {
		// Parley did not take the chat the order names (a proposal event
		// about another conversation): the order itself still goes, without
		// the link.
		s.log.Warn("shop: the order's chat was refused", "order", o.ID, "conversation", o.Conversation, "err", err)
		delete(body, "conversation")
		delete(body, "proposal")
		s.state.update(func(st *state) error {
			if so := st.order(o.ID); so != nil {
				so.Conversation, so.Proposal = "", ""
			}
			return nil
		})
		err = s.client.host(ctx, http.MethodPut, "orders/"+url.PathEscape(o.ID), body, nil)
	}
	if err != nil {
		return err
	}
	for i := o.Pushed; i < len(o.Events); i++ {
		e := o.Events[i]
		if err := s.client.host(ctx, http.MethodPost, "orders/"+url.PathEscape(o.ID)+"/events",
			map[string]any{"type": e.Type, "at": e.At}, nil); err != nil {
			return err
		}
		n := i + 1
		if err := s.state.update(func(st *state) error {
			if so := st.order(o.ID); so != nil && so.Pushed < n {
				so.Pushed = n
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return s.state.update(func(st *state) error {
		if so := st.order(o.ID); so != nil {
			so.Synced = true
		}
		return nil
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
