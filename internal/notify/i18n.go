package notify

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// The mails' texts in Parley's six languages (the web app's, too).
//
//go:embed locales/*.json
var localeFS embed.FS

// mailLanguages are the languages mails are written in.
var mailLanguages = []string{"en", "it", "es", "ru", "el", "sr"}

// mailBundle is parsed once; its files are part of the binary, so a broken
// one fails every test at once.
var mailBundle = func() *i18n.Bundle {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range mailLanguages {
		path := "locales/" + l + ".json"
		data, err := localeFS.ReadFile(path)
		if err != nil {
			panic(err)
		}
		if _, err := b.ParseMessageFileBytes(data, path); err != nil {
			panic(fmt.Sprintf("notify: %s: %v", path, err))
		}
	}
	return b
}()

// mailLanguage picks a recipient's language: their own setting, else the
// locale the host gave them (its language part), else English.
func mailLanguage(setting, hostLocale string) string {
	for _, l := range []string{setting, hostLocale} {
		l = strings.ToLower(l)
		if i := strings.IndexAny(l, "-_"); i > 0 {
			l = l[:i]
		}
		for _, m := range mailLanguages {
			if l == m {
				return m
			}
		}
	}
	return "en"
}

// texts translates the mails' messages into one language.
type texts struct{ l *i18n.Localizer }

func textsFor(lang string) texts { return texts{i18n.NewLocalizer(mailBundle, lang)} }

// T is message id filled with data; a "Count" in data picks the plural form.
func (t texts) T(id string, data map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n, ok := data["Count"]; ok {
		cfg.PluralCount = n
	}
	s, err := t.l.Localize(cfg)
	if err != nil && s == "" {
		return id
	}
	return s
}
