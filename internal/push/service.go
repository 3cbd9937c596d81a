package push

import (
	"context"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/safehttp"
	"github.com/parleyhq/parley/internal/store"
)

// Job kinds.
const (
	// KindMessage pushes a conversation's newest message to one side.
	KindMessage = "push.message"
	// KindSend retries one delivery to one subscription.
	KindSend = "push.send"
)

// Options configure a Service.
type Options struct {
	// MailFrom is Parley's sender address; its address is the VAPID
	// subject ("mailto:") that push services may write to.
	MailFrom string
	// BaseURL is Parley's public URL; an https one is the VAPID subject
	// when MailFrom has no address.
	BaseURL string
	// Online reports which users have an open socket on any node; nil:
	// nobody has.
	Online func(ctx context.Context, userIDs []int64) (map[int64]bool, error)
	// Client talks to push services; nil: a safehttp client that refuses
	// internal addresses.
	Client *http.Client
	Log    *slog.Logger
}

// Service stores subscriptions and sends pushes.
type Service struct {
	db      *store.DB
	queue   *outbox.Queue
	opts    Options
	log     *slog.Logger
	keys    store.VAPIDKeys
	subject string
	client  atomic.Pointer[http.Client]

	mu  sync.Mutex
	any map[int64]cachedAny // marketplace -> whether it has subscriptions
}

type cachedAny struct {
	yes   bool
	until time.Time
}

// anyTTL is how long "this marketplace has no subscriptions" is believed
// before it is read again.
const anyTTL = 10 * time.Second

// New loads (on the first start: makes) the VAPID keys and returns the
// service; Register its handlers on the runner.
func New(ctx context.Context, db *store.DB, queue *outbox.Queue, opts Options) (*Service, error) {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	keys, err := loadKeys(ctx, db)
	if err != nil {
		return nil, err
	}
	s := &Service{db: db, queue: queue, opts: opts, log: opts.Log.With("component", "push"), keys: keys, subject: subject(opts.MailFrom, opts.BaseURL)}
	client := opts.Client
	if client == nil {
		client = safehttp.NewClient(safehttp.Policy{})
	}
	s.client.Store(client)
	return s, nil
}

// subject is the VAPID "sub" claim: an email address (the library adds
// "mailto:") or an https URL.
func subject(mailFrom, baseURL string) string {
	if a, err := mail.ParseAddress(mailFrom); err == nil && a.Address != "" {
		return a.Address
	}
	if strings.HasPrefix(baseURL, "https://") {
		return baseURL
	}
	return "parley@localhost"
}

// Register installs the push job handlers.
func (s *Service) Register(r *outbox.Runner) {
	r.Register(KindMessage, s.runMessage)
	r.Register(KindSend, s.runSend)
}

// PublicKey is the VAPID public key, base64url (no padding) of the
// uncompressed P-256 point: the browser's applicationServerKey.
func (s *Service) PublicKey() string { return s.keys.PublicKey }

// SetHTTPClient replaces the client that talks to push services (tests
// use one that trusts their TLS server).
func (s *Service) SetHTTPClient(c *http.Client) { s.client.Store(c) }

// hasSubscriptions tells, cached for a few seconds, whether anyone in the
// marketplace subscribed: without subscriptions a message enqueues no job.
func (s *Service) hasSubscriptions(q store.Querier, marketplaceID int64) (bool, error) {
	s.mu.Lock()
	e, ok := s.any[marketplaceID]
	s.mu.Unlock()
	if ok && (e.yes || q.Now().Before(e.until)) {
		return e.yes, nil
	}
	yes, err := store.MarketplaceHasPushSubscriptions(q, marketplaceID)
	if err != nil {
		return false, err
	}
	s.remember(marketplaceID, yes, q.Now())
	return yes, nil
}

func (s *Service) remember(marketplaceID int64, yes bool, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.any == nil {
		s.any = map[int64]cachedAny{}
	}
	s.any[marketplaceID] = cachedAny{yes: yes, until: now.Add(anyTTL)}
}
