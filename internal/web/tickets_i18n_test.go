package web

import "testing"

// TestTicketPeriodPlurals: the auto-close period that a closed ticket's
// system message shows takes each language's plural forms.
func TestTicketPeriodPlurals(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang, id string
		count    int
		want     string
	}{
		{"en", "js.period_day", 1, "1 day"}, {"en", "js.period_day", 30, "30 days"},
		{"it", "js.period_day", 30, "30 giorni"}, {"es", "js.period_hour", 1, "1 hora"},
		{"ru", "js.period_day", 21, "21 день"}, {"ru", "js.period_day", 3, "3 дня"}, {"ru", "js.period_day", 30, "30 дней"},
		{"el", "js.period_minute", 2, "2 λεπτά"},
		{"sr", "js.period_day", 22, "22 dana"}, {"sr", "js.period_hour", 5, "5 sati"}, {"sr", "js.period_second", 21, "21 sekunda"},
	}
	for _, tc := range cases {
		if got := c.localizer(tc.lang).T(tc.id, "Count", tc.count); got != tc.want {
			t.Errorf("%s %s %d = %q, want %q", tc.lang, tc.id, tc.count, got, tc.want)
		}
	}
}
