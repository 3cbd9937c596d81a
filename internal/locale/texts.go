package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/parleyhq/parley"
)

// The words of what the server makes (ticket subjects, system and quote
// messages, price units): one catalogue for every renderer, the mails, the
// push, the API's convenience text and the web app's scripts (which get it
// as "js.t.<code>").
//
//go:embed texts/*.json
var TextsFS embed.FS

// TextsDir is the catalogue's folder in TextsFS.
const TextsDir = "texts"

var textBundle = sync.OnceValue(func() *i18n.Bundle { return MustBundle(TextsFS, TextsDir, "locale texts") })

// Render says t in lang (a tag Pick understands). A code the catalogue
// does not have renders as "", so that callers show their stored fallback.
func Render(lang string, t parley.Text) string {
	lang = Pick(lang)
	data := map[string]any{}
	for k, v := range t.Params {
		data[k] = v
	}
	switch t.Code {
	case "ticket.autoclosed":
		n, _ := strconv.ParseInt(t.Params["after_seconds"], 10, 64)
		data["period"] = Period(lang, n)
	case "quote.offered", "quote.accepted", "quote.declined":
		data["total"] = strings.TrimSpace(t.Params["amount"] + " " + t.Params["currency"])
	}
	return localize(lang, t.Code, data, nil)
}

func localize(lang, id string, data map[string]any, count any) string {
	l := i18n.NewLocalizer(textBundle(), lang, "en")
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		return ""
	}
	return s
}

// Period says a number of seconds in its largest whole unit ("30 days",
// "30 дней").
func Period(lang string, seconds int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"day", 86400}, {"hour", 3600}, {"minute", 60}} {
		if seconds >= u.size && seconds%u.size == 0 {
			return localize(Pick(lang), "period."+u.name, map[string]any{"Count": seconds / u.size}, seconds/u.size)
		}
	}
	return localize(Pick(lang), "period.second", map[string]any{"Count": max(seconds, 1)}, max(seconds, 1))
}

// Unit is a price unit ("hour") in lang, in the plural form quantity (a
// decimal string, "1.5") takes. A unit the catalogue does not know (the
// host's own "250 cards") is shown as the host gave it.
func Unit(lang, unit, quantity string) string {
	key := strings.ToLower(strings.TrimSpace(unit))
	if quantity == "" {
		quantity = "1"
	}
	if s := localize(Pick(lang), "unit."+key, nil, quantity); s != "" && key != "" {
		return s
	}
	return unit
}

// PerUnit is "/ hour" in lang.
func PerUnit(lang, unit string) string {
	return localize(Pick(lang), "unit.per", map[string]any{"unit": Unit(lang, unit, "1")}, nil)
}

// QuoteLine is a priced line's quantity, unit and unit price in lang:
// "6 ore × 55.00 EUR".
func QuoteLine(lang, quantity, unit, unitPrice, currency string) string {
	price := strings.TrimSpace(unitPrice + " " + currency)
	return localize(Pick(lang), "quote.line", map[string]any{"quantity": quantity, "unit": Unit(lang, unit, quantity), "price": price}, nil)
}

// IntlTag is the tag to give the browser's Intl for lang: Parley's Serbian
// is written in the Latin script, which Intl's "sr" is not.
func IntlTag(lang string) string {
	if Pick(lang) == "sr" {
		return "sr-Latn"
	}
	return Pick(lang)
}

// ScriptStrings is the catalogue of lang as the web app's scripts take it:
// "js.t.<code>" → message (a string or its plural forms).
func ScriptStrings(lang string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, l := range []string{"en", Pick(lang)} {
		data, err := TextsFS.ReadFile(TextsDir + "/" + l + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", l, err)
		}
		for k, v := range m {
			out["js.t."+k] = v
		}
	}
	return out, nil
}
