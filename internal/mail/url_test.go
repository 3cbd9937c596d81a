package mail

import (
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		want    relay
		wantErr string
	}{
		{name: "SMTPDefaultPort", url: "smtp://mail.example.com",
			want: relay{host: "mail.example.com", port: 587, auth: gomail.SMTPAuthNoAuth}},
		{name: "SMTPSDefaultPort", url: "smtps://mail.example.com",
			want: relay{host: "mail.example.com", port: 465, implicit: true, auth: gomail.SMTPAuthNoAuth}},
		{name: "UserAndPassword", url: "smtp://apikey:p%40ss@mail.example.com:2525",
			want: relay{host: "mail.example.com", port: 2525, user: "apikey", pass: "p@ss", auth: gomail.SMTPAuthPlain}},
		{name: "AuthLogin", url: "smtps://u:p@mail.example.com/?auth=login",
			want: relay{host: "mail.example.com", port: 465, implicit: true, user: "u", pass: "p", auth: gomail.SMTPAuthLogin}},
		{name: "IPv6", url: "smtp://[::1]:25",
			want: relay{host: "::1", port: 25, auth: gomail.SMTPAuthNoAuth}},
		{name: "ErrScheme", url: "http://mail.example.com", wantErr: `PARLEY_SMTP_URL: scheme "http"`},
		{name: "ErrNoScheme", url: "mail.example.com:25", wantErr: "PARLEY_SMTP_URL"},
		{name: "ErrNoHost", url: "smtp://:25", wantErr: "PARLEY_SMTP_URL: missing host"},
		{name: "ErrPortRange", url: "smtp://mail.example.com:70000", wantErr: `PARLEY_SMTP_URL: port "70000"`},
		{name: "ErrEmptyPort", url: "smtp://mail.example.com:", wantErr: "PARLEY_SMTP_URL: empty port"},
		{name: "ErrPath", url: "smtp://mail.example.com/inbox", wantErr: "PARLEY_SMTP_URL: want smtp://"},
		{name: "ErrUnknownParam", url: "smtp://mail.example.com?tls=off", wantErr: `PARLEY_SMTP_URL: unknown parameter "tls"`},
		{name: "ErrUnknownAuth", url: "smtp://u:p@mail.example.com?auth=magic", wantErr: "PARLEY_SMTP_URL: auth=magic"},
		{name: "ErrAuthWithoutUser", url: "smtp://mail.example.com?auth=plain", wantErr: "without a user name"},
		{name: "ErrBadEscape", url: "smtp://u:%zz@mail.example.com", wantErr: "PARLEY_SMTP_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseURL(tt.url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseURL(%q) error = %v, want one containing %q", tt.url, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseURL(%q): %v", tt.url, err)
			}
			if got != tt.want {
				t.Errorf("parseURL(%q) = %+v, want %+v", tt.url, got, tt.want)
			}
		})
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"smtp://u:p@host:25", "smtps://host", "smtp://[::1]:2525/?auth=login", "smtp://:0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseURL(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "PARLEY_SMTP_URL") {
				t.Errorf("parseURL(%q) error = %q, want it to name PARLEY_SMTP_URL", s, err)
			}
			return
		}
		if r.host == "" || r.port < 1 || r.port > 65535 {
			t.Errorf("parseURL(%q) = %+v: accepted without host or valid port", s, r)
		}
	})
}
