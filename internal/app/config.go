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

	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/realtime"
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
	// MetricsAddr serves Prometheus's /metrics on its own address; empty
	// means no metrics are kept at all.
	MetricsAddr string
	// HostOrigins may post the sign-in form (POST /auth/sso) from their
	// pages: the host marketplace's own origins.
	HostOrigins []string
	// RateLimits are the rate limits and the trusted proxies
	// (docs/security.md, "Rate limits"); zero limits take the defaults.
	RateLimits ratelimit.Settings
	// WSMaxPerUser and WSMaxPerSession cap the sockets one user and one
	// session hold open on a node (0: realtime's defaults).
	WSMaxPerUser, WSMaxPerSession int
	// PasswordHashes bounds the password hashes running at once and
	// PasswordQueueWait how long a sign-in waits for one (0: identity's
	// defaults).
	PasswordHashes    int
	PasswordQueueWait time.Duration
	// SSOIssuer and SSOAudience, when set, are the iss and aud the default
	// marketplace's sign-in JWTs must carry; SSOMaxLifetime caps exp - iat
	// of every sign-in JWT (docs/security.md, "Sign-in tokens").
	SSOIssuer      string
	SSOAudience    string
	SSOMaxLifetime time.Duration
	// AllowInternalTargets lets webhooks and pushes reach loopback and
	// private addresses: development only (on with Demo).
	AllowInternalTargets bool
	// BodyTimeout and BodyMinRate bound how long a request body may take:
	// BodyTimeout plus one second per BodyMinRate bytes received (0: the
	// defaults, 15 s and 8 KiB/s).
	BodyTimeout time.Duration
	BodyMinRate int64
	// MaxConnsPerIP bounds the open connections of one client address
	// (0: no bound).
	MaxConnsPerIP int
	// ShareBuyerEmail lets sellers see a buyer's email (the party profile)
	// and find conversations by it (inbox search); off by default.
	ShareBuyerEmail bool
	// Now is the database's clock (nil: time.Now); tests move it to see
	// what time does (the archive after a week without activity). No flag.
	Now func() time.Time
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
	"sso-issuer":        "PARLEY_SSO_ISSUER",
	"sso-audience":      "PARLEY_SSO_AUDIENCE",
	"sso-max-lifetime":  "PARLEY_SSO_MAX_LIFETIME",
	"mail-from":         "PARLEY_MAIL_FROM",
	"ticket-autoclose":  "PARLEY_TICKET_AUTOCLOSE_AFTER",
	"max-upload":        "PARLEY_MAX_UPLOAD_BYTES",
	"upload-retention":  "PARLEY_UPLOAD_RETENTION",
	"unread-mail-after": "PARLEY_UNREAD_MAIL_AFTER",
	"rate-login-email":  "PARLEY_RATE_LOGIN_EMAIL",
	"rate-login-addr":   "PARLEY_RATE_LOGIN_ADDR",
	"rate-sso-addr":     "PARLEY_RATE_SSO_ADDR",
	"rate-starts":       "PARLEY_RATE_STARTS",
	"rate-messages":     "PARLEY_RATE_MESSAGES",
	"rate-uploads":      "PARLEY_RATE_UPLOADS",
	"rate-webhooks":     "PARLEY_RATE_WEBHOOKS",
	"trusted-proxies":   "PARLEY_TRUSTED_PROXIES",
	"log-level":         "PARLEY_LOG_LEVEL",
	"pprof-addr":        "PARLEY_PPROF_ADDR",
	"metrics-addr":      "PARLEY_METRICS_ADDR",
	"host-origins":      "PARLEY_HOST_ORIGINS",

	// Limits on sockets and sign-ins (docs/security.md).
	"ws-max-per-user":     "PARLEY_WS_MAX_PER_USER",
	"ws-max-per-session":  "PARLEY_WS_MAX_PER_SESSION",
	"password-hashes":     "PARLEY_PASSWORD_HASHES",
	"password-queue-wait": "PARLEY_PASSWORD_QUEUE_WAIT",
	// Outgoing requests, bodies and connections (docs/security.md).
	"allow-internal-targets": "PARLEY_ALLOW_INTERNAL_TARGETS",
	"body-timeout":           "PARLEY_BODY_TIMEOUT",
	"body-min-rate":          "PARLEY_BODY_MIN_RATE",
	"max-conns-per-ip":       "PARLEY_MAX_CONNS_PER_IP",
	"share-buyer-email":      "PARLEY_SHARE_BUYER_EMAIL",
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
	fs.StringVar(&c.SSOIssuer, "sso-issuer", "", "the iss the default marketplace's sign-in JWTs must carry (empty: not checked)")
	fs.StringVar(&c.SSOAudience, "sso-audience", "", "a value the aud of the default marketplace's sign-in JWTs must hold (empty: not checked)")
	fs.DurationVar(&c.SSOMaxLifetime, "sso-max-lifetime", 10*time.Minute, "longest exp - iat of a sign-in JWT (Go duration)")
	fs.StringVar(&c.MailFrom, "mail-from", "Parley <parley@localhost>", "sender address of Parley's mails")
	fs.DurationVar(&c.TicketAutoclose, "ticket-autoclose", 0, "override the ticket auto-close period (Go duration)")
	fs.Int64Var(&c.MaxUpload, "max-upload", 25<<20, "largest attachment in bytes")
	fs.DurationVar(&c.UploadRetention, "upload-retention", 24*time.Hour, "how long an upload that no message took is kept (Go duration)")
	fs.DurationVar(&c.UnreadMailAfter, "unread-mail-after", 0, "override how long messages stay unread before a mail (Go duration)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.PprofAddr, "pprof-addr", "", "serve Go's /debug/pprof profiles on this address (keep it private)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "serve Prometheus /metrics on this address (keep it private); empty: no metrics")
	fs.IntVar(&c.WSMaxPerUser, "ws-max-per-user", realtime.DefaultMaxPerUser, "most WebSockets one user may hold open on a node")
	fs.IntVar(&c.WSMaxPerSession, "ws-max-per-session", realtime.DefaultMaxPerSession, "most WebSockets one session may hold open on a node")
	fs.IntVar(&c.PasswordHashes, "password-hashes", identity.DefaultConcurrentHashes(), "most password hashes (32 MiB each) running at once")
	fs.DurationVar(&c.PasswordQueueWait, "password-queue-wait", identity.DefaultHashWait, "how long a sign-in waits for a password hash slot before 429 (Go duration)")
	fs.BoolVar(&c.AllowInternalTargets, "allow-internal-targets", false, "let webhooks and pushes reach loopback and private addresses (development only; on with --demo)")
	fs.DurationVar(&c.BodyTimeout, "body-timeout", DefaultBodyTimeout, "time a request body may take before its bytes count (Go duration)")
	fs.Int64Var(&c.BodyMinRate, "body-min-rate", DefaultBodyMinRate, "slowest request body accepted past --body-timeout, in bytes per second")
	fs.IntVar(&c.MaxConnsPerIP, "max-conns-per-ip", DefaultMaxConnsPerIP, "open connections one client address may hold (0: no bound; raise it behind a proxy)")
	fs.BoolVar(&c.ShareBuyerEmail, "share-buyer-email", false, "show sellers a buyer's email and let them search by it")
	hostOrigins := fs.String("host-origins", "", "comma-separated origins (https://shop.example) whose pages may post the sign-in form /auth/sso")
	proxies := rateFlags(fs, &c.RateLimits)
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
		if (f.Name == "demo" || f.Name == "allow-internal-targets") && v == "1" {
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
	var err error
	if c.RateLimits.TrustedProxies, err = ratelimit.ParseProxies(*proxies); err != nil {
		return c, fmt.Errorf("--trusted-proxies / PARLEY_TRUSTED_PROXIES: %v", err)
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
	if c.WSMaxPerUser < 1 || c.WSMaxPerSession < 1 {
		return fmt.Errorf("--ws-max-per-user / --ws-max-per-session: must be at least 1")
	}
	if c.PasswordHashes < 1 || c.PasswordQueueWait <= 0 {
		return fmt.Errorf("--password-hashes / PARLEY_PASSWORD_HASHES must be at least 1 and --password-queue-wait positive")
	}
	if c.HostAPIKey != "" && len(c.HostAPIKey) < 16 {
		return fmt.Errorf("PARLEY_HOST_API_KEY: must be at least 16 characters")
	}
	if c.SSOSecret != "" && len(c.SSOSecret) < 32 {
		return fmt.Errorf("PARLEY_SSO_SECRET: must be at least 32 characters (HS256 wants a 256-bit key)")
	}
	if c.SSOMaxLifetime <= 0 || c.SSOMaxLifetime > 24*time.Hour {
		return fmt.Errorf("--sso-max-lifetime / PARLEY_SSO_MAX_LIFETIME: must be positive and at most 24h")
	}
	if len(c.SSOIssuer) > 255 || len(c.SSOAudience) > 255 {
		return fmt.Errorf("--sso-issuer, --sso-audience: at most 255 characters")
	}
	for _, o := range c.HostOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return fmt.Errorf("--host-origins / PARLEY_HOST_ORIGINS %q: want origins like https://shop.example", o)
		}
	}
	if c.BodyTimeout < 0 || c.BodyMinRate < 0 || c.MaxConnsPerIP < 0 {
		return fmt.Errorf("--body-timeout, --body-min-rate, --max-conns-per-ip: must not be negative")
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
