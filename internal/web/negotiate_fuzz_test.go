package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzNegotiate sends any Accept-Language header and language cookie: the
// page's language is always one of the UI's, a supported setting wins, and
// a header naming one supported language alone picks it.
func FuzzNegotiate(f *testing.F) {
	c, err := loadCatalog()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"sr-Latn-RS,sr;q=0.9,en;q=0.5", "de-CH", "*", "it;q=0", "ru;q=abc", "x-pig-latin", ";;;,,,q=1", strings.Repeat("en-US,", 500), "el\x00"} {
		f.Add(s, "", "")
	}
	f.Add("", "es", "")
	f.Add("en", "", "sr")
	f.Fuzz(func(t *testing.T, header, cookie, setting string) {
		r := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			r.Header.Set("Accept-Language", header)
		}
		if cookie != "" {
			r.Header.Set("Cookie", LangCookie+"="+cookie)
		}
		got := c.negotiate(r, setting)
		if !supported(got) {
			t.Fatalf("negotiate(%q, cookie %q, setting %q) = %q: not a UI language", header, cookie, setting, got)
		}
		if supported(setting) && got != setting {
			t.Errorf("negotiate with setting %q = %q", setting, got)
		}
		if !supported(setting) && cookie == "" && supported(header) && got != header {
			t.Errorf("negotiate(Accept-Language: %q) = %q", header, got)
		}
	})
}
