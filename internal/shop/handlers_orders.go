package shop

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

func (s *Shop) requireUser(w http.ResponseWriter, r *http.Request) *Person {
	p := s.currentUser(r)
	if p == nil {
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = r.Referer()
			if u, err := url.Parse(next); err == nil {
				next = u.RequestURI()
			}
		}
		http.Redirect(w, r, "/shop/signin?next="+url.QueryEscape(safeNext(next)), http.StatusSeeOther)
	}
	return p
}

type cartRow struct {
	Index    int
	Product  *Product
	Quantity int
	Price    string // unit price
	Currency string
	Unit     string
	Total    string
	Quote    string
	Note     string
	// QuoteLine is said in the page's language (quoteNote).
	QuoteLine *CartQuoteLine
}

type cartGroup struct {
	Seller   *Seller
	Rows     []cartRow
	Currency string
	Total    string
}

func (s *Shop) cartGroups(userID string) []cartGroup {
	var lines []CartLine
	s.state.view(func(st *state) { lines = append(lines, st.Carts[userID]...) })
	bySeller := map[string]*cartGroup{}
	var order []string
	sums := map[string]int64{}
	for i, l := range lines {
		p := s.catalog.Product(l.Product)
		if p == nil {
			continue
		}
		price := p.Price.Amount
		if l.Price != "" {
			price = l.Price
		}
		g := bySeller[p.Seller]
		if g == nil {
			g = &cartGroup{Seller: s.catalog.Seller(p.Seller), Currency: p.Price.Currency}
			bySeller[p.Seller] = g
			order = append(order, p.Seller)
		}
		line := mustCents(price) * int64(l.Quantity)
		sums[p.Seller] += line
		g.Rows = append(g.Rows, cartRow{Index: i, Product: p, Quantity: l.Quantity, Price: price, Currency: p.Price.Currency,
			Unit: p.Price.Unit, Total: centsString(line), Quote: l.Quote, Note: l.Note, QuoteLine: l.QuoteLine})
	}
	out := make([]cartGroup, 0, len(order))
	for _, id := range order {
		g := bySeller[id]
		g.Total = centsString(sums[id])
		out = append(out, *g)
	}
	return out
}

func (s *Shop) cartPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	v := s.newView(w, r, "Your cart")
	v.Data = map[string]any{"Groups": s.cartGroups(u.ID)}
	s.render(w, http.StatusOK, "cart", v)
}

func (s *Shop) cartAdd(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	p := s.catalog.Product(r.PostFormValue("product"))
	qty, err := strconv.Atoi(r.PostFormValue("quantity"))
	if p == nil || err != nil || qty < 1 || qty > 999 {
		s.fail(w, r, http.StatusUnprocessableEntity, "Choose a product and a quantity from 1 to 999.", nil)
		return
	}
	if s.isMember(u, p.Seller) {
		s.fail(w, r, http.StatusUnprocessableEntity, "Your own company sells this.", nil)
		return
	}
	if err := s.addToCart(u.ID, CartLine{Product: p.ID, Quantity: qty}); err != nil {
		s.fail(w, r, http.StatusInternalServerError, "The cart could not be saved.", err)
		return
	}
	http.Redirect(w, r, "/shop/cart", http.StatusSeeOther)
}

// addToCart adds a line, merging it with a line of the same product at the
// list price (quoted lines stay apart: they carry their own price).
func (s *Shop) addToCart(userID string, l CartLine) error {
	return s.state.update(func(st *state) error {
		lines := st.Carts[userID]
		if l.Price == "" && l.Quote == "" {
			for i := range lines {
				if lines[i].Product == l.Product && lines[i].Price == "" && lines[i].Quote == "" {
					lines[i].Quantity = min(lines[i].Quantity+l.Quantity, 999)
					return nil
				}
			}
		}
		st.Carts[userID] = append(lines, l)
		return nil
	})
}

func (s *Shop) cartRemove(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	i, err := strconv.Atoi(r.PostFormValue("line"))
	if err == nil {
		err = s.state.update(func(st *state) error {
			lines := st.Carts[u.ID]
			if i >= 0 && i < len(lines) {
				st.Carts[u.ID] = append(lines[:i:i], lines[i+1:]...)
			}
			return nil
		})
	}
	if err != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, "That line is not in the cart.", err)
		return
	}
	http.Redirect(w, r, "/shop/cart", http.StatusSeeOther)
}

