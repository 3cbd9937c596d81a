package shop

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testSecret = "whsec_tickets_test"

// newTestShop is a shop with its webhook registered (secret testSecret),
// the demo orders in its state and a fixed clock; it talks to no Parley.
func newTestShop(t *testing.T) *Shop {
	t.Helper()
	s, err := New(Config{Dir: t.TempDir(), APIKey: "test-api-key-0123456789", SSOSecret: strings.Repeat("s", 32)})
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return testNow }
	if err := s.state.update(func(st *state) error {
		st.Webhook = &webhookReg{ID: "1", URL: "http://parley/shop/webhooks/parley", Secret: testSecret, Events: webhookEvents}
		st.Orders = seedOrders(testNow)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// deliver posts a delivery to the shop's webhook signed as Parley signs
// it, and answers the status and the body.
func deliver(t *testing.T, s *Shop, eventID, typ string, data any) (int, string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"id": eventID, "type": typ, "created_at": testNow, "data": data})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/shop/webhooks/parley", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Parley-Event-Id", eventID)
	r.Header.Set("Parley-Signature", fmt.Sprintf("t=%d,v1=%s", testNow.Unix(), hex.EncodeToString(Sign(testSecret, testNow.Unix(), body))))
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// orderPage is the text of an order's page for a person, in a language.
func orderPage(t *testing.T, s *Shop, email, order, lang string) string {
	t.Helper()
	p := s.catalog.Person(uid(email))
	if p == nil {
		t.Fatalf("no person %s", email)
	}
	w := httptest.NewRecorder()
	s.setUser(w, httptest.NewRequest(http.MethodGet, "/shop/", nil), p)
	r := httptest.NewRequest(http.MethodGet, "/shop/orders/"+order+"?lang="+lang, nil)
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	w = httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /shop/orders/%s as %s = %d", order, email, w.Code)
	}
	return html.UnescapeString(w.Body.String())
}

func stateBytes(t *testing.T, s *Shop) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.cfg.Dir, "shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func proposalData(id, conversation, state string, extra map[string]any) map[string]any {
	d := map[string]any{"id": id, "conversation": conversation, "message": "40", "order": "ORD-1001",
		"buyer": "local:anna@demo.parley", "seller": "bottega-rossi", "state": state, "note": "Lo ritiriamo lunedì.",
		"proposed_by": map[string]any{"id": "local:giulia@demo.parley", "name": "Giulia Rossi"},
		"created_at":  testNow.Add(-time.Hour)}
	if state != "proposed" {
		d["answered_at"] = testNow
	}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

func mustContain(t *testing.T, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, page string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(page, w) {
			t.Errorf("the page shows %q", w)
		}
	}
}

