package web

import (
	"encoding/json"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/locale"
)

// Say is a server-made text in the page's language, or fallback (the
// stored words) when there is none or the catalogue does not know it.
func (l *localizer) Say(t *parley.Text, fallback string) string {
	if t == nil {
		return fallback
	}
	if s := locale.Render(l.lang, *t); s != "" {
		return s
	}
	return fallback
}

// QuoteLine is a priced line's quantity, unit and unit price in the page's
// language ("6 ore × 55.00 EUR").
func (l *localizer) QuoteLine(quantity json.Number, unit, unitPrice, currency string) string {
	return locale.QuoteLine(l.lang, quantity.String(), unit, unitPrice, currency)
}

// IntlTag is the page's language as the browser's Intl takes it (Serbian
// in the Latin script).
func (l *localizer) IntlTag() string { return locale.IntlTag(l.lang) }

// Lang is the page's language, for what templates say per reader (a
// quote's parameter labels: {{.LabelIn $.Lang}}).
func (l *localizer) Lang() string { return l.lang }
