package app

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything Parley can be told at start-up.
type Config struct {
	Addr            string
	DataDir         string
	Demo            bool
	BaseURL         string
	DatabaseURL     string
	NATSURL         string
	SMTPURL         string
	HostAPIKey      string
	SSOSecret       string
	MailFrom        string
	TicketAutoclose time.Duration
	MaxUpload       int64
	// UploadRetention is how long an upload that no message took is kept
	// (0: attachment.DefaultRetention).
	UploadRetention time.Duration
	UnreadMailAfter time.Duration
	LogLevel        string
	PprofAddr       string
	// HostOrigins may post the sign-in form (POST /auth/sso) from their
	// pages: the host marketplace's own origins.
	HostOrigins []string
	// ShareBuyerEmail lets sellers see a buyer's email (the party profile)
	// and find conversations by it (inbox search); off by default.
	ShareBuyerEmail bool
}

// envOf names the environment twin of each flag.
var envOf = map[string]string{
	"addr":              "PARLEY_ADDR",
	"data":              "PARLEY_DATA_DIR",
	"demo":              "PARLEY_DEMO",
	"base-url":          "PARLEY_BASE_URL",
	"database-url":      "PARLEY_DATABASE_URL",
	"nats-url":          "PARLEY_NATS_URL",
	"smtp-url":          "PARLEY_SMTP_URL",
	"host-api-key":      "PARLEY_HOST_API_KEY",
	"sso-secret":        "PARLEY_SSO_SECRET",
	"mail-from":         "PARLEY_MAIL_FROM",
	"ticket-autoclose":  "PARLEY_TICKET_AUTOCLOSE_AFTER",
	"max-upload":        "PARLEY_MAX_UPLOAD_BYTES",
	"upload-retention":  "PARLEY_UPLOAD_RETENTION",
	"unread-mail-after": "PARLEY_UNREAD_MAIL_AFTER",
	"log-level":         "PARLEY_LOG_LEVEL",
	"pprof-addr":        "PARLEY_PPROF_ADDR",
	"host-origins":      "PARLEY_HOST_ORIGINS",
	"share-buyer-email": "PARLEY_SHARE_BUYER_EMAIL",
}

// ParseConfig reads flags, then the environment for each flag not given.
// A flag wins over its environment twin; a bad value is an error naming it.
func ParseConfig(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	var c Config
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.DataDir, "data", "./parley-data", "data directory (SQLite database, files, keys)")
	fs.BoolVar(&c.Demo, "demo", false, "seed and serve the demo marketplace")
	fs.StringVar(&c.BaseURL, "base-url", "", "public URL used in emails and links (default http://<addr>)")
	fs.StringVar(&c.DatabaseURL, "database-url", "", "postgres:// URL; empty means SQLite in the data directory")
	fs.StringVar(&c.NATSURL, "nats-url", "", "nats:// URL for fan-out between nodes")
	fs.StringVar(&c.SMTPURL, "smtp-url", "", "smtp://user:pass@host:port or smtps://; empty means the dev mailbox")
	fs.StringVar(&c.HostAPIKey, "host-api-key", "", "ensure this host API key exists for the default marketplace")
	fs.StringVar(&c.SSOSecret, "sso-secret", "", "HS256 secret for host sign-in JWTs of the default marketplace")
	fs.StringVar(&c.MailFrom, "mail-from", "Parley <parley@localhost>", "sender address of Parley's mails")
	fs.DurationVar(&c.TicketAutoclose, "ticket-autoclose", 0, "override the ticket auto-close period (Go duration)")
	fs.Int64Var(&c.MaxUpload, "max-upload", 25<<20, "largest attachment in bytes")
	fs.DurationVar(&c.UploadRetention, "upload-retention", 24*time.Hour, "how long an upload that no message took is kept (Go duration)")
	fs.DurationVar(&c.UnreadMailAfter, "unread-mail-after", 0, "override how long messages stay unread before a mail (Go duration)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.PprofAddr, "pprof-addr", "", "serve Go's /debug/pprof profiles on this address (keep it private)")
	fs.BoolVar(&c.ShareBuyerEmail, "share-buyer-email", false, "show sellers a buyer's email and let them search by it")
	hostOrigins := fs.String("host-origins", "", "comma-separated origins (https://shop.example) whose pages may post the sign-in form /auth/sso")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		env := envOf[f.Name]
		if set[f.Name] || env == "" {
			return
		}
		v := getenv(env)
		if v == "" {
			return
		}
		if f.Name == "demo" && v == "1" {
			v = "true"
		}
		if err := f.Value.Set(v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %v", env, v, err))
		}
	})
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	for _, o := range strings.Split(*hostOrigins, ",") {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			c.HostOrigins = append(c.HostOrigins, o)
		}
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	if _, _, err := splitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr / PARLEY_ADDR %q: %v", c.Addr, err)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("PARLEY_BASE_URL %q: want an http(s) URL", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("PARLEY_DATABASE_URL: want a postgres:// URL")
	}
	if c.SMTPURL != "" && !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
		return fmt.Errorf("PARLEY_SMTP_URL: want smtp:// or smtps://")
	}
	if c.TicketAutoclose < 0 {
		return fmt.Errorf("PARLEY_TICKET_AUTOCLOSE_AFTER: must not be negative")
	}
	if c.MaxUpload <= 0 {
		return fmt.Errorf("--max-upload / PARLEY_MAX_UPLOAD_BYTES: must be positive")
	}
	if c.UploadRetention <= 0 {
		return fmt.Errorf("--upload-retention / PARLEY_UPLOAD_RETENTION: must be positive")
	}
	if c.HostAPIKey != "" && len(c.HostAPIKey) < 16 {
		return fmt.Errorf("PARLEY_HOST_API_KEY: must be at least 16 characters")
	}
	if c.SSOSecret != "" && len(c.SSOSecret) < 32 {
		return fmt.Errorf("PARLEY_SSO_SECRET: must be at least 32 characters (HS256 wants a 256-bit key)")
	}
	for _, o := range c.HostOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return fmt.Errorf("--host-origins / PARLEY_HOST_ORIGINS %q: want origins like https://shop.example", o)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level / PARLEY_LOG_LEVEL %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

func splitHostPort(addr string) (string, int, error) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return "", 0, errors.New("want host:port")
	}
	port, err := strconv.Atoi(addr[i+1:])
	if err != nil || port < 0 || port > 65535 {
		return "", 0, errors.New("bad port")
	}
	return addr[:i], port, nil
}

// Getenv is os.Getenv, for ParseConfig.
var Getenv = os.Getenv
