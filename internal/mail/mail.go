package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"

	"github.com/parleyhq/parley/internal/store"
)

// Message is one e-mail. Text is required; HTML, when set, is sent as an
// alternative to it.
type Message struct {
	// MarketplaceID is the marketplace the mail is about, so that the dev
	// mailbox shows it to that marketplace's operators; zero: none.
	MarketplaceID int64
	To            []string
	From          string // empty: the mailer's default sender
	Subject       string
	Text          string
	HTML          string
}

// Mailer sends e-mail.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

var (
	_ Mailer = (*SMTP)(nil)
	_ Mailer = (*DevMailbox)(nil)
)

// New returns the SMTP mailer for rawURL (PARLEY_SMTP_URL), or the
// development mailbox in db when rawURL is empty. from is the default sender.
func New(rawURL string, db *store.DB, from string) (Mailer, error) {
	if from != "" {
		if _, err := mail.ParseAddress(from); err != nil {
			return nil, fmt.Errorf("mail: default sender %q: %w", from, err)
		}
	}
	if rawURL == "" {
		return NewDevMailbox(db, from), nil
	}
	return NewSMTP(rawURL, from)
}

// prepare fills the default sender and checks what every mailer needs.
func prepare(m Message, from string) (Message, error) {
	if m.From == "" {
		m.From = from
	}
	switch {
	case m.From == "":
		return m, errors.New("mail: no sender")
	case len(m.To) == 0:
		return m, errors.New("mail: no recipient")
	}
	return m, nil
}
