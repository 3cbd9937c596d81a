package mail

import (
	"context"
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
		return fmt.Errorf("mail: send via %s: %w", s.client.ServerAddr(), err)
	}
	return nil
}
