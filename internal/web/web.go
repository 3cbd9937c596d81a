package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/httpapi"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/quote"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/store"
)

//go:embed templates static
var assets embed.FS

// Account is a demo sign-in listed on the sign-in page in demo mode.
type Account struct {
	Email string
	Name  string
	Role  string
}

// Config is what the web app needs from the rest of Parley.
type Config struct {
	Identity      *identity.Service
	Conversations *conversation.Service
	DB            *store.DB
	// Marketplace is the marketplace local accounts and host JWTs sign in to.
	Marketplace parley.Marketplace
	// Mailbox is the dev mailbox shown at /app/mailbox; nil with SMTP.
	Mailbox *mail.DevMailbox
	// Demo turns on the demo-only parts: the account list and the mailbox.
	Demo bool
	// DemoAccounts are listed on the sign-in page in demo mode.
	DemoAccounts []Account
	// DemoPassword is the demo accounts' shared password.
	DemoPassword string
	// Locale returns a signed-in user's settings locale ("" follows the
	// browser: the switcher's cookie, then Accept-Language). Wire it to the
	// settings store (GET /api/v1/me/settings reads the same data); nil
	// means no settings locale.
	Locale        func(ctx context.Context, p *identity.Principal) string
	SecureCookies bool
	// HostOrigins may post the sign-in form /auth/sso besides Parley's own
	// pages.
	HostOrigins []string
	// Quotes opens and confirms the signed quote links (/q/{token}); nil
	// serves none.
	Quotes *quote.Service
	Log    *slog.Logger
	// Limits are the rate limits of the sign-in forms; nil limits nothing.
	Limits *ratelimit.Limiter
	// BaseURL is Parley's public URL: its sockets' origin is the only one
	// the pages may connect to besides their own.
	BaseURL string
}

// App serves the web pages.
type App struct {
	cfg   Config
	cat   *catalog
	pages map[string]*template.Template
	cop   *http.CrossOriginProtection
}

// New loads the templates and message catalogues.
func New(cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Locale == nil {
		cfg.Locale = func(context.Context, *identity.Principal) string { return "" }
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, cat: cat, pages: map[string]*template.Template{}, cop: http.NewCrossOriginProtection()}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "base" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/base.html", n)
		if err != nil {
			return nil, err
		}
		a.pages[name] = t
	}
	return a, nil
}

var funcs = template.FuncMap{
	"datetime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
}

// Handler serves every page path (everything but the API, the health checks
// and the demo shop).
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	files := http.FileServerFS(static)
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(time.Hour, files)))
	mux.HandleFunc("GET /sw.js", a.serviceWorker)
	mux.HandleFunc("GET /manifest.webmanifest", a.manifest)
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/icon.svg", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /login", a.loginPage)
	mux.Handle("POST /login", a.cop.Handler(http.HandlerFunc(a.login)))
	mux.Handle("POST /logout", a.cop.Handler(http.HandlerFunc(a.logout)))
	mux.Handle("POST /lang", a.cop.Handler(http.HandlerFunc(a.setLang)))
	mux.HandleFunc("POST /auth/sso", a.sso)
	mux.HandleFunc("GET /app/{$}", a.signedIn(a.inbox))
	mux.HandleFunc("GET /app/c/{id}", a.signedIn(a.inbox))
	mux.HandleFunc("GET /app/c/{id}/block", a.signedIn(a.blockPage))
	mux.Handle("POST /app/c/{id}/block", a.cop.Handler(a.signedIn(a.block)))
	mux.HandleFunc("GET /app/sellers/{id}", a.signedIn(a.sellerPage))
	mux.HandleFunc("GET /app/settings", a.signedIn(a.settings))
	mux.HandleFunc("GET /app/mailbox", a.signedIn(a.mailbox))
	mux.HandleFunc("GET /q/{token}", a.quoteLink)
	mux.Handle("POST /q/{token}", a.cop.Handler(http.HandlerFunc(a.confirmQuote)))
	mux.HandleFunc("GET /widget.js", a.widgetScript)
	mux.HandleFunc("GET /widget/frame", a.widgetFrame)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		a.notFound(w, r)
	})
	return securityHeaders(socketOrigin(a.cfg.BaseURL), a.checkText(mux))
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+itoa(int64(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict content security policy: scripts, styles
// and connections only from Parley itself (its sockets named by their own
// origin: 'self' does not cover ws: in every browser). Only the widget
// frame may be framed, by any host page.
func securityHeaders(socketOrigin string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ancestors := "'none'"
		if r.URL.Path == "/widget/frame" {
			ancestors = "*"
		} else {
			w.Header().Set("X-Frame-Options", "DENY")
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "+
			"connect-src 'self' "+socketOrigin+"; media-src 'self' blob:; frame-ancestors "+ancestors+"; base-uri 'none'; form-action 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// principal returns the signed-in user of the session cookie, or nil.
func (a *App) principal(r *http.Request) *identity.Principal {
	c, err := r.Cookie(httpapi.SessionCookie)
	if err != nil {
		return nil
	}
	p, err := a.cfg.Identity.Authenticate(r.Context(), c.Value)
	if err != nil || p.Host {
		return nil
	}
	return p
}

type pageHandler func(w http.ResponseWriter, r *http.Request, p *identity.Principal)

// signedIn sends signed-out visitors to the sign-in page and back.
func (a *App) signedIn(h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := a.principal(r)
		if p == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r, p)
	}
}

func (a *App) home(w http.ResponseWriter, r *http.Request) {
	if a.principal(r) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/app/", http.StatusSeeOther)
}

// localPath returns next when it is a path of this site, else "/app/".
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/app/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/app/"
	}
	return next
}

func (a *App) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: httpapi.SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: a.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(identity.SessionTTL)})
}

// serverError logs an unexpected error and shows a plain error page.
func (a *App) serverError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *parley.Error
	if errors.As(err, &pe) && pe.Code == parley.ENotFound {
		a.notFound(w, r)
		return
	}
	a.cfg.Log.Error("web page", "path", r.URL.Path, "err", err)
	http.Error(w, "Something went wrong.", http.StatusInternalServerError)
}

// socketOrigin is the WebSocket origin of Parley's base URL (wss://host
// for https), or 'self' when there is none.
func socketOrigin(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return "'self'"
	}
	if u.Scheme == "https" {
		return "wss://" + u.Host
	}
	return "ws://" + u.Host
}
