package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// JobAdmin is the outbox as a marketplace's operators see it: side effects
// that failed are visible to them, and they may retry them.
type JobAdmin interface {
	// List returns the marketplace's jobs in a state (all when empty),
	// newest first; next is 0 after the last page.
	List(ctx context.Context, marketplaceID int64, state string, cursor int64, limit int) (jobs []store.Job, next int64, err error)
	// Requeue retries a failed job of the marketplace, or returns
	// store.ErrNotFound.
	Requeue(ctx context.Context, marketplaceID, id int64) error
}

// MailAdmin is the development mailbox as a marketplace's operators see it.
type MailAdmin interface {
	// List returns the marketplace's mails newest first; next is 0 after
	// the last page.
	List(ctx context.Context, marketplaceID, cursor int64, limit int) (mails []store.DevMail, next int64, err error)
	// Get returns a mail of the marketplace, or store.ErrNotFound.
	Get(ctx context.Context, marketplaceID, id int64) (store.DevMail, error)
}

// JobView is a job as the operator API shows it. The payload is left out:
// it may hold personal data.
type JobView struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	MaxAttempts int       `json:"max_attempts"`
	RunAt       time.Time `json:"run_at"`
	LastError   string    `json:"last_error"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// MailView is a dev mailbox mail as the operator API shows it.
type MailView struct {
	ID        string    `json:"id"`
	To        []string  `json:"to"`
	From      string    `json:"from"`
	Subject   string    `json:"subject"`
	Text      string    `json:"text"`
	HTML      string    `json:"html"`
	CreatedAt time.Time `json:"created_at"`
}

func jobView(j store.Job) JobView {
	return JobView{ID: conversation.ID(j.ID), Kind: j.Kind, State: j.State, Attempts: j.Attempts, MaxAttempts: j.MaxAttempts,
		RunAt: j.RunAt, LastError: j.LastError, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
}

func mailView(m store.DevMail) MailView {
	to := m.To
	if to == nil {
		to = []string{}
	}
	return MailView{ID: conversation.ID(m.ID), To: to, From: m.From, Subject: m.Subject, Text: m.Text, HTML: m.HTML, CreatedAt: m.CreatedAt}
}

// mustOperate refuses callers who are not operators of their marketplace.
func mustOperate(p *identity.Principal) error {
	if !p.User.IsOperator {
		return parley.Errorf(parley.EForbidden, "Only the marketplace's operators may see its outbox and mailbox.")
	}
	return nil
}

// adminPage reads the cursor (a Parley id, "" for the first page) and limit
// of an operator list.
func adminPage(r *http.Request) (cursor int64, limit int, err error) {
	if c := r.URL.Query().Get("cursor"); c != "" {
		var ok bool
		if cursor, ok = conversation.ParseID(c); !ok {
			return 0, 0, parley.Invalid(parley.FieldError{Field: "cursor", Message: "is not a cursor this list returned"})
		}
	}
	n, err := queryInt(r, "limit")
	if err != nil {
		return 0, 0, err
	}
	return cursor, conversation.Limit(int(n)), nil
}

func nextCursor(next int64) string {
	if next == 0 {
		return ""
	}
	return strconv.FormatInt(next, 10)
}

func listJobs(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	if err := mustOperate(p); err != nil {
		return err
	}
	state := r.URL.Query().Get("state")
	switch state {
	case "", store.JobQueued, store.JobRunning, store.JobDone, store.JobFailed:
	default:
		return parley.Invalid(parley.FieldError{Field: "state", Message: "must be queued, running, done or failed"})
	}
	cursor, limit, err := adminPage(r)
	if err != nil {
		return err
	}
	page := conversation.Page[JobView]{Items: []JobView{}}
	if s.Jobs != nil {
		jobs, next, err := s.Jobs.List(r.Context(), p.Marketplace.ID, state, cursor, limit)
		if err != nil {
			return err
		}
		for _, j := range jobs {
			page.Items = append(page.Items, jobView(j))
		}
		page.NextCursor = nextCursor(next)
	}
	encode(w, http.StatusOK, page)
	return nil
}

func retryJob(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	if err := mustOperate(p); err != nil {
		return err
	}
	id, err := pathID(r, "id", "job")
	if err != nil {
		return err
	}
	if s.Jobs == nil {
		return parley.NotFound("job")
	}
	err = s.Jobs.Requeue(r.Context(), p.Marketplace.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return parley.Errorf(parley.ENotFound, "No failed job %s to retry.", conversation.ID(id))
	} else if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listMails answers an empty list when Parley sends through SMTP: there is
// no dev mailbox then.
func listMails(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	if err := mustOperate(p); err != nil {
		return err
	}
	cursor, limit, err := adminPage(r)
	if err != nil {
		return err
	}
	page := conversation.Page[MailView]{Items: []MailView{}}
	if s.Mails != nil {
		mails, next, err := s.Mails.List(r.Context(), p.Marketplace.ID, cursor, limit)
		if err != nil {
			return err
		}
		for _, m := range mails {
			page.Items = append(page.Items, mailView(m))
		}
		page.NextCursor = nextCursor(next)
	}
	encode(w, http.StatusOK, page)
	return nil
}

func getMail(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	if err := mustOperate(p); err != nil {
		return err
	}
	id, err := pathID(r, "id", "mail")
	if err != nil {
		return err
	}
	if s.Mails == nil {
		return parley.NotFound("mail")
	}
	m, err := s.Mails.Get(r.Context(), p.Marketplace.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return parley.NotFound("mail")
	} else if err != nil {
		return err
	}
	encode(w, http.StatusOK, mailView(m))
	return nil
}
