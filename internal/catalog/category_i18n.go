package catalog

import (
	"fmt"
	"sort"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/parleyhq/parley"
)

// checkCategoryTranslations checks a product's category path in other
// languages: at most 20 language tags, each path as long as the category
// (level by level), names of at most 100 characters. It returns the
// translations keyed by canonical tags.
func checkCategoryTranslations(category []string, tr map[string][]string) (map[string][]string, []*parley.FieldError) {
	if len(tr) == 0 {
		return nil, nil
	}
	var errs []*parley.FieldError
	bad := func(f, m string) { errs = append(errs, &parley.FieldError{Field: f, Message: m}) }
	if len(tr) > 20 {
		bad("category_translations", "at most 20 languages")
	}
	out := make(map[string][]string, len(tr))
	for k, path := range tr {
		tag, err := language.Parse(k)
		if err != nil || tag == language.Und {
			bad("category_translations", fmt.Sprintf("%q is not a language tag like it or sr-Latn", k))
			continue
		}
		f := "category_translations." + tag.String()
		if _, dup := out[tag.String()]; dup {
			bad("category_translations", fmt.Sprintf("%q is given twice", tag.String()))
		}
		if len(path) != len(category) {
			bad(f, fmt.Sprintf("must name the %d levels of category", len(category)))
		}
		for _, n := range path {
			if utf8.RuneCountInString(n) > 100 {
				bad(f, "names must be at most 100 characters")
				break
			}
		}
		out[tag.String()] = path
	}
	return out, errs
}

// CategoryIn is a product's category path in lang (one of Parley's
// languages): the host's translation whose language is lang (exactly,
// else by base language: "sr" reads "sr-Latn"), else the path as given.
func CategoryIn(p parley.Product, lang string) []string {
	if path, ok := p.CategoryTranslations[lang]; ok && len(path) == len(p.Category) {
		return path
	}
	keys := make([]string, 0, len(p.CategoryTranslations))
	for k := range p.CategoryTranslations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want, _ := language.Make(lang).Base()
	for _, k := range keys {
		if b, _ := language.Make(k).Base(); b == want && len(p.CategoryTranslations[k]) == len(p.Category) {
			return p.CategoryTranslations[k]
		}
	}
	return p.Category
}
