package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/parleyhq/parley/internal/httpapi"
	"github.com/parleyhq/parley/internal/locale"
)

//go:embed locales/*.json locales/quotes/*.json locales/party/*.json
var localeFS embed.FS

// Languages are the UI's languages, in the switcher's order.
var Languages = []Language{
	{"en", "English"}, {"it", "Italiano"}, {"es", "Español"}, {"ru", "Русский"}, {"el", "Ελληνικά"}, {"sr", "Srpski"},
}

// Language is one UI language: its tag and its own name.
type Language struct {
	Tag  string
	Name string
}

// LangCookie remembers a signed-out visitor's language choice.
const LangCookie = httpapi.LangCookie

// catalog holds the message bundle and, per language, the raw messages the
// scripts get (with their plural forms).
type catalog struct {
	bundle  *i18n.Bundle
	matcher language.Matcher
	raw     map[string]map[string]json.RawMessage
}

func loadCatalog() (*catalog, error) {
	c := &catalog{bundle: i18n.NewBundle(language.English), raw: map[string]map[string]json.RawMessage{}}
	c.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	var tags []language.Tag
	for _, l := range Languages {
		path := "locales/" + l.Tag + ".json"
		m := map[string]json.RawMessage{}
		// A feature's own strings live in locales/<feature>/<tag>.json, so
		// that features add strings without touching the shared files.
		for _, path := range []string{path, "locales/quotes/" + l.Tag + ".json", "locales/party/" + l.Tag + ".json"} {
			data, err := localeFS.ReadFile(path)
			if err != nil {
				return nil, err
			}
			if _, err := c.bundle.ParseMessageFileBytes(data, path); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			if err := json.Unmarshal(data, &m); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		// The server-made texts (units, subjects, system messages) the
		// scripts render from codes: "js.t.<code>".
		texts, err := locale.ScriptStrings(l.Tag)
		if err != nil {
			return nil, err
		}
		for k, v := range texts {
			m[k] = v
		}
		c.raw[l.Tag] = m
		tags = append(tags, language.MustParse(l.Tag))
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// supported reports whether tag is one of the UI's languages.
func supported(tag string) bool {
	for _, l := range Languages {
		if l.Tag == tag {
			return true
		}
	}
	return false
}

// negotiate picks the page's language: the user's setting, the cookie (a
// choice made with the switcher), the language their host gave them (as
// their mails have it), then Accept-Language, then English.
func (c *catalog) negotiate(r *http.Request, setting string, host ...string) string {
	if supported(setting) {
		return setting
	}
	if ck, err := r.Cookie(LangCookie); err == nil && supported(ck.Value) {
		return ck.Value
	}
	for _, h := range host {
		if l := locale.HostLanguage(h); l != "" {
			return l
		}
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, i, conf := c.matcher.Match(tags...)
			if conf != language.No {
				return Languages[i].Tag
			}
		}
	}
	return "en"
}

// localizer translates for one language.
type localizer struct {
	lang string
	l    *i18n.Localizer
	c    *catalog
}

func (c *catalog) localizer(lang string) *localizer {
	return &localizer{lang: lang, l: i18n.NewLocalizer(c.bundle, lang), c: c}
}

// T translates a message id; pairs of arguments fill its template, and a
// "Count" argument picks the plural form.
func (l *localizer) T(id string, args ...any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			k := fmt.Sprint(args[i])
			data[k] = args[i+1]
			if k == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.l.Localize(cfg)
	if err != nil && s == "" {
		return id
	}
	return s
}

// scriptStrings is the catalogue the page's scripts get: every message of
// the language whose id starts with "js.", falling back to English.
func (l *localizer) scriptStrings() map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for id, v := range l.c.raw["en"] {
		if strings.HasPrefix(id, "js.") {
			out[id] = v
		}
	}
	for id, v := range l.c.raw[l.lang] {
		if strings.HasPrefix(id, "js.") {
			out[id] = v
		}
	}
	return out
}
