package httpapi

import (
	"net/http"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
)

// RealtimeService serves the WebSocket endpoint.
type RealtimeService interface {
	Authenticate(r *http.Request) (*identity.Principal, string, error)
	Serve(w http.ResponseWriter, r *http.Request, p *identity.Principal, token string) error
}

// websocket authenticates itself (a socket also takes ?access_token= and
// checks the Origin of cookie sockets), then hands the request to the hub.
func websocket(s *Server, w http.ResponseWriter, r *http.Request, _ *identity.Principal) error {
	if s.Realtime == nil {
		return parley.NotFound("endpoint")
	}
	p, token, err := s.Realtime.Authenticate(r)
	if err != nil {
		return err
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return parley.Errorf(parley.EBadRequest, "This endpoint speaks WebSocket: send an upgrade request.")
	}
	return s.Realtime.Serve(w, r, p, token)
}
