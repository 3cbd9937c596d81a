package httpapi

import (
	"context"
	"net/http"

	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/realtime"
)

// AvailabilityService tells whether a seller's people are there.
type AvailabilityService interface {
	OrganizationAvailability(ctx context.Context, marketplaceID int64, orgExternalID string) (realtime.Availability, error)
	ProductAvailability(ctx context.Context, marketplaceID int64, productExternalID string) (realtime.Availability, error)
}

func organizationAvailability(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	a, err := s.Availability.OrganizationAvailability(r.Context(), p.Marketplace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, a)
	return nil
}

func productAvailability(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	a, err := s.Availability.ProductAvailability(r.Context(), p.Marketplace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, a)
	return nil
}
