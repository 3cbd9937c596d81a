package quote

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/parleyhq/parley"
)

// DefaultFormLocale is the language of a form's plain strings when the
// host does not name one.
const DefaultFormLocale = "en"

// StepTranslation is a step's title in one language.
type StepTranslation struct {
	Title string `json:"title,omitempty"`
}

// FieldTranslation is a field's label, help and option labels in one language.
// Options are labels only: the answer stays the option as the form's own
// language writes it, so answers compare and price whatever the buyer read.
type FieldTranslation struct {
	Label   string   `json:"label,omitempty"`
	Help    string   `json:"help,omitempty"`
	Options []string `json:"options,omitempty"`
}

// formLocale is the canonical BCP 47 tag of a locale the host sends, or
// false when it is not one.
func formLocale(s string) (string, bool) {
	tag, err := language.Parse(strings.TrimSpace(s))
	if err != nil || tag == language.Und {
		return "", false
	}
	return tag.String(), true
}

// normalizeTranslations rewrites the translations' keys to canonical tags
// and checks them, adding field errors under prefix.
func normalizeTranslations[T any](m map[string]T, prefix string, bad func(f, msg string)) map[string]T {
	if len(m) == 0 {
		return nil
	}
	if len(m) > 20 {
		bad(prefix+"translations", "at most 20 languages")
	}
	out := make(map[string]T, len(m))
	for k, v := range m {
		tag, ok := formLocale(k)
		if !ok {
			bad(prefix+"translations", fmt.Sprintf("%q is not a language tag like it or sr-Latn", k))
			continue
		}
		if _, dup := out[tag]; dup {
			bad(prefix+"translations", fmt.Sprintf("%q is given twice", tag))
		}
		out[tag] = v
	}
	return out
}

// validateTranslations checks (and normalizes the keys of) a form's
// translations: the same limits as the plain strings; a translation may
// leave a string out (the plain one is shown), but a select's translated
// options are all of them, in the same order.
func validateTranslations(steps []Step) []parley.FieldError {
	var errs []parley.FieldError
	bad := func(f, m string) { errs = append(errs, parley.FieldError{Field: f, Message: m}) }
	for i := range steps {
		st := &steps[i]
		p := fmt.Sprintf("steps[%d].", i)
		st.Translations = normalizeTranslations(st.Translations, p, bad)
		for k, tx := range st.Translations {
			if utf8.RuneCountInString(tx.Title) > 200 {
				bad(p+"translations."+k+".title", "must be at most 200 characters")
			}
		}
		for j := range st.Fields {
			f := &st.Fields[j]
			fp := fmt.Sprintf("%sfields[%d].", p, j)
			if len(f.OptionLabels) > 0 {
				bad(fp+"option_labels", "is answered, not sent: send translations.<lang>.options")
			}
			f.Translations = normalizeTranslations(f.Translations, fp, bad)
			for k, tx := range f.Translations {
				tp := fp + "translations." + k + "."
				if utf8.RuneCountInString(tx.Label) > 200 {
					bad(tp+"label", "must be at most 200 characters")
				}
				if utf8.RuneCountInString(tx.Help) > 500 {
					bad(tp+"help", "must be at most 500 characters")
				}
				if len(tx.Options) > 0 && f.Type != FieldSelect {
					bad(tp+"options", "only a select has options")
				} else if len(tx.Options) > 0 && len(tx.Options) != len(f.Options) {
					bad(tp+"options", fmt.Sprintf("give all %d options, in the same order", len(f.Options)))
				}
				for _, o := range tx.Options {
					if strings.TrimSpace(o) == "" || utf8.RuneCountInString(o) > 200 {
						bad(tp+"options", "options must be 1 to 200 characters")
						break
					}
				}
			}
		}
	}
	return errs
}

// formLocales lists a form's languages: its own first, then those of its
// translations, sorted.
func formLocales(steps []Step, own string) []string {
	seen := map[string]bool{own: true}
	var more []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			more = append(more, k)
		}
	}
	for _, st := range steps {
		for k := range st.Translations {
			add(k)
		}
		for _, f := range st.Fields {
			for k := range f.Translations {
				add(k)
			}
		}
	}
	slices.Sort(more)
	return append([]string{own}, more...)
}

// pickLocale chooses the form's language for a reader who prefers wanted,
// best first: the first wanted language the form has (exactly, else by its
// base language: "it-CH" reads "it", "sr" reads "sr-Latn"), else the
// form's own.
func pickLocale(have []string, wanted []string) string {
	for _, w := range wanted {
		wt, err := language.Parse(w)
		if err != nil || wt == language.Und {
			continue
		}
		if slices.Contains(have, wt.String()) {
			return wt.String()
		}
		wb, _ := wt.Base()
		for _, h := range have {
			if hb, _ := language.MustParse(h).Base(); hb == wb {
				return h
			}
		}
	}
	return have[0]
}

// localize answers steps in one language: translated strings where the
// form has them, the plain ones elsewhere; a select's options stay the
// answers to send, with option_labels beside them to show. The
// translations themselves are left out.
func localize(steps []Step, lang string) []Step {
	out := make([]Step, len(steps))
	for i, st := range steps {
		ls := Step{Title: st.Title, Fields: make([]Field, len(st.Fields))}
		if tx, ok := st.Translations[lang]; ok && strings.TrimSpace(tx.Title) != "" {
			ls.Title = tx.Title
		}
		for j, f := range st.Fields {
			lf := f
			lf.Translations = nil
			if tx, ok := f.Translations[lang]; ok {
				if strings.TrimSpace(tx.Label) != "" {
					lf.Label = tx.Label
				}
				if strings.TrimSpace(tx.Help) != "" {
					lf.Help = tx.Help
				}
				if len(tx.Options) == len(f.Options) && len(tx.Options) > 0 {
					lf.OptionLabels = tx.Options
				}
			}
			ls.Fields[j] = lf
		}
		out[i] = ls
	}
	return out
}
