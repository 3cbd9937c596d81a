package shop

import (
	"io/fs"
	"net/http/httptest"
	"regexp"
	"testing"
)

// TestTranslationsComplete: every text the templates translate has all
// five translations.
func TestTranslationsComplete(t *testing.T) {
	re := regexp.MustCompile(`\bt "([^"]+)"`)
	seen := 0
	fs.WalkDir(assets, "templates", func(path string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		b, _ := fs.ReadFile(assets, path)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen++
			row, ok := messages[m[1]]
			if !ok {
				t.Errorf("%s: %q has no translations", path, m[1])
				continue
			}
			for i, v := range row {
				if v == "" {
					t.Errorf("%s: %q has no translation %d", path, m[1], i)
				}
			}
		}
		return nil
	})
	if seen < 50 {
		t.Errorf("found %d translated texts in the templates, want the templates to use t", seen)
	}
	for _, k := range []string{"Service, by the hour", "Product", "Choose one of the demo users.", "Thank you! Your order is placed."} {
		if _, ok := messages[k]; !ok {
			t.Errorf("%q has no translations", k)
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	s := &Shop{}
	anna := &Person{Locale: "it"}
	tests := []struct {
		name, url, cookie, acceptLanguage string
		person                            *Person
		want                              string
	}{
		{"Default", "/shop/", "", "", nil, "en"},
		{"AcceptLanguage", "/shop/", "", "es-ES,es;q=0.9,en;q=0.5", nil, "es"},
		{"AcceptLanguageSerbian", "/shop/", "", "sr-Latn-RS", nil, "sr"},
		{"AcceptLanguageUnknown", "/shop/", "", "ja", nil, "en"},
		{"UserLocale", "/shop/", "", "es", anna, "it"},
		{"Cookie", "/shop/", "el", "es", anna, "el"},
		{"QueryWins", "/shop/?lang=ru", "el", "es", anna, "ru"},
		{"UnknownQueryIgnored", "/shop/?lang=xx", "", "", anna, "it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.url, nil)
			if tt.cookie != "" {
				r.Header.Set("Cookie", langCookie+"="+tt.cookie)
			}
			if tt.acceptLanguage != "" {
				r.Header.Set("Accept-Language", tt.acceptLanguage)
			}
			if got := s.lang(nil, r, tt.person); got != tt.want {
				t.Errorf("lang = %s, want %s", got, tt.want)
			}
		})
	}
	if got := tr("sr", "Order %s", "ORD-1"); got != "Porudžbina ORD-1" {
		t.Errorf("tr = %q", got)
	}
	if got := statusName("en", "completed"); got != "completed" {
		t.Errorf("statusName(en) = %q", got)
	}
	if got := statusName("el", "shipped"); got != "απεστάλη" {
		t.Errorf("statusName(el) = %q", got)
	}
}

// TestPagesParse: every page template parses with the layout and partials.
func TestPagesParse(t *testing.T) {
	p, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"home", "search", "category", "seller", "product", "signin", "cart", "orders", "order", "error", "notfound"} {
		if p.byName[name] == nil {
			t.Errorf("no page %s", name)
		}
	}
}

func TestUnitsTranslated(t *testing.T) {
	for _, p := range DemoCatalog().Products {
		row, ok := messages["unit:"+p.Price.Unit]
		if !ok {
			t.Errorf("product %s: unit %q has no translations", p.ID, p.Price.Unit)
		}
		for i, v := range row {
			if v == "" {
				t.Errorf("unit %q: translation %d missing", p.Price.Unit, i)
			}
		}
	}
	if got := unitName("ru", "hour"); got != "час" {
		t.Errorf("unitName(ru, hour) = %q", got)
	}
	if got := unitName("en", "hour"); got != "hour" {
		t.Errorf("unitName(en, hour) = %q", got)
	}
}
