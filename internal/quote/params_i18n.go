package quote

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// ParameterTranslation is a pricing parameter's label in one language: the
// host translates its parameters as it translates its forms, so that a
// seller prices and a buyer reads "Urgente" rather than the host's
// "Urgent".
type ParameterTranslation struct {
	Label string `json:"label,omitempty"`
}

// validateParameterTranslations checks (and normalizes the keys of) the
// translations of parameter i: language tags, labels of at most 100
// characters (a translation may leave the label out: the plain one shows).
func validateParameterTranslations(i int, p *Parameter, bad func(f, msg string)) {
	prefix := "parameters[" + strconv.Itoa(i) + "]."
	p.Translations = normalizeTranslations(p.Translations, prefix, bad)
	for tag, tx := range p.Translations {
		if utf8.RuneCountInString(tx.Label) > 100 {
			bad(prefix+"translations."+tag+".label", "must be at most 100 characters")
		}
	}
}

// labelIn is a label in the first of wanted (best first) that the
// translations have, matched as forms match (exactly, else by base
// language: "sr" reads "sr-Latn"), else the plain label.
func labelIn(label string, tr map[string]ParameterTranslation, wanted []string) string {
	if len(tr) == 0 {
		return label
	}
	keys := make([]string, 0, len(tr))
	for k := range tr {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, w := range wanted {
		wt, err := language.Parse(w)
		if err != nil || wt == language.Und {
			continue
		}
		if s := strings.TrimSpace(tr[wt.String()].Label); s != "" {
			return s
		}
		wb, _ := wt.Base()
		for _, k := range keys {
			if kt, err := language.Parse(k); err == nil {
				if kb, _ := kt.Base(); kb == wb && strings.TrimSpace(tr[k].Label) != "" {
					return strings.TrimSpace(tr[k].Label)
				}
			}
		}
	}
	return label
}

// LabelIn is the parameter's label for a reader who prefers wanted.
func (p Parameter) LabelIn(wanted ...string) string { return labelIn(p.Label, p.Translations, wanted) }

// LabelIn is the adjustment's label for a reader who prefers wanted (the
// parameter's translations as they were when the offer was made).
func (a Adjustment) LabelIn(wanted ...string) string { return labelIn(a.Label, a.Translations, wanted) }

// localizeParameters says parameters' labels for the reader and leaves
// their translations out.
func localizeParameters(params []Parameter, wanted []string) []Parameter {
	out := make([]Parameter, len(params))
	for i, p := range params {
		p.Label = p.LabelIn(wanted...)
		p.Translations = nil
		out[i] = p
	}
	return out
}

// localizeQuote says a quote's adjustments' labels for the reader.
func localizeQuote(q Quote, wanted []string) Quote {
	adj := make([]Adjustment, len(q.Adjustments))
	for i, a := range q.Adjustments {
		a.Label = a.LabelIn(wanted...)
		a.Translations = nil
		adj[i] = a
	}
	q.Adjustments = adj
	return q
}