// TestTicketWebhooks follows a ticket on ORD-1001 through its signed
// deliveries: a proposal, its decline, a late retry of the proposal, a
// second proposal withdrawn by the completion (ticket.closed first, then
// return.withdrawn), and the order page of the buyer and the seller at
// each step. Every delivery again, under its id or another, changes
// nothing in the shop's state.
func TestTicketWebhooks(t *testing.T) {
	s := newTestShop(t)
	anna, giulia := "anna@demo.parley", "giulia@demo.parley"
	mustNotContain(t, orderPage(t, s, anna, "ORD-1001", "en"), "Conversation with the store<")

	steps := []struct {
		name      string
		id, typ   string
		data      map[string]any
		buyer     []string // on the buyer's page (English)
		seller    []string // on the seller's page (English)
		notBuyer  []string
		wantState string // the state of proposal 7, when it changed
	}{
		{"Proposed", "evt_1", "return.proposed", proposalData("7", "12", "proposed", nil),
			[]string{"Conversation with the store", "A return was proposed", "The seller's note: Lo ritiriamo lunedì.", "Proposed by Giulia Rossi.",
				"Answer the proposal in the conversation with the store.", "Conversation with the store open"},
			[]string{"A return was proposed", "Waiting for the buyer's answer."}, nil, "proposed"},
		{"Declined", "evt_2", "return.declined", proposalData("7", "12", "declined", map[string]any{"answer_note": "Preferisco tenerlo."}),
			[]string{"Return declined", "The buyer's note: Preferisco tenerlo.", "Conversation with the store open"},
			[]string{"Return declined"}, []string{"A return was proposed"}, "declined"},
		{"LateRetryOfTheProposal", "evt_1b", "return.proposed", proposalData("7", "12", "proposed", nil),
			[]string{"Return declined"}, nil, []string{"A return was proposed"}, "declined"},
		{"ProposedAgain", "evt_3", "return.proposed", proposalData("8", "12", "proposed", map[string]any{"note": "Passiamo giovedì.",
			"created_at": testNow.Add(-time.Minute)}),
			[]string{"A return was proposed", "The seller's note: Passiamo giovedì."}, nil, []string{"Return declined"}, ""},
		{"CompletedBeforeTheAnswer", "evt_4", "ticket.closed", map[string]any{"conversation": "12", "order": "ORD-1001",
			"buyer": "local:anna@demo.parley", "seller": "bottega-rossi", "reason": "completed",
			"by": map[string]any{"id": "local:giulia@demo.parley", "name": "Giulia Rossi"}, "closed_at": testNow, "withdrawn_return": "8"},
			[]string{"Proposal withdrawn: the ticket closed", "Conversation with the store completed", "Completed by Giulia Rossi."},
			[]string{"Proposal withdrawn: the ticket closed", "Conversation with the store completed"},
			[]string{"A return was proposed", "Conversation with the store open"}, ""},
		{"WithdrawnAfterTheClosing", "evt_5", "return.withdrawn", proposalData("8", "12", "withdrawn", nil),
			[]string{"Proposal withdrawn: the ticket closed", "Conversation with the store completed"}, nil, nil, ""},
		// A new ticket on the same order, closed by itself; its
		// return.withdrawn comes first this time.
		{"SecondTicketWithdrawnFirst", "evt_6", "return.withdrawn", proposalData("9", "15", "withdrawn", map[string]any{"created_at": testNow}),
			[]string{"Proposal withdrawn: the ticket closed", "Conversation with the store open"}, nil, nil, ""},
		{"SecondTicketClosedByItself", "evt_7", "ticket.closed", map[string]any{"conversation": "15", "order": "ORD-1001",
			"buyer": "local:anna@demo.parley", "seller": "bottega-rossi", "reason": "auto", "after_seconds": 30 * 86400,
			"closed_at": testNow, "withdrawn_return": "9"},
			[]string{"Closed automatically after 30 days without activity", "Conversation with the store completed"},
			[]string{"Closed automatically after 30 days without activity"}, []string{"Conversation with the store open"}, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if code, body := deliver(t, s, st.id, st.typ, st.data); code != http.StatusOK {
				t.Fatalf("%s = %d %s, want 200", st.typ, code, body)
			}
			page := orderPage(t, s, anna, "ORD-1001", "en")
			mustContain(t, page, st.buyer...)
			mustNotContain(t, page, st.notBuyer...)
			mustContain(t, orderPage(t, s, giulia, "ORD-1001", "en"), st.seller...)
			if st.wantState != "" {
				var got string
				s.state.view(func(stt *state) { got = stt.order("ORD-1001").ticket("12", testNow).proposal("7").State })
				if got != st.wantState {
					t.Errorf("proposal 7 is %q, want %q", got, st.wantState)
				}
			}

			// The same delivery again: a duplicate, nothing changes. The
			// same content under another event id changes nothing either.
			before := stateBytes(t, s)
			if code, body := deliver(t, s, st.id, st.typ, st.data); code != http.StatusOK || !strings.Contains(body, `"duplicate":true`) {
				t.Errorf("redelivery = %d %s, want 200 duplicate", code, body)
			}
			if after := stateBytes(t, s); string(after) != string(before) {
				t.Errorf("a redelivery changed the state:\n%s\n→\n%s", before, after)
			}
			if code, _ := deliver(t, s, st.id+"-again", st.typ, st.data); code != http.StatusOK {
				t.Errorf("the same data under another id = %d, want 200", code)
			}
			var tickets []byte
			s.state.view(func(stt *state) { tickets, _ = json.Marshal(stt.order("ORD-1001").Tickets) })
			var was struct {
				Orders []struct {
					ID      string          `json:"id"`
					Tickets json.RawMessage `json:"tickets"`
				} `json:"orders"`
			}
			json.Unmarshal(before, &was)
			for _, o := range was.Orders {
				if o.ID == "ORD-1001" {
					var a, b any
					json.Unmarshal(o.Tickets, &a)
					json.Unmarshal(tickets, &b)
					if fmt.Sprint(a) != fmt.Sprint(b) {
						t.Errorf("the same data under another id changed the tickets:\n%s\n→\n%s", o.Tickets, tickets)
					}
				}
			}
		})
	}

	// Newest ticket first; someone with no part in the order sees nothing.
	page := orderPage(t, s, anna, "ORD-1001", "en")
	if strings.Index(page, `data-conversation="15"`) > strings.Index(page, `data-conversation="12"`) {
		t.Error("the older ticket comes first")
	}
	{
		w := httptest.NewRecorder()
		p := s.catalog.Person(uid("marko@demo.parley"))
		s.setUser(w, httptest.NewRequest(http.MethodGet, "/shop/", nil), p)
		r := httptest.NewRequest(http.MethodGet, "/shop/orders/ORD-1001", nil)
		for _, c := range w.Result().Cookies() {
			r.AddCookie(c)
		}
		w = httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		if w.Code != http.StatusNotFound {
			t.Errorf("Marko on Anna's order = %d, want 404", w.Code)
		}
	}

	// In the people's languages, with their plural forms.
	mustContain(t, orderPage(t, s, anna, "ORD-1001", "it"), "Conversazione con il negozio conclusa",
		"Proposta ritirata: la conversazione è stata chiusa", "Chiusa automaticamente dopo 30 giorni senza attività", "Conclusa da Giulia Rossi.")
	mustContain(t, orderPage(t, s, anna, "ORD-1001", "ru"), "Переписка с магазином завершена", "Закрыта автоматически: 30 дней без активности")
	mustContain(t, orderPage(t, s, anna, "ORD-1001", "sr"), "Zatvoren automatski: 30 dana bez aktivnosti", "Predlog je povučen")
}

