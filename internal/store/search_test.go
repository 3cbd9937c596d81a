package store

import (
	"strings"
	"testing"
	"unicode"
)

func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"ORD-77", `"quoted" OR NEAR(x)`, "Ćevapi über", "a:* & b", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, term := range searchTerms(q) {
			if term == "" || len(searchTerms(q)) > 8 {
				t.Fatalf("searchTerms(%q) = %q", q, searchTerms(q))
			}
			// Terms go into FTS5 and tsquery syntax: only letters and digits.
			if strings.IndexFunc(term, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) >= 0 {
				t.Fatalf("term %q of %q has syntax characters", term, q)
			}
		}
	})
}
