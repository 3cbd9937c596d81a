package notify

import (
	"testing"
	"time"
)

// TestPeriodPhrase: the auto-close period in the mail's language, in its
// largest whole unit and the language's plural form.
func TestPeriodPhrase(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 30 * day, "30 days"},
		{"en", day, "1 day"},
		{"en", 36 * time.Hour, "36 hours"},
		{"en", 90 * time.Second, "90 seconds"},
		{"it", 30 * day, "30 giorni"},
		{"es", 2 * time.Minute, "2 minutos"},
		{"ru", 21 * day, "21 день"},
		{"ru", 3 * time.Hour, "3 часа"},
		{"ru", 30 * day, "30 дней"},
		{"el", day, "1 ημέρα"},
		{"sr", 2 * time.Minute, "2 minuta"},
		{"sr", 5 * time.Hour, "5 sati"},
		{"sr", 21 * day, "21 dan"},
	}
	for _, tt := range tests {
		if got := periodPhrase(textsFor(tt.lang), tt.d); got != tt.want {
			t.Errorf("%s, %v: %q, want %q", tt.lang, tt.d, got, tt.want)
		}
	}
}
