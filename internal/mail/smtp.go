package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends mail through an SMTP relay.
type SMTP struct {
	client *gomail.Client
	from   string
}

// NewSMTP returns a mailer for the relay at rawURL (see parseURL for the
// form); from is the default sender.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	r, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	opts := []gomail.Option{
		gomail.WithPort(r.port),
		gomail.WithTimeout(30 * time.Second),
		gomail.WithSMTPAuth(r.auth),
	}
	if r.implicit {
		opts = append(opts, gomail.WithSSL())
	} else {
		// STARTTLS whenever the server offers it; plain only otherwise.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if r.user != "" {
		opts = append(opts, gomail.WithUsername(r.user), gomail.WithPassword(r.pass))
	}
	c, err := gomail.NewClient(r.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("PARLEY_SMTP_URL: %w", err)
	}
	return &SMTP{client: c, from: from}, nil
}

// Send delivers m over a new connection to the relay.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	m, err := prepare(m, s.from)
	if err != nil {
		return err
	}
	msg := gomail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return fmt.Errorf("mail: sender: %w", err)
	}
	if err := msg.To(m.To...); err != nil {
		return fmt.Errorf("mail: recipients: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if err := s.client.DialAndSendWithContext(ctx, msg); err != nil {
		return classify(fmt.Errorf("mail: send via %s: %w", s.client.ServerAddr(), err))
	}
	return nil
}

// classify marks what the relay refused for good: a recipient or a message
// refused with a 5xx reply will be refused again. Everything else (a relay
// that is down, a 4xx "try later", a refused login that the operator may
// fix) is worth a retry.
func classify(err error) error {
	var se *gomail.SendError
	if !errors.As(err, &se) || se.IsTemp() || se.ErrorCode() < 500 || se.ErrorCode() > 599 {
		return err
	}
	switch se.Reason {
	case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose, gomail.ErrSMTPMailFrom:
		return &Refused{err: err}
	}
	return err
}

// Refused is a mail that the relay refused for good (a 5xx reply to the
// sender, a recipient or the message). Permanent reports so to the job
// runner, which then fails the job at once instead of retrying.
type Refused struct{ err error }

func (e *Refused) Error() string   { return e.err.Error() }
func (e *Refused) Unwrap() error   { return e.err }
func (e *Refused) Permanent() bool { return true }
