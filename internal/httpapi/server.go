package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/catalog"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/metrics"
	"github.com/parleyhq/parley/internal/push"
	"github.com/parleyhq/parley/internal/quote"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/settings"
	"github.com/parleyhq/parley/internal/store"
)

// SessionCookie is the name of the web UI's session cookie.
const SessionCookie = "parley_session"

// Server holds what the handlers call.
type Server struct {
	DB            *store.DB
	Identity      *identity.Service
	Conversations *conversation.Service
	Catalog       *catalog.Service
	Attachments   AttachmentService
	Realtime      RealtimeService
	Availability  AvailabilityService
	Push          *push.Service
	Settings      *settings.Service
	// Quotes serves quote forms, offers and answers; nil answers not found.
	Quotes *quote.Service
	// Jobs is the outbox for the operator endpoints; nil lists nothing.
	Jobs JobAdmin
	// Mails is the dev mailbox for the operator endpoints; nil (Parley
	// sends through SMTP) lists nothing.
	Mails MailAdmin
	Log   *slog.Logger
	// SecureCookies marks the session cookie Secure (HTTPS deployments).
	SecureCookies bool
	// Limits are the rate limits; nil limits nothing.
	Limits *ratelimit.Limiter
	// ShareBuyerEmail shows a buyer's email to sellers in the party
	// profile (the marketplace's choice; off by default).
	ShareBuyerEmail bool

	cop *http.CrossOriginProtection
}

// Auth says who may call a route.
type Auth int

// Kinds of callers.
const (
	Public Auth = iota // anyone
	User               // a signed-in user (session)
	Host               // a host server (API key)
	// Socket is a signed-in user whose credentials the handler checks
	// itself (a WebSocket also takes ?access_token= and checks the Origin of
	// cookie sockets).
	Socket
)

// Route is one endpoint of the API.
type Route struct {
	Method  string
	Path    string
	Auth    Auth
	Handler func(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error
}

// Handler returns the API's HTTP handler.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.Default()
	}
	s.cop = http.NewCrossOriginProtection()
	mux := http.NewServeMux()
	for _, rt := range Routes() {
		mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.Log, parley.Errorf(parley.ENotFound, "No such endpoint: %s %s", r.Method, r.URL.Path))
	})
	return nosniff(s.checkText(s.refuseUncleanPaths(mux)))
}

// nosniff tells browsers to take every answer's Content-Type as sent: a
// JSON answer holding HTML is never run as a page.
func nosniff(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

type principalKey struct{}

// PrincipalFrom returns the authenticated caller stored in the context.
func PrincipalFrom(ctx context.Context) *identity.Principal {
	p, _ := ctx.Value(principalKey{}).(*identity.Principal)
	return p
}

func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		metrics.SetRoute(r.Context(), rt.Path)
		var p *identity.Principal
		if rt.Auth == User || rt.Auth == Host {
			var err error
			if p, err = s.authenticate(r); err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			if rt.Auth == Host && !p.Host {
				writeError(w, r, s.Log, parley.Errorf(parley.EUnauthorized, "This endpoint takes a host API key."))
				return
			}
			if rt.Auth == User && p.Host {
				writeError(w, r, s.Log, parley.Errorf(parley.EUnauthorized, "This endpoint takes a user's session, not an API key."))
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		}
		if err := rt.Handler(s, w, r, p); err != nil {
			writeError(w, r, s.Log, err)
		}
	})
}

// authenticate finds the caller's credentials: a Bearer token, or the
// session cookie, which must come from the same origin for a state change.
func (s *Server) authenticate(r *http.Request) (*identity.Principal, error) {
	token, fromCookie := bearer(r), false
	if token == "" {
		if c, err := r.Cookie(SessionCookie); err == nil {
			token, fromCookie = c.Value, true
		}
	}
	if fromCookie {
		if err := s.cop.Check(r); err != nil {
			return nil, parley.Errorf(parley.EForbidden, "Cross-origin requests with the session cookie are refused.")
		}
	}
	return s.Identity.Authenticate(r.Context(), token)
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// pathID reads a Parley id from the path; a malformed one is not found.
func pathID(r *http.Request, name, what string) (int64, error) {
	id, ok := conversation.ParseID(r.PathValue(name))
	if !ok {
		return 0, parley.NotFound(what)
	}
	return id, nil
}
