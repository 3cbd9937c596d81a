package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/outbox"
)

// received is one mail as the test server got it.
type received struct {
	from string
	to   []string
	user string // the authenticated user, if any
	tls  bool
	data string
}

// smtpServer is a real SMTP server on 127.0.0.1 that records what it
// receives.
type smtpServer struct {
	addr  string
	port  int
	users map[string]string // nil: no AUTH offered

	mu   sync.Mutex
	mail []received
}

// serverMode says how the test server speaks TLS.
type serverMode int

const (
	plainOnly serverMode = iota // no TLS at all
	startTLS                    // offers STARTTLS
	implicit                    // TLS from the first byte (smtps)
)

func startSMTPServer(t *testing.T, mode serverMode, users map[string]string, cert tls.Certificate) *smtpServer {
	t.Helper()
	s := &smtpServer{users: users}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	var l net.Listener
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}}
	switch mode {
	case startTLS:
		srv.TLSConfig = tlsConfig
	case implicit:
		l = tls.NewListener(l, tlsConfig)
	}
	s.addr = l.Addr().String()
	s.port = l.Addr().(*net.TCPAddr).Port
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mail)
}

func (s *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{srv: s, conn: c}, nil
}

type smtpSession struct {
	srv  *smtpServer
	conn *smtp.Conn
	user string
	cur  received
}

func (s *smtpSession) AuthMechanisms() []string {
	if s.srv.users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if pass, ok := s.srv.users[username]; !ok || pass != password {
			return errors.New("invalid username or password")
		}
		s.user = username
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, opts *smtp.MailOptions) error {
	if s.srv.users != nil && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur = received{from: from, user: s.user}
	return nil
}

