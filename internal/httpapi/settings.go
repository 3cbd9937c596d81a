package httpapi

import (
	"net/http"

	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/settings"
)

func getSettings(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	v, err := s.Settings.Get(r.Context(), p)
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, v)
	return nil
}

func patchSettings(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	var in settings.Patch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.Settings.Update(r.Context(), p, in)
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, v)
	return nil
}
