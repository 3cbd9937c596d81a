package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// BuyerProfile is a buyer as a seller's context panel shows them: who, since
// when, and what they did with the caller's companies (with the whole
// marketplace for operators and the buyer themself). No contact details:
// those stay with the host.
type BuyerProfile struct {
	ID            string              `json:"id"`
	Name          string              `json:"name"`
	MemberSince   time.Time           `json:"member_since"`
	Conversations int64               `json:"conversations"`
	Orders        int64               `json:"orders"`
	LatestOrders  []BuyerProfileOrder `json:"latest_orders"`
}

// BuyerProfileOrder is one of a profile's latest orders.
type BuyerProfileOrder struct {
	ID       string    `json:"id"`
	Status   string    `json:"status"`
	PlacedAt time.Time `json:"placed_at"`
}

// getBuyerProfile shows a buyer to the members of a seller company that has
// a conversation or an order with them, to operators and to themself;
// anyone else gets not found.
func getBuyerProfile(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	q := s.DB.Reader(r.Context())
	u, err := store.UserByExternalID(q, p.Marketplace.ID, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		return parley.NotFound("user")
	} else if err != nil {
		return err
	}
	var orgs []int64
	for _, o := range p.SellerOrgs() {
		orgs = append(orgs, o.ID)
	}
	all := p.User.IsOperator || u.ID == p.User.ID
	rec, err := store.BuyerRecordWith(q, p.Marketplace.ID, u.ID, orgs, all)
	if err != nil {
		return err
	}
	if !all && rec.Conversations == 0 && rec.Orders == 0 {
		return parley.NotFound("user")
	}
	out := BuyerProfile{ID: u.ExternalID, Name: u.Name, MemberSince: u.CreatedAt, Conversations: rec.Conversations,
		Orders: rec.Orders, LatestOrders: []BuyerProfileOrder{}}
	for _, o := range rec.LatestOrders {
		out.LatestOrders = append(out.LatestOrders, BuyerProfileOrder{ID: o.ExternalID, Status: o.Status, PlacedAt: o.PlacedAt})
	}
	encode(w, http.StatusOK, out)
	return nil
}
