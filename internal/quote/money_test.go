package quote

import "testing"

func TestPriceArithmetic(t *testing.T) {
	params := []Parameter{{Name: "urgent", Label: "Urgent", Kind: ParamPercent, Value: "20"}, {Name: "travel", Label: "Travel", Kind: ParamFixed, Value: "35"}}
	for _, c := range []struct {
		name, currency string
		unit, qty      int64
		params         []Parameter
		want           string
	}{
		{"OK", "EUR", 4000, 600, params, "323.00"},
		{"HalfCentRoundsUp", "EUR", 333, 50, nil, "1.67"}, // 3.33 × 0.5 = 1.665
		{"Yen", "JPY", 1234, 150, nil, "1851"},            // 1234 × 1.5 = 1851
		{"Dinar", "KWD", 1005, 300, params[:1], "3.618"},  // 1.005 × 3 = 3.015, + 20 % = 0.603
		{"Huge", "EUR", 100_000_000_000, 100_000_000, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, errs := price("X", "hour", c.currency, c.unit, c.qty, c.params)
			got := formatDecimal(p.total, scale(c.currency))
			if len(errs) > 0 {
				got = ""
			}
			if got != c.want {
				t.Errorf("total = %q (%v), want %q", got, errs, c.want)
			}
		})
	}
}

func TestParseDecimal(t *testing.T) {
	for in, want := range map[string]int64{"12": 1200, "12.5": 1250, "0.07": 7, "12.": -1, ".5": -1, "1.234": -1, "-1": -1, "1e3": -1, "": -1} {
		got, ok := parseDecimal(in, 2)
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("parseDecimal(%q) = %d, want %d", in, got, want)
		}
	}
}

func FuzzParseDecimal(f *testing.F) {
	f.Add("12.50")
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := parseDecimal(s, 2); ok && (n < 0 || formatDecimal(n, 2) == "") {
			t.Errorf("parseDecimal(%q) = %d", s, n)
		}
	})
}
