package httpapi

import (
	"net/http"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
)

// getOrganization shows a company with its members to its members and
// operators.
func getOrganization(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	v, err := s.Catalog.Organization(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, v)
	return nil
}

// patchOrganization switches the company's chat (owners only).
func patchOrganization(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	var in struct {
		ChatEnabled *bool `json:"chat_enabled"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.ChatEnabled == nil {
		return parley.Invalid(parley.FieldError{Field: "chat_enabled", Message: "is required"})
	}
	v, err := s.Catalog.SetChatEnabled(r.Context(), p, r.PathValue("id"), *in.ChatEnabled)
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, v)
	return nil
}

// putMember adds a member or changes their role (owners only).
func putMember(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	var in struct {
		Role string `json:"role"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, ok, err := s.Catalog.PutMember(r.Context(), p, r.PathValue("id"), r.PathValue("user"), in.Role)
	if err != nil {
		return err
	}
	encode(w, created(ok), v)
	return nil
}

func deleteMember(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	if err := s.Catalog.RemoveMember(r.Context(), p, r.PathValue("id"), r.PathValue("user")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
