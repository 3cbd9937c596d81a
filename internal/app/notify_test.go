package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestUnreadDigest: messages that stay unread are mailed once, together;
// read messages are not mailed. The database's clock is the test's: the
// digest's delay passes when the test says, not while a busy machine
// happens to be slow between two sends.
func TestUnreadDigest(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			url := ""
			if d == store.Postgres {
				url = storetest.NewSchema(t)
			}
			clk := storetest.NewClock(time.Now())
			e := startConfigured(t, func(c *app.Config) { c.DatabaseURL, c.Now = url, clk.Now })
			testUnreadDigest(t, e, clk)
		})
	}
}

func testUnreadDigest(t *testing.T, e *env, clk *storetest.Clock) {
	w := e.seed()
	st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "message": msg("u-1", "first question")})
	id := st["conversation"].(map[string]any)["id"].(string)
	e.must(201, "POST", "/api/v1/conversations/"+id+"/messages", w.buyer, msg("u-2", "second question"))
	clk.Add(time.Second) // past UnreadMailAfter (200 ms)

	m := e.waitMail(t, "owner@example.com", "2 unread messages")
	if !strings.Contains(m.Text, "first question") || !strings.Contains(m.Text, "second question") {
		t.Errorf("digest text = %q, want both messages", m.Text)
	}
	// The seller answers and the buyer reads at once: no digest for the buyer.
	e.must(201, "POST", "/api/v1/conversations/"+id+"/messages", w.manager, msg("u-3", "answer"))
	e.must(204, "POST", "/api/v1/conversations/"+id+"/read", w.buyer, map[string]any{"seq": 3})
	clk.Add(time.Second)
	// Every digest due by now has run (none queued or running).
	waitFor(t, "the digests due to run", func() bool {
		depths, err := store.JobDepths(e.app.DB.Reader(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range depths {
			if d.Kind == notify.KindUnreadDigest && (d.State == "queued" || d.State == "running") {
				return false
			}
		}
		return true
	})
	count := 0
	for _, m := range e.mails(t) {
		for _, to := range m.To {
			if to == "buyer@example.com" {
				t.Errorf("buyer got %q though they read everything", m.Subject)
			}
			if to == "owner@example.com" && strings.Contains(m.Subject, "unread") {
				count++
			}
			if to == "manager@example.com" {
				t.Errorf("unassigned manager got %q", m.Subject)
			}
		}
	}
	if count != 1 {
		t.Errorf("owner got %d digests, want 1", count)
	}
}

// TestMailLanguages: mails are written in the recipient's language: their
// own setting first, then the locale the host gave them, with the
// language's plural forms.
func TestMailLanguages(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		// The owner chose Italian; the host says the buyer speaks Russian.
		e.must(200, "PATCH", "/api/v1/me/settings", w.owner, map[string]any{"locale": "it"})
		e.must(200, "PUT", "/api/v1/host/users/buyer", testAPIKey, map[string]any{"email": "buyer@example.com", "name": "Buyer", "locale": "ru-RU"})

		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "subject": "Trapano", "message": msg("l-1", "uno")})
		id := st["conversation"].(map[string]any)["id"].(string)
		m := e.waitMail(t, "owner@example.com", "Nuova conversazione da Buyer: Trapano")
		if !strings.Contains(m.Text, "Ciao Owner,") || !strings.Contains(m.Text, "/app/c/"+id) || !strings.Contains(m.Text, "/app/settings") {
			t.Errorf("Italian new conversation mail = %q", m.Text)
		}
		e.must(201, "POST", "/api/v1/conversations/"+id+"/messages", w.buyer, msg("l-2", "due"))
		e.waitMail(t, "owner@example.com", "2 messaggi non letti: Trapano")

		// Three unread answers for the buyer: Russian's "few" form.
		for i := 3; i <= 5; i++ {
			e.must(201, "POST", "/api/v1/conversations/"+id+"/messages", w.manager, msg(fmt.Sprint("l-", i), "ответ"))
		}
		m = e.waitMail(t, "buyer@example.com", "3 непрочитанных сообщения: Trapano")
		if !strings.Contains(m.Text, "Здравствуйте, Buyer!") {
			t.Errorf("Russian digest = %q", m.Text)
		}
	})
}
