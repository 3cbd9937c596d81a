package shop

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// fold lowers a text and strips its accents (NFD, then drop the combining
// marks), so that "ceramica" finds "Cerámica", "petrovic" "Petrović",
// "σχεδιασμος" "Σχεδιασμός" and "свер" "свёрла".
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	// The Serbian đ and the final sigma have no decomposition.
	out = strings.NewReplacer("đ", "dj", "Đ", "dj", "ς", "σ").Replace(strings.ToLower(out))
	return out
}

// Search finds the products whose name, code, tags, description, seller or
// category contain every word of the query, anywhere (so parts of words
// match too), ignoring case and accents. Matches in the title or the code
// come first, then by title.
func (c *Catalog) Search(query string) []*Product {
	words := strings.Fields(fold(query))
	if len(words) == 0 {
		return nil
	}
	type hit struct {
		p     *Product
		score int
	}
	var hits []hit
	for i := range c.Products {
		p := &c.Products[i]
		text := c.search[p.ID]
		score := 0
		ok := true
		head := fold(p.Title + " " + p.Code)
		for _, w := range words {
			if !strings.Contains(text, w) {
				ok = false
				break
			}
			if strings.Contains(head, w) {
				score++
			}
		}
		if ok {
			hits = append(hits, hit{p, score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].p.Title < hits[j].p.Title
	})
	out := make([]*Product, len(hits))
	for i, h := range hits {
		out[i] = h.p
	}
	return out
}
