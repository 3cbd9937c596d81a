package mail

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// relay is a parsed PARLEY_SMTP_URL.
type relay struct {
	host     string
	port     int
	implicit bool // smtps: TLS from the first byte
	user     string
	pass     string
	auth     gomail.SMTPAuthType
}

// parseURL parses smtp://[user[:pass]@]host[:port][?auth=mechanism] or the
// same with smtps. The port defaults to 587 (smtp) or 465 (smtps); auth
// defaults to PLAIN when a user is given (go-mail refuses it on an
// unencrypted connection except to localhost).
func parseURL(raw string) (relay, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return relay{}, fmt.Errorf("PARLEY_SMTP_URL: %w", err)
	}
	var r relay
	switch u.Scheme {
	case "smtp":
		r.port = 587
	case "smtps":
		r.port, r.implicit = 465, true
	default:
		return relay{}, fmt.Errorf("PARLEY_SMTP_URL: scheme %q, want smtp:// or smtps://", u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return relay{}, fmt.Errorf("PARLEY_SMTP_URL: want smtp://user:pass@host:port with nothing after the port")
	}
	r.host = u.Hostname()
	if r.host == "" {
		return relay{}, fmt.Errorf("PARLEY_SMTP_URL: missing host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return relay{}, fmt.Errorf("PARLEY_SMTP_URL: port %q, want 1 to 65535", p)
		}
		r.port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return relay{}, fmt.Errorf("PARLEY_SMTP_URL: empty port")
	}
	if u.User != nil {
		r.user = u.User.Username()
		r.pass, _ = u.User.Password()
	}
	r.auth = gomail.SMTPAuthNoAuth
	if r.user != "" {
		r.auth = gomail.SMTPAuthPlain
	}
	q := u.Query()
	for k := range q {
		if k != "auth" {
			return relay{}, fmt.Errorf("PARLEY_SMTP_URL: unknown parameter %q (only auth is known)", k)
		}
	}
	if a := q.Get("auth"); a != "" {
		if r.user == "" {
			return relay{}, fmt.Errorf("PARLEY_SMTP_URL: auth=%s without a user name", a)
		}
		if err := r.auth.UnmarshalString(a); err != nil {
			return relay{}, fmt.Errorf("PARLEY_SMTP_URL: auth=%s: %w", a, err)
		}
		if r.auth == gomail.SMTPAuthCustom || r.auth == gomail.SMTPAuthNoAuth {
			return relay{}, fmt.Errorf("PARLEY_SMTP_URL: auth=%s is not supported", a)
		}
	}
	return r, nil
}
