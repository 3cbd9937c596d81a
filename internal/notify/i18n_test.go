package notify

import (
	"encoding/json"
	"testing"

	"github.com/parleyhq/parley/internal/locale"
)

// TestLocalesComplete: every language has every message English has, with
// the plural forms its CLDR rules use, so no mail falls back to English.
func TestLocalesComplete(t *testing.T) {
	load := func(lang string) map[string]json.RawMessage {
		data, err := localeFS.ReadFile("locales/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		return m
	}
	en := load("en")
	for _, lang := range locale.Languages {
		m := load(lang)
		for id := range en {
			if _, ok := m[id]; !ok {
				t.Errorf("%s: no %q", lang, id)
			}
		}
	}
}

func TestPluralForms(t *testing.T) {
	tests := []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 1, "1 unread message: S"},
		{"en", 2, "2 unread messages: S"},
		{"it", 1, "1 messaggio non letto: S"},
		{"it", 7, "7 messaggi non letti: S"},
		{"es", 3, "3 mensajes sin leer: S"},
		{"ru", 1, "1 непрочитанное сообщение: S"},
		{"ru", 3, "3 непрочитанных сообщения: S"},
		{"ru", 5, "5 непрочитанных сообщений: S"},
		{"ru", 21, "21 непрочитанное сообщение: S"},
		{"ru", 22, "22 непрочитанных сообщения: S"},
		{"el", 1, "1 μη αναγνωσμένο μήνυμα: S"},
		{"el", 4, "4 μη αναγνωσμένα μηνύματα: S"},
		{"sr", 1, "1 nepročitana poruka: S"},
		{"sr", 3, "3 nepročitane poruke: S"},
		{"sr", 11, "11 nepročitanih poruka: S"},
		{"sr", 21, "21 nepročitana poruka: S"},
	}
	for _, tt := range tests {
		if got := textsFor(tt.lang).T("mail.unread.subject", map[string]any{"Count": tt.count, "Subject": "S"}); got != tt.want {
			t.Errorf("%s, %d: %q, want %q", tt.lang, tt.count, got, tt.want)
		}
	}
}

func TestMailLanguage(t *testing.T) {
	tests := []struct{ setting, host, want string }{
		{"it", "ru", "it"},
		{"", "ru-RU", "ru"},
		{"", "sr_Latn", "sr"},
		{"", "EL", "el"},
		{"", "de", "en"},
		{"", "", "en"},
		{"xx", "es", "es"},
	}
	for _, tt := range tests {
		if got := mailLanguage(tt.setting, tt.host); got != tt.want {
			t.Errorf("mailLanguage(%q, %q) = %q, want %q", tt.setting, tt.host, got, tt.want)
		}
	}
}