func (s *smtpSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	switch {
	case strings.HasPrefix(to, "nobody@"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	case strings.HasPrefix(to, "busy@"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = string(b)
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.mail = append(s.srv.mail, s.cur)
	s.srv.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.cur = received{} }
func (s *smtpSession) Logout() error { return nil }

// selfSigned returns a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "parley test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestSMTP_Send(t *testing.T) {
	cert, pool := selfSigned(t)
	users := map[string]string{"parley": "s3cret"}
	tests := []struct {
		name     string
		mode     serverMode
		users    map[string]string
		url      string // %d is the server's port
		html     string
		wantUser string
		wantTLS  bool
		wantErr  string
	}{
		{name: "Plain", mode: plainOnly, url: "smtp://127.0.0.1:%d"},
		{name: "Auth", mode: plainOnly, users: users, url: "smtp://parley:s3cret@127.0.0.1:%d", wantUser: "parley"},
		{name: "StartTLS", mode: startTLS, users: users, url: "smtp://parley:s3cret@127.0.0.1:%d", wantUser: "parley", wantTLS: true},
		{name: "SMTPS", mode: implicit, users: users, url: "smtps://parley:s3cret@127.0.0.1:%d", wantUser: "parley", wantTLS: true},
		{name: "HTML", mode: plainOnly, url: "smtp://127.0.0.1:%d", html: "<p>You have a new message.</p>"},
		{name: "ErrWrongPassword", mode: plainOnly, users: users, url: "smtp://parley:wrong@127.0.0.1:%d", wantErr: "invalid username or password"},
		{name: "ErrAuthRequired", mode: plainOnly, users: users, url: "smtp://127.0.0.1:%d", wantErr: "Please authenticate first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTPServer(t, tt.mode, tt.users, cert)
			m, err := NewSMTP(fmt.Sprintf(tt.url, srv.port), "Parley <parley@example.com>")
			if err != nil {
				t.Fatalf("NewSMTP: %v", err)
			}
			if err := m.client.SetTLSConfig(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = m.Send(ctx, Message{
				To:      []string{"buyer@example.com", "seller@example.com"},
				Subject: "New message from Acme",
				Text:    "You have a new message.",
				HTML:    tt.html,
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Send = %v, want an error containing %q", err, tt.wantErr)
				}
				if got := len(srv.received()); got != 0 {
					t.Errorf("received = %d mails, want 0", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.received()
			if len(got) != 1 {
				t.Fatalf("received = %d mails, want 1", len(got))
			}
			r := got[0]
			if r.from != "parley@example.com" {
				t.Errorf("MAIL FROM = %q, want %q", r.from, "parley@example.com")
			}
			if want := []string{"buyer@example.com", "seller@example.com"}; !slices.Equal(r.to, want) {
				t.Errorf("RCPT TO = %q, want %q", r.to, want)
			}
			if r.user != tt.wantUser {
				t.Errorf("user = %q, want %q", r.user, tt.wantUser)
			}
			if r.tls != tt.wantTLS {
				t.Errorf("TLS = %v, want %v", r.tls, tt.wantTLS)
			}
			msg, err := mail.ReadMessage(strings.NewReader(r.data))
			if err != nil {
				t.Fatalf("parse received mail: %v", err)
			}
			if got, want := msg.Header.Get("Subject"), "New message from Acme"; got != want {
				t.Errorf("Subject = %q, want %q", got, want)
			}
			if got, want := msg.Header.Get("To"), "<buyer@example.com>, <seller@example.com>"; got != want {
				t.Errorf("To = %q, want %q", got, want)
			}
			body, _ := io.ReadAll(msg.Body)
			if !strings.Contains(string(body), "You have a new message.") {
				t.Errorf("body = %q, want it to contain the text", body)
			}
			if tt.html != "" && !strings.Contains(string(body), tt.html) {
				t.Errorf("body = %q, want it to contain %q", body, tt.html)
			}
			if ct := msg.Header.Get("Content-Type"); (tt.html != "") != strings.HasPrefix(ct, "multipart/alternative") {
				t.Errorf("Content-Type = %q, want multipart/alternative exactly when HTML is set", ct)
			}
		})
	}
}

func TestSMTP_Concurrent(t *testing.T) {
	cert, _ := selfSigned(t)
	srv := startSMTPServer(t, plainOnly, nil, cert)
	m, err := NewSMTP(fmt.Sprintf("smtp://127.0.0.1:%d", srv.port), "parley@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := m.Send(context.Background(), Message{To: []string{fmt.Sprintf("u%d@example.com", i)}, Subject: "s", Text: "t"})
			if err != nil {
				t.Errorf("Send %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if got := len(srv.received()); got != 8 {
		t.Errorf("received = %d mails, want 8", got)
	}
}

func TestSMTP_SendInvalid(t *testing.T) {
	m, err := NewSMTP("smtp://127.0.0.1:1", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		msg  Message
		want string
	}{
		{"ErrNoSender", Message{To: []string{"a@example.com"}, Text: "t"}, "mail: no sender"},
		{"ErrNoRecipient", Message{From: "p@example.com", Text: "t"}, "mail: no recipient"},
		{"ErrBadRecipient", Message{From: "p@example.com", To: []string{"not an address"}, Text: "t"}, "mail: recipients"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Send(context.Background(), tt.msg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Send = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestSMTP_Refused: a recipient the relay refuses with 5xx fails for good
// (the job runner then stops retrying); a 4xx or a relay that is down is
// worth a retry.
func TestSMTP_Refused(t *testing.T) {
	cert, _ := selfSigned(t)
	srv := startSMTPServer(t, plainOnly, nil, cert)
	tests := []struct {
		name          string
		url, to       string
		wantPermanent bool
	}{
		{"UnknownRecipient", fmt.Sprintf("smtp://127.0.0.1:%d", srv.port), "nobody@example.com", true},
		{"TryLater", fmt.Sprintf("smtp://127.0.0.1:%d", srv.port), "busy@example.com", false},
		{"RelayDown", "smtp://127.0.0.1:1", "buyer@example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewSMTP(tt.url, "Parley <parley@example.com>")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = m.Send(ctx, Message{To: []string{tt.to}, Subject: "s", Text: "t"})
			if err == nil {
				t.Fatal("Send = nil, want an error")
			}
			var refused *Refused
			if got := errors.As(err, &refused); got != tt.wantPermanent {
				t.Errorf("Send = %v: refused for good = %v, want %v", err, got, tt.wantPermanent)
			}
			if got := outbox.IsPermanent(fmt.Errorf("job: %w", err)); got != tt.wantPermanent {
				t.Errorf("outbox.IsPermanent = %v, want %v", got, tt.wantPermanent)
			}
		})
	}
}
