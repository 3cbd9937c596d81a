package shop

// CartQuoteLine is an accepted quote's priced line as the cart keeps it:
// its parts, said in the reader's language when the cart is shown (a note
// stored in English would stay English).
type CartQuoteLine struct {
	Quantity  string `json:"quantity"`
	Unit      string `json:"unit"`
	UnitPrice string `json:"unit_price"`
	Currency  string `json:"currency"`
}

// quoteNote is a cart line's quote in lang: "Preventivo 12: 6 × 55.00
// GBP / ora".
func quoteNote(lang, quote string, l *CartQuoteLine) string {
	if l == nil {
		return tr(lang, "Quote %s", quote)
	}
	return tr(lang, "Quote %s: %s × %s %s / %s", quote, l.Quantity, l.UnitPrice, l.Currency, unitName(lang, l.Unit))
}

// The cart's quote notes and the unread badge's plural forms (CLDR: the
// page's script picks one with Intl.PluralRules), added to messages.
func init() {
	for k, v := range map[string][5]string{
		"Quote %s":                  {"Preventivo %s", "Presupuesto %s", "Предложение %s", "Προσφορά %s", "Ponuda %s"},
		"Quote %s: %s × %s %s / %s": {"Preventivo %s: %s × %s %s / %s", "Presupuesto %s: %s × %s %s / %s", "Предложение %s: %s × %s %s / %s", "Προσφορά %s: %s × %s %s / %s", "Ponuda %s: %s × %s %s / %s"},
		"unread:one":                {"non letto", "sin leer", "непрочитанное", "μη αναγνωσμένο", "nepročitano"},
		"unread:few":                {"non letti", "sin leer", "непрочитанных", "μη αναγνωσμένα", "nepročitana"},
		"unread:many":               {"non letti", "sin leer", "непрочитанных", "μη αναγνωσμένα", "nepročitanih"},
		"unread:other":              {"non letti", "sin leer", "непрочитанных", "μη αναγνωσμένα", "nepročitanih"},
	} {
		messages[k] = v
	}
}
