package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/attachment"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/catalog"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/httpapi"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/web"
	"github.com/parleyhq/parley/internal/webhook"
)

// App is a running Parley.
type App struct {
	Config        Config
	Log           *slog.Logger
	DB            *store.DB
	Bus           bus.Bus
	Runner        *outbox.Runner
	Mailer        mail.Mailer
	Identity      *identity.Service
	Catalog       *catalog.Service
	Conversations *conversation.Service
	Attachments   *attachment.Service
	Hub           *realtime.Hub
	Marketplace   parley.Marketplace // the default marketplace
	// DemoAccounts are the demo sign-ins the web app lists in demo mode
	// (set by the demo seed before Serve).
	DemoAccounts []web.Account
	// DemoPassword is the demo accounts' password.
	DemoPassword string

	listener net.Listener
	server   *http.Server
}

// Open builds every part from the config; nothing listens yet.
func Open(ctx context.Context, cfg Config, logOut io.Writer) (*App, error) {
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[cfg.LogLevel]
	a := &App{Config: cfg, Log: slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: level}))}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("--data %s: %w", cfg.DataDir, err)
	}
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL, Dir: cfg.DataDir, Log: a.Log})
	if err != nil {
		return nil, err
	}
	a.DB = db
	if err := a.bootstrap(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.NATSURL != "" {
		nb, err := bus.NewNATS(cfg.NATSURL, a.Log)
		if err != nil {
			db.Close()
			return nil, err
		}
		a.Bus = nb
	} else {
		a.Bus = bus.NewMemory()
	}
	a.Runner = outbox.NewRunner(db, outbox.Options{Log: a.Log})
	if a.Mailer, err = mail.New(cfg.SMTPURL, db, cfg.MailFrom); err != nil {
		a.Close()
		return nil, err
	}
	blobs, err := blob.NewDisk(filepath.Join(cfg.DataDir, "files"))
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Attachments = attachment.NewService(db, blobs, attachment.Config{MaxSize: cfg.MaxUpload})
	notifier := notify.New(db, a.Runner.Queue(), a.Mailer, cfg.MailFrom, cfg.BaseURL, a.Log)
	notifier.Register(a.Runner)
	a.Identity = identity.NewService(db)
	a.Catalog = catalog.NewService(db)
	a.Conversations = conversation.NewService(db, a.Bus, notifier, attachmentStore{})
	hooks := webhook.New(db, a.Runner.Queue())
	hooks.Register(a.Runner)
	a.Conversations.Events = hooks
	a.Hub = realtime.NewHub(a.Conversations, a.Identity, a.Bus, a.Log)
	a.Hub.Presence = realtime.NewPresence(db, a.Bus, a.Log)
	return a, nil
}

// bootstrap makes sure the default marketplace exists and applies the
// environment's API key, SSO secret and period overrides to it.
func (a *App) bootstrap(ctx context.Context) error {
	cfg := a.Config
	return a.DB.Write(ctx, func(tx *store.Tx) error {
		m, err := store.EnsureMarketplace(tx, parley.DefaultMarketplaceSlug, "Default marketplace")
		if err != nil {
			return err
		}
		if cfg.SSOSecret != "" {
			m.SSOSecret = cfg.SSOSecret
		}
		if cfg.TicketAutoclose > 0 {
			m.TicketAutoclose = cfg.TicketAutoclose
		}
		if cfg.UnreadMailAfter > 0 {
			m.UnreadMailAfter = cfg.UnreadMailAfter
		}
		if err := store.UpdateMarketplaceSettings(tx, m); err != nil {
			return err
		}
		if cfg.HostAPIKey != "" {
			if err := store.EnsureAPIKey(tx, m.ID, "PARLEY_HOST_API_KEY", identity.HashToken(cfg.HostAPIKey)); err != nil {
				return err
			}
		}
		a.Marketplace = m
		return nil
	})
}

var (
	_ httpapi.JobAdmin  = (*outbox.Runner)(nil)
	_ httpapi.MailAdmin = (*mail.DevMailbox)(nil)
)

// Handler is Parley's whole HTTP handler: the JSON API and health checks,
// and the web app for every other path.
func (a *App) Handler() http.Handler {
	secure := strings.HasPrefix(a.Config.BaseURL, "https://")
	api := &httpapi.Server{DB: a.DB, Identity: a.Identity, Conversations: a.Conversations, Catalog: a.Catalog,
		Attachments: attachmentAPI{svc: a.Attachments, conv: a.Conversations}, Jobs: a.Runner, Realtime: a.Hub, Availability: a.Hub.Presence, Log: a.Log,
		SecureCookies: secure}
	// With SMTP there is no dev mailbox: the operators' mail list is empty.
	box, _ := a.Mailer.(*mail.DevMailbox)
	if box != nil {
		api.Mails = box
	}
	apiHandler := api.Handler()
	// web.Config.Locale is left nil until the settings store exists (the
	// Web Push/settings work): pages follow the switcher's cookie and
	// Accept-Language, and signed-in pages apply the settings locale from
	// GET /api/v1/me/settings themselves.
	pages, err := web.New(web.Config{Identity: a.Identity, Conversations: a.Conversations, DB: a.DB, Marketplace: a.Marketplace,
		Mailbox: box, Demo: a.Config.Demo, DemoAccounts: a.DemoAccounts, DemoPassword: a.DemoPassword, SecureCookies: secure, Log: a.Log})
	if err != nil {
		// The templates and catalogues are embedded: this is a build defect.
		panic(fmt.Sprintf("web app: %v", err))
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.Handle("/readyz", apiHandler)
	mux.Handle("/", pages.Handler())
	return mux
}

// Listen opens the listening socket (so that tests can use port 0).
func (a *App) Listen() error {
	l, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", a.Config.Addr, err)
	}
	a.listener = l
	return nil
}

// Addr is the address the server listens on.
func (a *App) Addr() string { return a.listener.Addr().String() }

// Start runs the background parts: the job runner until ctx ends (then Stop
// it), and the real-time hub until hubCtx ends (then it closes its sockets).
func (a *App) Start(ctx, hubCtx context.Context) {
	a.Runner.Start(ctx)
	go a.Hub.Run(hubCtx)
}

// Serve starts the job runner and serves HTTP until ctx ends, then drains
// requests and jobs for up to 10 seconds.
func (a *App) Serve(ctx context.Context) error {
	if a.listener == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	runCtx, stopRunner := context.WithCancel(context.Background())
	defer stopRunner()
	hubCtx, stopHub := context.WithCancel(context.Background())
	defer stopHub()
	a.Start(runCtx, hubCtx)
	if a.Config.PprofAddr != "" {
		go a.servePprof()
	}
	a.server = &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.listener) }()
	a.Log.Info("parley listening", "addr", a.Addr(), "database", string(a.DB.Dialect), "base_url", a.Config.BaseURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down: draining requests and jobs")
	stopHub() // sockets are hijacked: Shutdown does not close them
	drain, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.server.Shutdown(drain)
	if rerr := a.Runner.Stop(drain); err == nil {
		err = rerr
	}
	return err
}

// Close closes the bus, then the database.
func (a *App) Close() error {
	var err error
	if a.Bus != nil {
		err = a.Bus.Close()
	}
	if a.DB != nil {
		if derr := a.DB.Close(); err == nil {
			err = derr
		}
	}
	return err
}

// servePprof serves Go's profiles on their own (private) address.
func (a *App) servePprof() {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: a.Config.PprofAddr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		a.Log.Error("pprof server", "err", err)
	}
}
