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
	"github.com/parleyhq/parley/internal/demo"
	"github.com/parleyhq/parley/internal/httpapi"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/push"
	"github.com/parleyhq/parley/internal/quote"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/settings"
	"github.com/parleyhq/parley/internal/shop"
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
	Push          *push.Service
	Settings      *settings.Service
	Quotes        *quote.Service
	Marketplace   parley.Marketplace // the default marketplace
	// Shop is the demo marketplace (--demo), a host of this Parley mounted
	// at /shop/; DemoAccounts are its people's local accounts, which the
	// sign-in page lists.
	Shop         *shop.Shop
	DemoAccounts []demo.Account
	DemoPassword string // the demo accounts' password, shown on the sign-in page

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
	if cfg.Demo {
		if err := ensureDemoKeys(&cfg); err != nil {
			return nil, err
		}
		a.Config = cfg
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
	// Attachment contents: files in the data dir on SQLite; on PostgreSQL in
	// the database, so that every node serves what any node stored.
	// Blobs record put times by the database's clock, which the clean-up
	// compares them with.
	var blobs blob.Store
	if db.Dialect == store.Postgres {
		pg := blob.NewPostgres(db.Pool())
		pg.Now = db.Now
		blobs = pg
	} else {
		disk, err := blob.NewDisk(filepath.Join(cfg.DataDir, "files"))
		if err != nil {
			a.Close()
			return nil, err
		}
		disk.Now = db.Now
		blobs = disk
	}
	a.Attachments = attachment.NewService(db, blobs, attachment.Config{MaxSize: cfg.MaxUpload,
		Retention: cfg.UploadRetention, Log: a.Log})
	a.Attachments.Register(a.Runner)
	if err := a.Attachments.ScheduleSweep(ctx); err != nil {
		a.Close()
		return nil, fmt.Errorf("schedule the upload clean-up: %w", err)
	}
	notifier := notify.New(db, a.Runner.Queue(), a.Mailer, cfg.MailFrom, cfg.BaseURL, a.Log)
	notifier.Register(a.Runner)
	presence := realtime.NewPresence(db, a.Bus, a.Log)
	a.Push, err = push.New(ctx, db, a.Runner.Queue(), push.Options{MailFrom: cfg.MailFrom, BaseURL: cfg.BaseURL,
		Online: presence.Connected, Log: a.Log})
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Push.Register(a.Runner)
	a.Settings = settings.NewService(db)
	a.Identity = identity.NewService(db)
	a.Catalog = catalog.NewService(db)
	a.Conversations = conversation.NewService(db, a.Bus, hooks{notifier, a.Push}, attachmentStore{})
	webhooks := webhook.New(db, a.Runner.Queue())
	webhooks.Log = a.Log
	webhooks.Register(a.Runner)
	a.Conversations.Events = webhooks
	if a.Quotes, err = quote.New(ctx, db, a.Conversations, webhooks, a.Runner.Queue(), quote.Options{Mailer: a.Mailer, From: cfg.MailFrom,
		BaseURL: cfg.BaseURL, Log: a.Log}); err != nil {
		a.Close()
		return nil, err
	}
	a.Quotes.Register(a.Runner)
	a.Conversations.Quotes = a.Quotes
	if err := a.openTickets(ctx, notifier); err != nil {
		a.Close()
		return nil, err
	}
	a.Hub = realtime.NewHub(a.Conversations, a.Identity, a.Bus, a.Log)
	a.Hub.Presence = presence
	if cfg.Demo {
		if err := a.openDemo(ctx); err != nil {
			a.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
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
		Attachments: attachmentAPI{svc: a.Attachments, conv: a.Conversations}, Jobs: a.Runner, Realtime: a.Hub, Availability: a.Hub.Presence,
		Push: a.Push, Settings: a.Settings, Quotes: a.Quotes, Log: a.Log, SecureCookies: secure}
	// With SMTP there is no dev mailbox: the operators' mail list is empty.
	box, _ := a.Mailer.(*mail.DevMailbox)
	if box != nil {
		api.Mails = box
	}
	apiHandler := api.Handler()
	var accounts []web.Account
	for _, acc := range a.DemoAccounts {
		accounts = append(accounts, web.Account{Email: acc.Email, Name: acc.Name, Role: acc.Role})
	}
	pages, err := web.New(web.Config{Identity: a.Identity, Conversations: a.Conversations, DB: a.DB, Marketplace: a.Marketplace,
		Mailbox: box, Demo: a.Config.Demo, DemoAccounts: accounts, DemoPassword: a.DemoPassword, SecureCookies: secure, Log: a.Log, HostOrigins: a.Config.HostOrigins, Quotes: a.Quotes,
		Locale: func(ctx context.Context, p *identity.Principal) string {
			l, err := a.Settings.Locale(ctx, p.User.ID)
			if err != nil {
				return ""
			}
			return l
		}})
	if err != nil {
		// The templates and catalogues are embedded: this is a build defect.
		panic(fmt.Sprintf("web app: %v", err))
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.Handle("/readyz", apiHandler)
	if a.Shop != nil {
		mux.Handle("/shop/", a.Shop.Handler())
	}
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
	if err := a.startDemo(ctx); err != nil && ctx.Err() == nil {
		a.Log.Error("demo shop could not seed Parley", "err", err)
		a.server.Close()
		return err
	}
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
