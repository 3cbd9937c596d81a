package shop

import (
	"slices"
	"testing"
)

func ids(ps []*Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestSearch(t *testing.T) {
	c := DemoCatalog()
	tests := []struct {
		name    string
		query   string
		want    []string // must be found
		notWant []string // must not be found
		first   string   // the best match, when it matters
	}{
		{name: "PartialWord", query: "rove", want: []string{"oak-table", "oak-table-extendable", "oak-bench"}, notWant: []string{"walnut-chair"}},
		{name: "CodeExact", query: "ST-D-19", want: []string{"drill-set"}, first: "drill-set"},
		{name: "CodePrefixLowercase", query: "st-d", want: []string{"drill-set", "step-drill", "masonry-bits"}, notWant: []string{"spanner-set"}},
		{name: "Tag", query: "walnut", want: []string{"walnut-chair", "walnut-coffee-table"}, notWant: []string{"oak-table"}},
		{name: "AccentsIgnoredSpanish", query: "ceramica", want: []string{"talavera-tiles", "dinner-plates", "tiling-service"}},
		{name: "AccentsInQuery", query: "CERÁMICA", want: []string{"talavera-tiles"}},
		{name: "AccentsIgnoredGreek", query: "σχεδιασμος", want: []string{"interior-design"}, first: "interior-design"},
		{name: "GreekFinalSigmaAndCase", query: "ΧΩΡΩΝ", want: []string{"interior-design"}},
		{name: "RussianYo", query: "сверл", want: []string{"drill-set"}},
		{name: "SerbianLatin", query: "kovac odrzavanje", want: []string{"site-maintenance"}, notWant: []string{"website", "webshop"}},
		{name: "SerbianDj", query: "prilagodjen", want: []string{"website"}},
		{name: "SeveralWords", query: "azulejo verde", want: []string{"zellige-tiles"}, notWant: []string{"talavera-tiles"}},
		{name: "CategoryName", query: "3d rendering", want: []string{"render-3d"}},
		{name: "English", query: "letterpress", want: []string{"letterpress-cards"}, first: "letterpress-cards"},
		{name: "NoMatch", query: "submarine", want: nil},
		{name: "Empty", query: "   ", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(c.Search(tt.query))
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Search(%q) = %v, want it to contain %s", tt.query, got, w)
				}
			}
			for _, w := range tt.notWant {
				if slices.Contains(got, w) {
					t.Errorf("Search(%q) = %v, want no %s", tt.query, got, w)
				}
			}
			if tt.want == nil && len(got) != 0 {
				t.Errorf("Search(%q) = %v, want nothing", tt.query, got)
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("Search(%q) = %v, want %s first", tt.query, got, tt.first)
			}
		})
	}
}

// TestDemoCatalogShape checks what the demo promises: 5+ sellers, 30+
// products and services in six languages, a four-level tree with products
// on its leaves, and consistent references.
func TestDemoCatalogShape(t *testing.T) {
	c := DemoCatalog()
	if len(c.Sellers) < 5 {
		t.Errorf("sellers = %d, want at least 5", len(c.Sellers))
	}
	if len(c.Products) < 30 {
		t.Errorf("products = %d, want at least 30", len(c.Products))
	}
	langs := map[string]bool{}
	kinds := map[string]int{}
	codes := map[string]bool{}
	for _, p := range c.Products {
		langs[p.Lang] = true
		kinds[p.Kind]++
		if codes[p.Code] || p.Code == "" {
			t.Errorf("product %s: code %q empty or repeated", p.ID, p.Code)
		}
		codes[p.Code] = true
		if c.Seller(p.Seller) == nil {
			t.Errorf("product %s: unknown seller %s", p.ID, p.Seller)
		}
		if path := c.Path(p.Category); len(path) != 4 {
			t.Errorf("product %s: category path %v has %d levels, want 4", p.ID, c.CategoryNames(p.Category), len(path))
		}
		if len(c.Children(p.Category)) != 0 {
			t.Errorf("product %s: category %s is not a leaf", p.ID, p.Category)
		}
		if _, ok := cents(p.Price.Amount); !ok || p.Price.Currency == "" || p.Price.Unit == "" || len(p.Tags) == 0 || p.Description == "" {
			t.Errorf("product %s: incomplete price, tags or description", p.ID)
		}
		if p.Kind == "service" && p.Price.Unit != "hour" {
			t.Errorf("service %s: unit %q, want hour", p.ID, p.Price.Unit)
		}
	}
	for _, l := range []string{"it", "el", "sr", "ru", "es", "en"} {
		if !langs[l] {
			t.Errorf("no product in %s", l)
		}
	}
	if kinds["product"] == 0 || kinds["service"] < 5 {
		t.Errorf("kinds = %v, want products and hourly services", kinds)
	}
	for _, cat := range c.Categories {
		if cat.Parent != "" && c.Category(cat.Parent) == nil {
			t.Errorf("category %s: unknown parent %s", cat.ID, cat.Parent)
		}
		if n := len(c.Path(cat.ID)); len(c.Children(cat.ID)) == 0 && n != 4 {
			t.Errorf("leaf category %s is at level %d, want 4", cat.ID, n)
		}
	}
	for _, s := range c.Sellers {
		if len(s.Members) == 0 {
			t.Errorf("seller %s has nobody", s.ID)
		}
		for _, m := range s.Members {
			if c.Person(m.User) == nil {
				t.Errorf("seller %s: unknown member %s", s.ID, m.User)
			}
		}
	}
	for _, o := range seedOrders(testNow) {
		if c.Person(o.Buyer) == nil || c.Seller(o.Seller) == nil {
			t.Errorf("seed order %s: unknown buyer or seller", o.ID)
		}
		for _, it := range o.Items {
			if p := c.Product(it.Product); p == nil || p.Seller != o.Seller {
				t.Errorf("seed order %s: item %s is not a product of %s", o.ID, it.Product, o.Seller)
			}
		}
	}
}

func TestCents(t *testing.T) {
	for in, want := range map[string]int64{"12": 1200, "12.5": 1250, "12.50": 1250, "0.125": 13, "0.1249": 12, "1250.00": 125000} {
		if got, ok := cents(in); !ok || got != want {
			t.Errorf("cents(%q) = %d, %v, want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "-1", "x", "1.x"} {
		if _, ok := cents(bad); ok {
			t.Errorf("cents(%q) ok, want refused", bad)
		}
	}
}

func TestSearchTranslatedCategories(t *testing.T) {
	c := DemoCatalog()
	for q, want := range map[string]string{"mobili": "oak-table", "плитка": "talavera-tiles", "ιστοσελιδες": "website", "nameštaj": "walnut-chair", "vizit": "business-cards"} {
		if got := ids(c.Search(q)); !slices.Contains(got, want) {
			t.Errorf("Search(%q) = %v, want %s", q, got, want)
		}
	}
	for _, cat := range c.Categories {
		row, ok := categoryNames[cat.ID]
		if !ok {
			t.Errorf("category %s has no translations", cat.ID)
		}
		for i, n := range row {
			if n == "" {
				t.Errorf("category %s: translation %d missing", cat.ID, i)
			}
		}
	}
}
