package app_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// failingKind is a job kind whose handler gives up at once.
const failingKind = "test.always_fails"

// operator creates a local operator account in the marketplace (by slug) and
// returns a function that signs it in.
func (e *env) operator(slug, email string) func() string {
	e.t.Helper()
	ctx := context.Background()
	m, err := store.MarketplaceBySlug(e.app.DB.Reader(ctx), slug)
	if err != nil {
		e.t.Fatal(err)
	}
	const password = "operator-password-1"
	if _, err := e.app.Identity.CreateLocalUser(ctx, m.ID, email, "Operator", password, true); err != nil {
		e.t.Fatal(err)
	}
	return func() string {
		e.t.Helper()
		return e.must(200, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": password, "marketplace": slug})["token"].(string)
	}
}

// failedJob enqueues a job of the default marketplace that fails for good
// with the error message, and waits until it has failed.
func (e *env) failedJob(message string) int64 {
	e.t.Helper()
	e.app.Runner.Register(failingKind, func(context.Context, []byte) error {
		return outbox.Permanent(errors.New(message))
	})
	ctx := context.Background()
	err := e.app.DB.Write(ctx, func(tx *store.Tx) error {
		return e.app.Runner.Queue().Enqueue(tx, outbox.Job{MarketplaceID: e.app.Marketplace.ID, Kind: failingKind, Payload: map[string]string{"secret": "payload"}})
	})
	if err != nil {
		e.t.Fatal(err)
	}
	deadline := time.Now().Add(patience)
	for time.Now().Before(deadline) {
		jobs, err := store.Jobs(e.app.DB.Reader(ctx), e.app.Marketplace.ID, store.JobFailed, 0, 200)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, j := range jobs {
			if j.Kind == failingKind && j.LastError == message {
				return j.ID
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("job %s did not fail", failingKind)
	return 0
}

func items(m map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := m["items"].([]any)
	for _, it := range list {
		out = append(out, it.(map[string]any))
	}
	return out
}

func TestAdmin_OutboxAndMailbox(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		op := e.operator("default", "ops@example.com")()

		// Starting a conversation mails the seller's owner: the mail shows
		// in the operator's mailbox.
		e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("adm-1", "Is the drill cordless?")})
		sent := e.waitMail(t, "owner@example.com", "New conversation from")
		if sent.MarketplaceID != e.app.Marketplace.ID {
			t.Errorf("mail MarketplaceID = %d, want %d", sent.MarketplaceID, e.app.Marketplace.ID)
		}
		mails := items(e.must(200, "GET", "/api/v1/admin/mails", op, nil))
		var mailID string
		for _, m := range mails {
			if strings.HasPrefix(m["subject"].(string), "New conversation from") {
				mailID = m["id"].(string)
				if to, _ := m["to"].([]any); len(to) != 1 || to[0] != "owner@example.com" {
					t.Errorf("to = %v, want [owner@example.com]", m["to"])
				}
				if !strings.Contains(m["text"].(string), "Is the drill cordless?") || m["from"] != "Parley <parley@test>" || m["created_at"] == "" {
					t.Errorf("mail = %v, want the first message, the sender and a time", m)
				}
			}
		}
		if mailID == "" {
			t.Fatalf("/admin/mails = %v, want the new conversation mail", mails)
		}
		if got := e.must(200, "GET", "/api/v1/admin/mails/"+mailID, op, nil); got["id"] != mailID || got["subject"] == "" {
			t.Errorf("GET mail = %v, want mail %s", got, mailID)
		}
		if r := e.call("GET", "/api/v1/admin/mails/987654", op, nil); r.Status != 404 || r.code() != "not_found" {
			t.Errorf("GET missing mail = %d %s, want 404 not_found", r.Status, r.Body)
		}
		page := e.must(200, "GET", "/api/v1/admin/mails?limit=1", op, nil)
		if len(items(page)) != 1 {
			t.Errorf("limit=1 = %v, want one item", page)
		}

		// The new conversation's mail job is done (the runner marks it
		// just after the mail is stored); it shows without its payload.
		var done map[string]any
		waitFor(t, "the new conversation mail job done", func() bool {
			done = e.must(200, "GET", "/api/v1/admin/jobs?state=done", op, nil)
			for _, j := range items(done) {
				if j["kind"] == "mail.new_conversation" {
					return true
				}
			}
			return false
		})
		for _, j := range items(done) {
			if _, ok := j["payload"]; ok {
				t.Errorf("job %v shows its payload", j)
			}
		}

		// A job that fails shows under state=failed with its last error, and
		// a retry queues it again.
		id := e.failedJob("relay refused the drill")
		failed := items(e.must(200, "GET", "/api/v1/admin/jobs?state=failed", op, nil))
		if len(failed) != 1 {
			t.Fatalf("jobs?state=failed = %v, want 1 job", failed)
		}
		j := failed[0]
		if j["id"] != strconv.FormatInt(id, 10) || j["kind"] != failingKind || j["state"] != "failed" || j["last_error"] != "relay refused the drill" ||
			num(j["attempts"]) != 1 || num(j["max_attempts"]) != outbox.DefaultMaxAttempts {
			t.Errorf("failed job = %v, want %d %s failed after 1 attempt with its error", j, id, failingKind)
		}
		for _, f := range []string{"run_at", "created_at", "updated_at"} {
			if _, err := time.Parse(time.RFC3339, j[f].(string)); err != nil {
				t.Errorf("%s = %v, want an RFC 3339 time", f, j[f])
			}
		}
		if strings.Contains(string(e.call("GET", "/api/v1/admin/jobs", op, nil).Body), "secret") {
			t.Error("the job list shows a payload")
		}
		if r := e.call("GET", "/api/v1/admin/jobs?state=lost", op, nil); r.Status != 422 || r.code() != "validation_failed" {
			t.Errorf("state=lost = %d %s, want 422 validation_failed", r.Status, r.Body)
		}
		e.must(204, "POST", "/api/v1/admin/jobs/"+strconv.FormatInt(id, 10)+"/retry", op, nil)
		// It fails again at once: wait for the second attempt's result.
		deadline := time.Now().Add(patience)
		for {
			jobs := items(e.must(200, "GET", "/api/v1/admin/jobs?state=failed", op, nil))
			if len(jobs) == 1 && num(jobs[0]["attempts"]) == 1 && jobs[0]["updated_at"] != j["updated_at"] {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the retried job did not run again: %v", jobs)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if r := e.call("POST", "/api/v1/admin/jobs/987654/retry", op, nil); r.Status != 404 || r.code() != "not_found" {
			t.Errorf("retry missing job = %d %s, want 404 not_found", r.Status, r.Body)
		}

		// Anyone but an operator is refused.
		for name, tok := range map[string]string{"buyer": w.buyer, "owner": w.owner} {
			for _, path := range []string{"/api/v1/admin/jobs", "/api/v1/admin/mails", "/api/v1/admin/mails/" + mailID} {
				if r := e.call("GET", path, tok, nil); r.Status != 403 || r.code() != "forbidden" {
					t.Errorf("%s: GET %s = %d %s, want 403 forbidden", name, path, r.Status, r.Body)
				}
			}
			if r := e.call("POST", "/api/v1/admin/jobs/"+strconv.FormatInt(id, 10)+"/retry", tok, nil); r.Status != 403 || r.code() != "forbidden" {
				t.Errorf("%s: retry = %d %s, want 403 forbidden", name, r.Status, r.Body)
			}
		}
		if r := e.call("GET", "/api/v1/admin/jobs", testAPIKey, nil); r.Status != 401 {
			t.Errorf("host key on /admin/jobs = %d, want 401", r.Status)
		}
	})
}

// TestAdmin_MailsWithSMTP checks that without a dev mailbox the operators'
// mail list is empty and no mail is found.
func TestAdmin_MailsWithSMTP(t *testing.T) {
	cfg := app.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), MailFrom: "Parley <parley@test>", LogLevel: "error",
		BaseURL: "http://parley.test", SMTPURL: "smtp://127.0.0.1:1"}
	a, err := app.Open(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	e := &env{t: t, app: a, srv: srv}
	op := e.operator("default", "ops@example.com")()
	if got := e.must(200, "GET", "/api/v1/admin/mails", op, nil); len(items(got)) != 0 || got["next_cursor"] != "" {
		t.Errorf("/admin/mails with SMTP = %v, want an empty list", got)
	}
	if r := e.call("GET", "/api/v1/admin/mails/1", op, nil); r.Status != 404 {
		t.Errorf("/admin/mails/1 with SMTP = %d %s, want 404", r.Status, r.Body)
	}
}
