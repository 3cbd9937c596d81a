package notify

import (
	"embed"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/parleyhq/parley/internal/locale"
)

// The mails' texts in Parley's six languages (the web app's, too).
//
//go:embed locales/*.json
var localeFS embed.FS

// mailBundle is parsed once; its files are part of the binary, so a broken
// one fails every test at once.
var mailBundle = locale.MustBundle(localeFS, "locales", "notify")

// mailLanguage picks a recipient's language: their own setting, else the
// locale the host gave them (its language part), else English.
func mailLanguage(setting, hostLocale string) string { return locale.Pick(setting, hostLocale) }

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
