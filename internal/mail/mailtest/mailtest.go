// Package mailtest runs a real SMTP server on 127.0.0.1 for tests: Parley's
// SMTP mailer delivers to it as to any relay, and the test reads what
// arrived, decoded (subject and text as the recipient reads them).
package mailtest

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message the server received.
type Mail struct {
	From    string
	To      []string
	Subject string
	Text    string
}

// Server is a plain SMTP server (no TLS, no AUTH) recording every mail.
type Server struct {
	// URL is the PARLEY_SMTP_URL that reaches it.
	URL string

	mu   sync.Mutex
	mail []Mail
	errs []error
}

// Start starts a server, stopped when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.URL = "smtp://" + l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() {
		srv.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, err := range s.errs {
			t.Errorf("mailtest: a mail could not be decoded: %v", err)
		}
	})
	return s
}

// Mails returns what arrived so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mail)
}

// To returns the mails to one address.
func (s *Server) To(addr string) []Mail {
	var out []Mail
	for _, m := range s.Mails() {
		if slices.Contains(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error { x.from = from; return nil }
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error   { x.to = append(x.to, to); return nil }
func (x *session) Reset()                                      { x.from, x.to = "", nil }
func (x *session) Logout() error                               { return nil }

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := decode(raw)
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if err != nil {
		x.s.errs = append(x.s.errs, err)
		return err
	}
	m.From, m.To = x.from, slices.Clone(x.to)
	x.s.mail = append(x.s.mail, m)
	return nil
}

// decode reads a single-part text mail: its subject (RFC 2047 words) and
// its text (quoted-printable or base64 as sent, else as is).
func decode(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Mail{}, fmt.Errorf("subject: %w", err)
	}
	body := msg.Body
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64Reader(body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return Mail{}, fmt.Errorf("body: %w", err)
	}
	return Mail{Subject: subject, Text: strings.ReplaceAll(string(text), "\r\n", "\n")}, nil
}
