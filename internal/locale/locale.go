// Package locale holds what Parley's texts in six languages share: the
// languages, the choice of one for a reader, and the parsing of a
// package's embedded message files.
package locale

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages are the languages Parley writes in; English is the fallback.
var Languages = []string{"en", "it", "es", "ru", "el", "sr"}

// Pick returns the first of the candidates (a user's setting, the locale a
// host gave them, ...) whose language part Parley writes, else "en".
func Pick(candidates ...string) string {
	for _, l := range candidates {
		l = strings.ToLower(l)
		if i := strings.IndexAny(l, "-_"); i > 0 {
			l = l[:i]
		}
		for _, m := range Languages {
			if l == m {
				return m
			}
		}
	}
	return "en"
}

// MustBundle parses dir/<language>.json from fsys for every language. The
// files are embedded in the binary, so a missing or broken one is a bug:
// it panics, naming owner.
func MustBundle(fsys fs.FS, dir, owner string) *i18n.Bundle {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range Languages {
		path := dir + "/" + l + ".json"
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			panic(fmt.Sprintf("%s: %v", owner, err))
		}
		if _, err := b.ParseMessageFileBytes(data, path); err != nil {
			panic(fmt.Sprintf("%s: %s: %v", owner, path, err))
		}
	}
	return b
}

// Match returns the language of Parley's that tag (a BCP 47 tag like
// "sr-Latn-RS" or "it_IT") names, and whether there is one.
func Match(tag string) (string, bool) {
	l := strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	for _, m := range Languages {
		if l == m {
			return m, true
		}
	}
	return "", false
}

// HostLanguage is the language of the locale a host gave a user, when it
// says more than the default: users the host gave no locale are stored
// with "en", so English here defers to what the browser asks for.
func HostLanguage(hostLocale string) string {
	l, ok := Match(hostLocale)
	if !ok || l == "en" {
		return ""
	}
	return l
}