// checkout turns the cart into one order per seller and pushes them to
// Parley (PUT /api/v1/host/orders/{id}).
func (s *Shop) checkout(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	groups := s.cartGroups(u.ID)
	if len(groups) == 0 {
		http.Redirect(w, r, "/shop/cart", http.StatusSeeOther)
		return
	}
	var ids []string
	if err := s.state.update(func(st *state) error {
		for _, g := range groups {
			o := &Order{ID: fmt.Sprintf("ORD-%d", st.NextOrder), Buyer: u.ID, Seller: g.Seller.ID, Status: "placed",
				Currency: g.Currency, PlacedAt: s.now().UTC(), Source: "checkout"}
			st.NextOrder++
			for _, row := range g.Rows {
				o.Items = append(o.Items, OrderItem{Product: row.Product.ID, Title: row.Product.Title, Quantity: json.Number(strconv.Itoa(row.Quantity)),
					Price: row.Price, Unit: row.Unit})
			}
			st.Orders = append(st.Orders, o)
			ids = append(ids, o.ID)
		}
		delete(st.Carts, u.ID)
		return nil
	}); err != nil {
		s.fail(w, r, http.StatusInternalServerError, "The order could not be saved.", err)
		return
	}
	if err := s.syncOrders(r.Context()); err != nil {
		// The orders are the shop's: they reach Parley on the next sync.
		s.log.Warn("shop: pushing orders to Parley", "err", err)
	}
	lang := s.lang(nil, r, u)
	target := "/shop/orders?notice=" + url.QueryEscape(tr(lang, "Thank you! Orders placed: %s.", strings.Join(ids, ", ")))
	if len(ids) == 1 {
		target = "/shop/orders/" + ids[0] + "?notice=" + url.QueryEscape(tr(lang, "Thank you! Your order is placed."))
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// orderView is an order as a page shows it.
type orderView struct {
	Order
	SellerName string
	BuyerName  string
	Total      string
	IsBuyer    bool
	Next       string // the next step the demo can advance to
	// Tickets are the order's tickets in Parley, newest first.
	TicketViews []ticketView
}

var nextStep = map[string]string{"placed": "paid", "paid": "shipped", "shipped": "delivered", "delivered": "completed"}

func (s *Shop) viewOrder(o Order, viewer *Person) orderView {
	ov := orderView{Order: o, IsBuyer: viewer != nil && viewer.ID == o.Buyer, Next: nextStep[o.Status], TicketViews: ticketViews(o)}
	if sel := s.catalog.Seller(o.Seller); sel != nil {
		ov.SellerName = sel.Name
	}
	if b := s.catalog.Person(o.Buyer); b != nil {
		ov.BuyerName = b.Name
	}
	var sum int64
	for _, it := range o.Items {
		sum += lineCents(it.Price, it.Quantity)
	}
	ov.Total = centsString(sum)
	return ov
}

// canSee: the buyer, the seller's people and the operator see an order.
func (s *Shop) canSee(p *Person, o *Order) bool {
	return p != nil && (p.ID == o.Buyer || p.Operator || s.isMember(p, o.Seller))
}

func (s *Shop) ordersPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	var mine, received []orderView
	s.state.view(func(st *state) {
		for _, o := range st.Orders {
			switch {
			case o.Buyer == u.ID:
				mine = append(mine, s.viewOrder(o.clone(), u))
			case s.isMember(u, o.Seller) || u.Operator:
				received = append(received, s.viewOrder(o.clone(), u))
			}
		}
	})
	newest := func(l []orderView) {
		sort.Slice(l, func(i, j int) bool { return l[i].PlacedAt.After(l[j].PlacedAt) })
	}
	newest(mine)
	newest(received)
	v := s.newView(w, r, "Orders")
	v.Data = map[string]any{"Mine": mine, "Received": received}
	s.render(w, http.StatusOK, "orders", v)
}

func (s *Shop) findOrder(w http.ResponseWriter, r *http.Request) (*Person, *Order) {
	u := s.requireUser(w, r)
	if u == nil {
		return nil, nil
	}
	var found *Order
	s.state.view(func(st *state) {
		if o := st.order(r.PathValue("id")); o != nil && s.canSee(u, o) {
			c := o.clone()
			found = &c
		}
	})
	if found == nil {
		s.notFound(w, r)
	}
	return u, found
}

func (s *Shop) orderPage(w http.ResponseWriter, r *http.Request) {
	u, o := s.findOrder(w, r)
	if o == nil {
		return
	}
	v := s.newView(w, r, "Order %s")
	v.Title = v.T("Order %s", o.ID)
	v.Data = s.viewOrder(*o, u)
	s.render(w, http.StatusOK, "order", v)
}

// advance moves an order one step on (paid, shipped, delivered,
// completed), the way the shop's back office would, and tells Parley with
// an order event.
func (s *Shop) advance(w http.ResponseWriter, r *http.Request) {
	u, o := s.findOrder(w, r)
	if o == nil {
		return
	}
	next := nextStep[o.Status]
	if next == "" {
		http.Redirect(w, r, "/shop/orders/"+o.ID, http.StatusSeeOther)
		return
	}
	if err := s.state.update(func(st *state) error {
		so := st.order(o.ID)
		if so.Status != o.Status {
			return nil // a concurrent click moved it already
		}
		so.Status = next
		so.Events = append(so.Events, OrderEvent{Type: next, At: s.now().UTC()})
		return nil
	}); err != nil {
		s.fail(w, r, http.StatusInternalServerError, "The order could not be saved.", err)
		return
	}
	if err := s.syncOrders(r.Context()); err != nil {
		s.fail(w, r, http.StatusBadGateway, "The order moved on in the shop but Parley could not be told yet; it will be on the next try.", err)
		return
	}
	lang := s.lang(nil, r, u)
	http.Redirect(w, r, "/shop/orders/"+o.ID+"?notice="+url.QueryEscape(tr(lang, "Order %s: %s.", o.ID, statusName(lang, next))), http.StatusSeeOther)
}
