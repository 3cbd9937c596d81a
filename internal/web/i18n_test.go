package web

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCataloguesComplete: every language has every message of English,
// plural messages have each CLDR form their language uses, and templates
// keep their placeholders.
func TestCataloguesComplete(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string][]string{"en": {"one", "other"}, "it": {"one", "many", "other"}, "es": {"one", "many", "other"},
		"ru": {"one", "few", "many", "other"}, "el": {"one", "other"}, "sr": {"one", "few", "other"}}
	for _, l := range Languages {
		for id, en := range c.raw["en"] {
			v, ok := c.raw[l.Tag][id]
			if !ok {
				t.Errorf("%s: message %q missing", l.Tag, id)
				continue
			}
			var plural map[string]string
			if json.Unmarshal(v, &plural) == nil {
				for _, f := range forms[l.Tag] {
					// A unit's forms are the word alone ("ore"): the
					// quantity stands beside it.
					if strings.HasPrefix(id, "js.t.unit.") && plural[f] != "" {
						continue
					}
					if !strings.Contains(plural[f], "{{.Count}}") {
						t.Errorf("%s: %q form %q = %q, want it with {{.Count}}", l.Tag, id, f, plural[f])
					}
				}
				continue
			}
			var s, e string
			json.Unmarshal(v, &s)
			json.Unmarshal(en, &e)
			for _, ph := range []string{"{{.Name}}", "{{.Password}}"} {
				if strings.Contains(e, ph) != strings.Contains(s, ph) {
					t.Errorf("%s: %q = %q lost or added %s", l.Tag, id, s, ph)
				}
			}
		}
	}
}

func TestPlurals(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 1, "1 message"}, {"en", 2, "2 messages"},
		{"ru", 1, "1 сообщение"}, {"ru", 3, "3 сообщения"}, {"ru", 5, "5 сообщений"}, {"ru", 21, "21 сообщение"},
		{"sr", 1, "1 poruka"}, {"sr", 3, "3 poruke"}, {"sr", 5, "5 poruka"}, {"sr", 22, "22 poruke"},
		{"el", 1, "1 μήνυμα"}, {"el", 2, "2 μηνύματα"},
		{"it", 1, "1 messaggio"}, {"it", 7, "7 messaggi"},
	}
	for _, tc := range cases {
		if got := c.localizer(tc.lang).T("js.messages_count", "Count", tc.count); got != tc.want {
			t.Errorf("%s %d = %q, want %q", tc.lang, tc.count, got, tc.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, setting, cookie, accept, want string
	}{
		{"SettingWins", "el", "it", "ru", "el"},
		{"CookieNext", "", "it", "ru", "it"},
		{"AcceptLanguage", "", "", "ru-RU,en;q=0.5", "ru"},
		{"SerbianLatin", "", "", "sr-Latn", "sr"},
		{"UnknownCookie", "", "xx", "es", "es"},
		{"Fallback", "", "", "de", "en"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tc.cookie != "" {
				r.Header.Set("Cookie", LangCookie+"="+tc.cookie)
			}
			r.Header.Set("Accept-Language", tc.accept)
			if got := c.negotiate(r, tc.setting); got != tc.want {
				t.Errorf("negotiate = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLocalPath(t *testing.T) {
	cases := map[string]string{"/app/c/1": "/app/c/1", "": "/app/", "//evil.example": "/app/", "https://evil.example/": "/app/",
		"/\\evil.example": "/app/", "app": "/app/", "/app/?q=1": "/app/?q=1", "/x\r\nSet-Cookie: a=b": "/app/"}
	for in, want := range cases {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzLocalPath: whatever next says, the redirect stays on this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/app/", "//x", "/\\x", "https://x", "/%2F/x", "/a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n") {
			t.Fatalf("localPath(%q) = %q leaves the site", next, got)
		}
	})
}
