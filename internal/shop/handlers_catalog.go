package shop

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
)

type productCard struct {
	*Product
	SellerName string
	Path       []*Category
}

func (s *Shop) cards(ps []*Product) []productCard {
	out := make([]productCard, len(ps))
	for i, p := range ps {
		out[i] = productCard{Product: p, SellerName: s.catalog.Seller(p.Seller).Name, Path: s.catalog.Path(p.Category)}
	}
	return out
}

type treeNode struct {
	*Category
	Children []treeNode
}

func (s *Shop) tree(id string, depth int) []treeNode {
	var out []treeNode
	for _, c := range s.catalog.Children(id) {
		n := treeNode{Category: c}
		if depth > 1 {
			n.Children = s.tree(c.ID, depth-1)
		}
		out = append(out, n)
	}
	return out
}

func (s *Shop) home(w http.ResponseWriter, r *http.Request) {
	// The layout names the marketplace in every <title>: the home page adds
	// nothing to it.
	v := s.newView(w, r, "")
	all := make([]*Product, len(s.catalog.Products))
	for i := range s.catalog.Products {
		all[i] = &s.catalog.Products[i]
	}
	var sellers []*Seller
	for i := range s.catalog.Sellers {
		sellers = append(sellers, &s.catalog.Sellers[i])
	}
	v.Data = map[string]any{"Tree": s.tree("", 4), "Products": s.cards(all), "Sellers": sellers}
	s.render(w, http.StatusOK, "home", v)
}

func (s *Shop) searchPage(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := s.newView(w, r, "Search")
	if q != "" {
		v.Title += ": " + q
	}
	v.Query = q
	v.Data = map[string]any{"Results": s.cards(s.catalog.Search(q))}
	s.render(w, http.StatusOK, "search", v)
}

func (s *Shop) categoryPage(w http.ResponseWriter, r *http.Request) {
	c := s.catalog.Category(r.PathValue("id"))
	if c == nil {
		s.notFound(w, r)
		return
	}
	v := s.newView(w, r, c.Name)
	v.Title = categoryName(v.Lang, c)
	v.Data = map[string]any{"Category": c, "Path": s.catalog.Path(c.ID), "Children": s.tree(c.ID, 3),
		"Products": s.cards(s.catalog.InCategory(c.ID))}
	s.render(w, http.StatusOK, "category", v)
}

func (s *Shop) sellerPage(w http.ResponseWriter, r *http.Request) {
	sel := s.catalog.Seller(r.PathValue("id"))
	if sel == nil {
		s.notFound(w, r)
		return
	}
	v := s.newView(w, r, sel.Name)
	v.WidgetSeller = sel.ID
	data := map[string]any{"Seller": sel, "Products": s.cards(s.catalog.OfSeller(sel.ID)), "Own": s.isMember(v.User, sel.ID)}
	if a, ok := s.availability(r, v.User, sellerAvailability(sel.ID)); ok {
		data["Availability"] = a
	}
	v.Data = data
	s.render(w, http.StatusOK, "seller", v)
}

func (s *Shop) isMember(p *Person, sellerID string) bool {
	if p == nil {
		return false
	}
	for _, c := range s.catalog.MemberOf(p.ID) {
		if c.ID == sellerID {
			return true
		}
	}
	return false
}

func (s *Shop) productPage(w http.ResponseWriter, r *http.Request) {
	p := s.catalog.Product(r.PathValue("id"))
	if p == nil {
		s.notFound(w, r)
		return
	}
	v := s.newView(w, r, p.Title)
	v.WidgetProduct, v.WidgetSeller = p.ID, p.Seller
	data := map[string]any{"Product": s.cards([]*Product{p})[0], "Seller": s.catalog.Seller(p.Seller), "Own": s.isMember(v.User, p.Seller)}
	if a, ok := s.availability(r, v.User, productAvailability(p.ID)); ok {
		data["Availability"] = a
	}
	v.Data = data
	s.render(w, http.StatusOK, "product", v)
}

// availability asks Parley as the signed-in person. Signed out there is
// no token to ask with; a slow or failing Parley leaves the line out rather
// than the page.
func (s *Shop) availability(r *http.Request, p *Person, path string) (Availability, bool) {
	if p == nil || !s.Ready() {
		return Availability{}, false
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	a, err := s.client.availability(ctx, p, path)
	if err != nil {
		s.log.Warn("shop: availability", "path", path, "err", err)
		return Availability{}, false
	}
	return a, true
}

func (s *Shop) signinPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(w, r, "Sign in")
	type who struct {
		*Person
		Companies []*Seller
	}
	var people []who
	for i := range s.catalog.People {
		p := &s.catalog.People[i]
		people = append(people, who{p, s.catalog.MemberOf(p.ID)})
	}
	v.Data = map[string]any{"People": people, "Next": safeNext(r.URL.Query().Get("next"))}
	s.render(w, http.StatusOK, "signin", v)
}

// safeNext keeps a redirect inside the shop.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/shop/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/shop/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/shop/"
	}
	return next
}

func (s *Shop) signin(w http.ResponseWriter, r *http.Request) {
	p := s.catalog.Person(r.PostFormValue("user"))
	if p == nil {
		s.fail(w, r, http.StatusUnprocessableEntity, "Choose one of the demo users.", nil)
		return
	}
	s.setUser(w, r, p)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Shop) signout(w http.ResponseWriter, r *http.Request) {
	s.setUser(w, r, nil)
	http.Redirect(w, r, "/shop/", http.StatusSeeOther)
}