// TestTicketWebhooksRefused: deliveries the shop cannot take.
func TestTicketWebhooksRefused(t *testing.T) {
	s := newTestShop(t)
	closed := func(extra map[string]any) map[string]any {
		d := map[string]any{"conversation": "12", "order": "ORD-1001", "buyer": "local:anna@demo.parley", "seller": "bottega-rossi",
			"reason": "completed", "closed_at": testNow}
		for k, v := range extra {
			d[k] = v
		}
		return d
	}
	tests := []struct {
		name string
		typ  string
		data map[string]any
		want int
	}{
		{"ErrOtherBuyersOrder", "return.proposed", proposalData("7", "12", "proposed", map[string]any{"order": "ORD-1002"}), 422},
		{"ErrOtherSeller", "return.declined", proposalData("7", "12", "declined", map[string]any{"seller": "sokol-tools"}), 422},
		{"ErrUnknownOrder", "return.withdrawn", proposalData("7", "12", "withdrawn", map[string]any{"order": "ORD-9"}), 422},
		{"ErrStateOfAnotherEvent", "return.declined", proposalData("7", "12", "accepted", nil), 422},
		{"ErrNoConversation", "return.proposed", proposalData("7", "", "proposed", nil), 422},
		{"ErrNoID", "return.proposed", proposalData("", "12", "proposed", nil), 422},
		{"ErrClosedOtherBuyer", "ticket.closed", closed(map[string]any{"buyer": "local:marko@demo.parley"}), 422},
		{"ErrClosedNoReason", "ticket.closed", closed(map[string]any{"reason": "bored"}), 422},
		{"ErrClosedBadJSON", "ticket.closed", closed(map[string]any{"after_seconds": "a month"}), 422},
	}
	before := stateBytes(t, s)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := deliver(t, s, fmt.Sprintf("evt_bad_%d", i), tt.typ, tt.data)
			if code != tt.want || !strings.Contains(body, `"validation_failed"`) {
				t.Errorf("%s = %d %s, want %d validation_failed", tt.typ, code, body, tt.want)
			}
		})
	}
	if after := stateBytes(t, s); string(after) != string(before) {
		t.Errorf("refused deliveries changed the state:\n%s", after)
	}

	// A tampered body is refused before anything is read.
	body := `{"id":"evt_t","type":"ticket.closed","data":{}}`
	r := httptest.NewRequest(http.MethodPost, "/shop/webhooks/parley", strings.NewReader(strings.Replace(body, "evt_t", "evt_u", 1)))
	r.Header.Set("Parley-Signature", fmt.Sprintf("t=%d,v1=%s", testNow.Unix(), hex.EncodeToString(Sign(testSecret, testNow.Unix(), []byte(body)))))
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "invalid_signature") {
		t.Errorf("tampered ticket.closed = %d %s, want 400 invalid_signature", w.Code, w.Body)
	}
}

