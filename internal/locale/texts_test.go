package locale

import (
	"encoding/json"
	"testing"

	"github.com/parleyhq/parley"
)

func TestRender(t *testing.T) {
	cases := []struct {
		name, lang string
		text       parley.Text
		want       string
	}{
		{"OrderIt", "it", parley.Text{Code: "ticket.order", Params: map[string]string{"order": "ORD-1001"}}, "Ordine ORD-1001"},
		{"OrderSrLatn", "sr-Latn", parley.Text{Code: "ticket.order", Params: map[string]string{"order": "ORD-1001"}}, "Porudžbina ORD-1001"},
		{"OrderEn", "", parley.Text{Code: "ticket.order", Params: map[string]string{"order": "ORD-1001"}}, "Order ORD-1001"},
		{"CompletedEl", "el", parley.Text{Code: "ticket.completed", Params: map[string]string{"by": "Nikos"}}, "Nikos: ολοκλήρωση της συνομιλίας."},
		{"AutoclosedRu", "ru", parley.Text{Code: "ticket.autoclosed", Params: map[string]string{"after_seconds": "432000"}}, "Закрыта автоматически: 5 дней без активности."},
		{"QuoteIt", "it", parley.Text{Code: "quote.accepted", Params: map[string]string{"amount": "330.00", "currency": "EUR"}}, "Preventivo accettato: 330.00 EUR"},
		{"UnknownCode", "it", parley.Text{Code: "no.such"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Render(c.lang, c.text); got != c.want {
				t.Errorf("Render(%q, %v) = %q, want %q", c.lang, c.text, got, c.want)
			}
		})
	}
}

func TestUnits(t *testing.T) {
	cases := []struct{ lang, unit, qty, want string }{
		{"it", "hour", "6", "ore"},
		{"it", "hour", "1", "ora"},
		{"sr", "hour", "6", "sati"},
		{"sr", "hour", "2", "sata"},
		{"sr", "hour", "1.5", "sati"},
		{"ru", "hour", "5", "часов"},
		{"ru", "hour", "1.5", "часа"},
		{"el", "Hour", "2", "ώρες"},
		{"it", "250 cards", "1", "250 cards"},
		{"it", "", "1", ""},
	}
	for _, c := range cases {
		if got := Unit(c.lang, c.unit, c.qty); got != c.want {
			t.Errorf("Unit(%q, %q, %q) = %q, want %q", c.lang, c.unit, c.qty, got, c.want)
		}
	}
	if got, want := QuoteLine("it", "6", "hour", "55.00", "EUR"), "6 ore × 55.00 EUR"; got != want {
		t.Errorf("QuoteLine = %q, want %q", got, want)
	}
	if got, want := PerUnit("es", "hour"), "/ hora"; got != want {
		t.Errorf("PerUnit = %q, want %q", got, want)
	}
	if got := IntlTag("sr"); got != "sr-Latn" {
		t.Errorf("IntlTag(sr) = %q, want sr-Latn", got)
	}
}

// TestTextsComplete checks that every language has every code of English.
func TestTextsComplete(t *testing.T) {
	read := func(l string) map[string]json.RawMessage {
		data, err := TextsFS.ReadFile(TextsDir + "/" + l + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	en := read("en")
	for _, l := range Languages {
		m := read(l)
		for k := range en {
			if _, ok := m[k]; !ok {
				t.Errorf("%s.json lacks %q", l, k)
			}
		}
	}
}

func TestParseText(t *testing.T) {
	in := parley.Text{Code: "ticket.order", Params: map[string]string{"order": "A\"1"}, Text: "dropped"}
	got, ok := parley.ParseText(in.Marshal())
	if !ok || got.Code != in.Code || got.Params["order"] != `A"1` || got.Text != "" {
		t.Errorf("parley.ParseText(Marshal) = %+v, %v", got, ok)
	}
	for _, s := range []string{"", "{", `{"params":{}}`, "Order 1"} {
		if _, ok := parley.ParseText(s); ok {
			t.Errorf("parley.ParseText(%q) ok, want not", s)
		}
	}
}
