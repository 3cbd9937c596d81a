package locale

import (
	"slices"
	"strings"
	"testing"
)

// FuzzPick: the language picked is always one Parley writes, and a
// candidate whose language part is one wins when it comes first.
func FuzzPick(f *testing.F) {
	for _, s := range []string{"sr-Latn", "EL_gr", "de", "", "-en", "ru\x00", "en-", "zz-it"} {
		f.Add(s, "it")
	}
	f.Fuzz(func(t *testing.T, first, second string) {
		got := Pick(first, second)
		if !slices.Contains(Languages, got) {
			t.Fatalf("Pick(%q, %q) = %q: not a language Parley writes", first, second, got)
		}
		lang := strings.ToLower(first)
		if i := strings.IndexAny(lang, "-_"); i > 0 {
			lang = lang[:i]
		}
		if slices.Contains(Languages, lang) && got != lang {
			t.Errorf("Pick(%q, %q) = %q, want %q", first, second, got, lang)
		}
	})
}