// TestClosedAfter: the auto-close period in the period's largest whole
// unit with each language's CLDR plural form.
func TestClosedAfter(t *testing.T) {
	const day, hour = 86400, 3600
	tests := []struct {
		lang    string
		seconds int64
		want    string
	}{
		{"en", day, "Closed automatically after 1 day without activity"},
		{"en", 30 * day, "Closed automatically after 30 days without activity"},
		{"en", 36 * hour, "Closed automatically after 36 hours without activity"},
		{"en", 120, "Closed automatically after 2 minutes without activity"},
		{"en", 4, "Closed automatically after 4 seconds without activity"},
		{"en", 0, "Closed automatically after 1 second without activity"},
		{"it", 2 * hour, "Chiusa automaticamente dopo 2 ore senza attività"},
		{"it", day, "Chiusa automaticamente dopo 1 giorno senza attività"},
		{"es", 30 * day, "Cerrada automáticamente tras 30 días sin actividad"},
		{"es", 60, "Cerrada automáticamente tras 1 minuto sin actividad"},
		{"ru", day, "Закрыта автоматически: 1 день без активности"},
		{"ru", 3 * day, "Закрыта автоматически: 3 дня без активности"},
		{"ru", 5 * day, "Закрыта автоматически: 5 дней без активности"},
		{"ru", 11 * day, "Закрыта автоматически: 11 дней без активности"},
		{"ru", 21 * day, "Закрыта автоматически: 21 день без активности"},
		{"ru", 22 * 60, "Закрыта автоматически: 22 минуты без активности"},
		{"el", hour, "Έκλεισε αυτόματα μετά από 1 ώρα χωρίς δραστηριότητα"},
		{"el", 30 * day, "Έκλεισε αυτόματα μετά από 30 ημέρες χωρίς δραστηριότητα"},
		{"sr", 21 * day, "Zatvoren automatski: 21 dan bez aktivnosti"},
		{"sr", 3 * hour, "Zatvoren automatski: 3 sata bez aktivnosti"},
		{"sr", 5 * hour, "Zatvoren automatski: 5 sati bez aktivnosti"},
		{"sr", 12 * 60, "Zatvoren automatski: 12 minuta bez aktivnosti"},
		{"sr", 4, "Zatvoren automatski: 4 sekunde bez aktivnosti"},
		{"xx", 30 * day, "Closed automatically after 30 days without activity"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s_%d", tt.lang, tt.seconds), func(t *testing.T) {
			if got := closedAfter(tt.lang, tt.seconds); got != tt.want {
				t.Errorf("closedAfter(%s, %d) = %q, want %q", tt.lang, tt.seconds, got, tt.want)
			}
		})
	}
}

// TestClosedAfterEveryForm: each language has a text for every plural
// form its CLDR rules give a count, in every unit.
func TestClosedAfterEveryForm(t *testing.T) {
	for unit, langs := range autoClosed {
		for _, l := range Languages {
			forms, ok := langs[l.Tag]
			if !ok {
				t.Errorf("%s: no %s texts", unit, l.Tag)
				continue
			}
			for n := int64(0); n <= 1000; n++ {
				if _, ok := forms[pluralForm(l.Tag, n)]; !ok {
					t.Errorf("%s %s: no text for %d (form %v)", unit, l.Tag, n, pluralForm(l.Tag, n))
					break
				}
			}
			for f, text := range forms {
				if strings.Count(text, "%d") != 1 {
					t.Errorf("%s %s form %v: %q has no single %%d", unit, l.Tag, f, text)
				}
			}
		}
	}
}
