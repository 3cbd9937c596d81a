package httpapi

import (
	"net/http"

	"github.com/parleyhq/parley/internal/catalog"
	"github.com/parleyhq/parley/internal/identity"
)

func upsert[T any](w http.ResponseWriter, r *http.Request, p *identity.Principal, f func(mid int64, id string, in T) (bool, error)) error {
	var in T
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ok, err := f(p.Marketplace.ID, r.PathValue("external_id"), in)
	if err != nil {
		return err
	}
	encode(w, created(ok), map[string]any{"id": r.PathValue("external_id"), "created": ok})
	return nil
}

func hostUser(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return upsert(w, r, p, func(mid int64, id string, in catalog.UserInput) (bool, error) {
		return s.Catalog.UpsertUser(r.Context(), mid, id, in)
	})
}

func hostOrganization(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return upsert(w, r, p, func(mid int64, id string, in catalog.OrganizationInput) (bool, error) {
		return s.Catalog.UpsertOrganization(r.Context(), mid, id, in)
	})
}

func hostProduct(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return upsert(w, r, p, func(mid int64, id string, in catalog.ProductInput) (bool, error) {
		return s.Catalog.UpsertProduct(r.Context(), mid, id, in)
	})
}

func hostOrder(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return upsert(w, r, p, func(mid int64, id string, in catalog.OrderInput) (bool, error) {
		return s.Catalog.UpsertOrder(r.Context(), mid, id, in)
	})
}

func hostOrderEvent(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	var in catalog.EventInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.Catalog.AddOrderEvent(r.Context(), p.Marketplace.ID, r.PathValue("external_id"), in); err != nil {
		return err
	}
	encode(w, http.StatusCreated, map[string]any{"order": r.PathValue("external_id"), "type": in.Type})
	return nil
}

func hostWebhook(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	var in catalog.WebhookInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	hook, err := s.Catalog.AddWebhook(r.Context(), p.Marketplace.ID, in)
	if err != nil {
		return err
	}
	encode(w, http.StatusCreated, hook)
	return nil
}

// hostWebhooks lists the host's webhook endpoints with their delivery
// health (a short list: no paging).
func hostWebhooks(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	items, err := s.Catalog.Webhooks(r.Context(), p.Marketplace.ID)
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, map[string]any{"items": items, "next_cursor": ""})
	return nil
}

// deleteHostWebhook removes one of the host's webhook endpoints and the
// deliveries to it still waiting.
func deleteHostWebhook(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	if err := s.Catalog.RemoveWebhook(r.Context(), p.Marketplace.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
