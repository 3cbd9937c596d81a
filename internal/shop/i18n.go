package shop

import (
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// Languages are the shop's languages, English first (the fallback).
var Languages = []struct{ Tag, Name string }{
	{"en", "English"}, {"it", "Italiano"}, {"es", "Español"}, {"ru", "Русский"}, {"el", "Ελληνικά"}, {"sr", "Srpski"},
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Italian, language.Spanish, language.Russian,
	language.Greek, language.Serbian})

const langCookie = "parley_shop_lang"

// lang picks the page's language: an explicit choice (?lang=, kept in a
// cookie), else the signed-in person's locale, else Accept-Language, else
// English. The catalogue itself stays in each seller's language.
func (s *Shop) lang(w http.ResponseWriter, r *http.Request, p *Person) string {
	if l := r.URL.Query().Get("lang"); known(l) {
		if w != nil {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/shop/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		}
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && known(c.Value) {
		return c.Value
	}
	if p != nil && known(p.Locale) {
		return p.Locale
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, i, conf := matcher.Match(tags...)
			if conf != language.No {
				return Languages[i].Tag
			}
		}
	}
	return "en"
}

func known(l string) bool {
	for _, x := range Languages {
		if x.Tag == l {
			return true
		}
	}
	return false
}

// tr translates an English text of the shop into lang; fmt verbs in the
// text take args. Texts without a translation stay English.
func tr(lang, text string, args ...any) string {
	if row, ok := messages[text]; ok {
		if i := langIndex(lang); i >= 0 && row[i] != "" {
			text = row[i]
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

func langIndex(lang string) int {
	switch lang {
	case "it":
		return 0
	case "es":
		return 1
	case "ru":
		return 2
	case "el":
		return 3
	case "sr":
		return 4
	}
	return -1
}

// unitName translates a price unit.
func unitName(lang, unit string) string {
	if i := langIndex(lang); i >= 0 {
		if row, ok := messages["unit:"+unit]; ok && row[i] != "" {
			return row[i]
		}
	}
	return unit
}

// statusName translates an order status.
func statusName(lang, status string) string {
	if langIndex(lang) < 0 || messages["status:"+status][langIndex(lang)] == "" {
		return status
	}
	return tr(lang, "status:"+status)
}

func init() {
	// Statuses are keyed "status:<name>"; their English is the name.
	for _, st := range []string{"placed", "paid", "shipped", "delivered", "completed"} {
		if _, ok := messages["status:"+st]; !ok {
			panic("shop: no translation of status " + st)
		}
	}
	for k, row := range messages {
		for i, v := range row {
			if strings.Count(v, "%") != strings.Count(k, "%") {
				panic(fmt.Sprintf("shop: translation %d of %q has other verbs", i, k))
			}
		}
	}
}
