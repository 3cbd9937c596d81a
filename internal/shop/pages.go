package shop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"price":   formatPrice,
	"amount":  formatAmount,
	"parley":  parleyOpts,
	"date":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"lineSum": func(price string, qty json.Number) string { return centsString(lineCents(price, qty)) },
	"kindName": func(k string) string {
		return map[string]string{"service": "Service, by the hour", "product": "Product"}[k]
	},
	// Bound to the page's language at render time.
	"t":           func(text string, args ...any) string { return tr("en", text, args...) },
	"status":      func(st string) string { return st },
	"cat":         func(c *Category) string { return c.Name },
	"unit":        func(u string) string { return u },
	"closedAfter": func(seconds int64) string { return closedAfter("en", seconds) },
	"quoteNote":   func(q string, l *CartQuoteLine) string { return quoteNote("en", q, l) },
}

func parsePages() (*pages, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("shop template %s: %w", n, err)
		}
		p.byName[base] = t
	}
	return p, nil
}

// view is what every page gets; Data is the page's own.
type view struct {
	Lang       string
	LangLinks  []langLink
	Title      string
	User       *Person
	Companies  []*Seller
	Operator   bool
	InboxJWT   string
	WidgetJWT  string
	WidgetLang string
	// WidgetProduct and WidgetSeller are the widget's default context.
	WidgetProduct string
	WidgetSeller  string
	CartCount     int
	Industries    []*Category
	Query         string
	Notice        string
	Path          string
	Data          any
}

type langLink struct {
	Tag, Name, URL string
	Current        bool
}

// T translates a text of the shop into the page's language.
func (v *view) T(text string, args ...any) string { return tr(v.Lang, text, args...) }

// newView fills the parts of a page that depend on who is signed in and
// on the language; title is translated when the shop has it.
func (s *Shop) newView(w http.ResponseWriter, r *http.Request, title string) *view {
	v := &view{User: s.currentUser(r), Industries: s.catalog.Children(""), Path: r.URL.RequestURI(),
		Notice: r.URL.Query().Get("notice")}
	v.Lang = s.lang(w, r, v.User)
	v.Title = v.T(title)
	for _, l := range Languages {
		u := *r.URL
		q := u.Query()
		q.Del("notice")
		q.Set("lang", l.Tag)
		u.RawQuery = q.Encode()
		v.LangLinks = append(v.LangLinks, langLink{Tag: l.Tag, Name: l.Name, URL: u.RequestURI(), Current: l.Tag == v.Lang})
	}
	if v.User == nil {
		return v
	}
	v.Companies = s.catalog.MemberOf(v.User.ID)
	v.Operator = v.User.Operator
	// The widget speaks the page's language (its data-lang).
	v.WidgetLang = v.Lang
	// The widget posts its JWT once, when it loads. The inbox form posts
	// when the person clicks, which may be a while after the page was
	// shown: shop.js then fetches a fresh JWT (inboxJWT), and this one
	// serves without script. Parley takes a JWT once and for at most ten
	// minutes after iat.
	v.WidgetJWT, _ = s.client.signJWT(v.User, widgetJWTLifetime)
	// Sellers' "Open my inbox", buyers' "My messages": Parley's /app/.
	v.InboxJWT, _ = s.client.signJWT(v.User, inboxJWTLifetime)
	s.state.view(func(st *state) {
		for _, l := range st.Carts[v.User.ID] {
			v.CartCount += l.Quantity
		}
	})
	return v
}

func (s *Shop) render(w http.ResponseWriter, status int, name string, v *view) {
	t, err := s.pages.byName[name].Clone()
	if err != nil {
		s.log.Error("shop page", "page", name, "err", err)
		http.Error(w, "page error", http.StatusInternalServerError)
		return
	}
	t.Funcs(template.FuncMap{"t": v.T, "status": func(st string) string { return statusName(v.Lang, st) },
		"cat":         func(c *Category) string { return categoryName(v.Lang, c) },
		"unit":        func(u string) string { return unitName(v.Lang, u) },
		"closedAfter": func(seconds int64) string { return closedAfter(v.Lang, seconds) },
		"quoteNote":   func(q string, l *CartQuoteLine) string { return quoteNote(v.Lang, q, l) },
		"price":       func(m Money) string { m.Unit = unitName(v.Lang, m.Unit); return formatPrice(m) }})
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("shop page", "page", name, "err", err)
		http.Error(w, "page error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Shop) notFound(w http.ResponseWriter, r *http.Request) {
	v := s.newView(w, r, "Not found")
	s.render(w, http.StatusNotFound, "notfound", v)
}

// fail shows an error page for what went wrong with Parley or the request.
func (s *Shop) fail(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	if err != nil {
		s.log.Warn("shop request failed", "path", r.URL.Path, "err", err)
	}
	v := s.newView(w, r, "Something went wrong")
	v.Data = v.T(msg)
	s.render(w, status, "error", v)
}

// parleyOpts is the JSON a button hands to window.Parley.open.
func parleyOpts(kv ...string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			m[kv[i]] = kv[i+1]
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

var symbols = map[string]string{"EUR": "€", "GBP": "£", "USD": "$"}

func formatAmount(amount, currency string) string {
	if sym, ok := symbols[currency]; ok {
		return sym + amount
	}
	return amount + " " + currency
}

func formatPrice(m Money) string {
	s := formatAmount(m.Amount, m.Currency)
	if m.Unit != "" {
		s += " / " + m.Unit
	}
	return s
}

// cents parses a decimal amount ("12.5", "12.50", "0.1234") into hundredths,
// rounding half up.
func cents(amount string) (int64, bool) {
	whole, frac, _ := strings.Cut(amount, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, false
	}
	frac += "000"
	f, err := strconv.ParseInt(frac[:3], 10, 64)
	if err != nil {
		return 0, false
	}
	return w*100 + (f+5)/10, true
}

func mustCents(amount string) int64 {
	c, _ := cents(amount)
	return c
}

// quantityMilli reads a line's quantity (up to three decimals) in
// thousandths; 0 when it is not such a number.
func quantityMilli(q json.Number) int64 {
	whole, frac, _ := strings.Cut(q.String(), ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || len(frac) > 3 {
		return 0
	}
	f, err := strconv.ParseInt((frac + "000")[:3], 10, 64)
	if err != nil {
		return 0
	}
	return w*1000 + f
}

// lineCents is a line's amount: unit price × quantity, half a cent up.
func lineCents(price string, q json.Number) int64 {
	return (mustCents(price)*quantityMilli(q) + 500) / 1000
}

func centsString(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
