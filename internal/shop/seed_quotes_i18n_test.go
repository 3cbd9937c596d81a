package shop

import "testing"

// TestQuoteFormTexts: every string of the shop's quote forms is sent in
// all of its languages.
func TestQuoteFormTexts(t *testing.T) {
	for path, steps := range quoteForms {
		var texts []string
		for _, st := range steps {
			texts = append(texts, st["title"].(string))
			for _, f := range st["fields"].([]formField) {
				texts = append(texts, f["label"].(string))
				if h, ok := f["help"].(string); ok {
					texts = append(texts, h)
				}
				if opts, ok := f["options"].([]string); ok {
					texts = append(texts, opts...)
				}
			}
		}
		for _, s := range texts {
			for l, lang := range quoteFormLanguages {
				if quoteFormTexts[s][l] == "" {
					t.Errorf("%s: %q has no %s text", path, s, lang)
				}
			}
		}
	}
}
