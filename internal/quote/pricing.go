package quote

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/safehttp"
)

// Parameter kinds: a percentage of the lines' subtotal, or a fixed amount.
const (
	ParamPercent = "percent"
	ParamFixed   = "fixed"
)

// Parameter is one of the marketplace's pricing parameters ("urgent
// +20 %", "travel 35.00"); a seller picks which apply to an offer. Value is
// a decimal string, negative for a discount.
type Parameter struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Kind  string `json:"kind"`
	Value string `json:"value"`
	// Translations are the label in other languages, keyed by language
	// tag (as a form's are).
	Translations map[string]ParameterTranslation `json:"translations,omitempty"`
}

// Pricing is what a seller prices a product's quote with.
type Pricing struct {
	Input      string      `json:"input"` // "hours" for a price per hour, else "quantity"
	Unit       string      `json:"unit"`
	UnitPrice  Money       `json:"unit_price"`
	Parameters []Parameter `json:"parameters"`
}

// Money is an amount as a decimal string in the currency's minor units.
type Money struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// Line is a priced line of an offer.
type Line struct {
	Title     string      `json:"title"`
	Quantity  json.Number `json:"quantity"`
	Unit      string      `json:"unit"`
	UnitPrice string      `json:"unit_price"`
	Amount    string      `json:"amount"`
}

// Adjustment is a pricing parameter applied to an offer.
type Adjustment struct {
	Name   string `json:"name"`
	Label  string `json:"label"`
	Kind   string `json:"kind"`
	Value  string `json:"value"`
	Amount string `json:"amount"`
	// Translations are the parameter's label in other languages as they
	// were at the offer: the label is said in each reader's language.
	Translations map[string]ParameterTranslation `json:"translations,omitempty"`
}

// SettingsInput is a host's PUT of its quote settings.
type SettingsInput struct {
	CartURL    string      `json:"cart_url"`
	Parameters []Parameter `json:"parameters"`
}

// inputName is the offer input named after a price unit: the plural of
// the unit ("hours" for "hour"), or "quantity" without one.
func inputName(unit string) string {
	u := strings.ToLower(strings.TrimSpace(unit))
	switch {
	case u == "" || u == "piece" || u == "item" || u == "unit":
		return "quantity"
	case strings.HasSuffix(u, "s"):
		return u
	}
	return u + "s"
}

var paramNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// parseSigned reads a decimal string that may start with '-'.
func parseSigned(s string, digits int) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	n, ok := parseDecimal(strings.TrimPrefix(s, "-"), digits)
	if neg {
		n = -n
	}
	return n, ok
}

func validateSettings(in SettingsInput) []parley.FieldError {
	var errs []parley.FieldError
	bad := func(f, m string) { errs = append(errs, parley.FieldError{Field: f, Message: m}) }
	if in.CartURL != "" && (len(in.CartURL) > 2048 || !safehttp.WebURL(in.CartURL)) {
		bad("cart_url", "must be an http(s) URL of at most 2048 characters")
	}
	if len(in.Parameters) > 30 {
		bad("parameters", "at most 30 parameters")
	}
	seen := map[string]bool{}
	for i, p := range in.Parameters {
		f := fmt.Sprintf("parameters[%d].", i)
		if !paramNameRE.MatchString(p.Name) || seen[p.Name] {
			bad(f+"name", "must be a unique name of lower-case letters, digits or _")
		}
		seen[p.Name] = true
		validateParameterTranslations(i, &in.Parameters[i], bad)
		if strings.TrimSpace(p.Label) == "" || utf8.RuneCountInString(p.Label) > 100 {
			bad(f+"label", "is required, at most 100 characters")
		}
		switch p.Kind {
		case ParamPercent:
			if n, ok := parseSigned(p.Value, 2); !ok || n < -10000 || n > 100000 {
				bad(f+"value", "must be a percentage from -100 to 1000 with at most 2 decimals")
			}
		case ParamFixed:
			if _, ok := parseSigned(p.Value, 3); !ok {
				bad(f+"value", "must be a decimal amount like 35.00")
			}
		default:
			bad(f+"kind", "must be percent or fixed")
		}
	}
	return errs
}

// priced is an offer's computed price.
type priced struct {
	lines       []Line
	adjustments []Adjustment
	total       int64
}

// price computes an offer: quantity (in hundredths) × unit price (minor
// units), rounded half away from zero to the minor unit, then each chosen
// parameter on the subtotal. All integer arithmetic.
func price(title, unit, currency string, unitMinor, qtyHundredths int64, params []Parameter) (priced, []parley.FieldError) {
	sc := scale(currency)
	var out priced
	if unitMinor > 0 && qtyHundredths > math.MaxInt64/unitMinor {
		return out, []parley.FieldError{{Field: "inputs", Message: "the total is too large"}}
	}
	amount := divRound(unitMinor*qtyHundredths, 100)
	out.lines = []Line{{Title: title, Quantity: json.Number(trimDecimal(qtyHundredths)), Unit: unit,
		UnitPrice: formatDecimal(unitMinor, sc), Amount: formatDecimal(amount, sc)}}
	out.total = amount
	var errs []parley.FieldError
	for _, p := range params {
		var adj int64
		switch p.Kind {
		case ParamPercent:
			pct, _ := parseSigned(p.Value, 2) // hundredths of a percent
			adj = divRound(amount*pct, 10000)
		case ParamFixed:
			v, ok := parseSigned(p.Value, sc)
			if !ok {
				errs = append(errs, parley.FieldError{Field: "parameters", Message: fmt.Sprintf("%s: %s has more decimals than %s has", p.Name, p.Value, currency)})
				continue
			}
			adj = v
		}
		out.adjustments = append(out.adjustments, Adjustment{Name: p.Name, Label: p.Label, Kind: p.Kind, Value: p.Value, Amount: formatDecimal(adj, sc), Translations: p.Translations})
		out.total += adj
	}
	if out.total < 0 {
		errs = append(errs, parley.FieldError{Field: "parameters", Message: "the total must not be negative"})
	}
	if out.total > maxMinor {
		errs = append(errs, parley.FieldError{Field: "inputs", Message: "the total is too large"})
	}
	if out.adjustments == nil {
		out.adjustments = []Adjustment{}
	}
	return out, errs
}
