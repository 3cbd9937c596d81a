package httpapi

import (
	"net/http"

	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/push"
)

func vapidKey(s *Server, w http.ResponseWriter, r *http.Request, _ *identity.Principal) error {
	encode(w, http.StatusOK, map[string]string{"public_key": s.Push.PublicKey()})
	return nil
}

func subscribePush(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	var in push.SubscriptionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sub, ok, err := s.Push.Subscribe(r.Context(), p, in)
	if err != nil {
		return err
	}
	encode(w, created(ok), sub)
	return nil
}

func unsubscribePush(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	if err := s.Push.Unsubscribe(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
