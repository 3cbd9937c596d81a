package shop

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is what the shop needs to be a host of Parley.
type Config struct {
	// Dir holds the shop's state file (shop.json).
	Dir string
	// APIKey is the host API key; SSOSecret signs the sign-in JWTs.
	APIKey    string
	SSOSecret string
	// PublicURL is Parley's public base URL: product links pushed to Parley
	// (shown in mails and the back office) point under PublicURL/shop/.
	PublicURL string
	Log       *slog.Logger
	// HTTPClient calls Parley; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
}

// Shop is the demo marketplace.
type Shop struct {
	cfg     Config
	log     *slog.Logger
	catalog *Catalog
	state   *stateFile
	client  *parleyClient
	pages   *pages
	ready   atomic.Bool
	syncMu  sync.Mutex
	now     func() time.Time
}

//go:embed templates static
var assets embed.FS

// New builds the shop; it talks to Parley only once Start is called.
func New(cfg Config) (*Shop, error) {
	if len(cfg.APIKey) < 16 || len(cfg.SSOSecret) < 32 {
		return nil, errors.New("shop: a host API key (≥16 characters) and an SSO secret (≥32) are needed")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	st, err := openState(cfg.Dir)
	if err != nil {
		return nil, err
	}
	pg, err := parsePages()
	if err != nil {
		return nil, err
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Shop{cfg: cfg, log: cfg.Log.With("part", "shop"), catalog: DemoCatalog(), state: st, pages: pg, now: time.Now,
		client: &parleyClient{apiKey: cfg.APIKey, ssoSecret: cfg.SSOSecret, http: hc, tokens: map[string]cachedToken{}}}, nil
}

// Catalog is the shop's catalogue.
func (s *Shop) Catalog() *Catalog { return s.catalog }

// Start points the shop at Parley's address (the server must be listening)
// and pushes the demo data, retrying for a while if Parley is not up yet.
func (s *Shop) Start(ctx context.Context, parleyURL string) error {
	s.client.base = strings.TrimRight(parleyURL, "/")
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		if err = s.seed(ctx); err == nil {
			s.ready.Store(true)
			s.log.Info("demo shop seeded through the host API", "parley", s.client.base,
				"products", len(s.catalog.Products), "sellers", len(s.catalog.Sellers))
			go s.resync(ctx, 30*time.Second)
			return nil
		}
		var ae *apiError
		if errors.As(err, &ae) && ae.Status/100 == 4 {
			break // Parley refused the data: retrying will not help
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("shop: seeding Parley: %w", err)
}

// resync pushes, every interval until ctx ends, the orders and events that
// could not reach Parley when they were made (Parley was down, a timeout).
func (s *Shop) resync(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.syncOrders(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("shop: pushing pending orders to Parley", "err", err)
			}
		}
	}
}

// Ready tells whether the shop has pushed its data to Parley.
func (s *Shop) Ready() bool { return s.ready.Load() }

// Handler serves the shop under /shop/.
func (s *Shop) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /shop/static/", http.StripPrefix("/shop/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /shop/{$}", s.home)
	mux.HandleFunc("GET /shop/search", s.searchPage)
	mux.HandleFunc("GET /shop/c/{id}", s.categoryPage)
	mux.HandleFunc("GET /shop/s/{id}", s.sellerPage)
	mux.HandleFunc("GET /shop/p/{id}", s.productPage)
	mux.HandleFunc("GET /shop/signin", s.signinPage)
	mux.HandleFunc("POST /shop/signin", s.signin)
	mux.HandleFunc("POST /shop/signout", s.signout)
	mux.HandleFunc("POST /shop/inbox-jwt", s.inboxJWT)
	mux.HandleFunc("GET /shop/cart", s.cartPage)
	mux.HandleFunc("POST /shop/cart/add", s.cartAdd)
	mux.HandleFunc("POST /shop/cart/remove", s.cartRemove)
	mux.HandleFunc("POST /shop/checkout", s.checkout)
	mux.HandleFunc("GET /shop/orders", s.ordersPage)
	mux.HandleFunc("GET /shop/orders/{id}", s.orderPage)
	mux.HandleFunc("POST /shop/orders/{id}/advance", s.advance)
	mux.HandleFunc("POST /shop/webhooks/parley", s.webhook)
	mux.HandleFunc("/shop/", func(w http.ResponseWriter, r *http.Request) {
		s.notFound(w, r)
	})
	// Forms of the shop's own pages only: a cross-site POST is refused. The
	// webhook, a server-to-server call without Origin, passes.
	return securityHeaders(http.NewCrossOriginProtection().Handler(mux))
}

const userCookie = "parley_shop_user"

// currentUser reads the signed-in person from the shop's cookie.
func (s *Shop) currentUser(r *http.Request) *Person {
	c, err := r.Cookie(userCookie)
	if err != nil {
		return nil
	}
	id, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign(id))) {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return nil
	}
	return s.catalog.Person(string(raw))
}

func (s *Shop) sign(v string) string {
	var key string
	s.state.view(func(st *state) { key = st.CookieKey })
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Shop) setUser(w http.ResponseWriter, r *http.Request, p *Person) {
	c := &http.Cookie{Name: userCookie, Path: "/shop/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || strings.HasPrefix(s.cfg.PublicURL, "https://")}
	if p == nil {
		c.MaxAge = -1
	} else {
		id := base64.RawURLEncoding.EncodeToString([]byte(p.ID))
		c.Value = id + "." + s.sign(id)
		c.MaxAge = 30 * 24 * 3600
	}
	http.SetCookie(w, c)
}
