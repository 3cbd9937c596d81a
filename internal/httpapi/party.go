package httpapi

import (
	"net/http"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// Party is the other party of a conversation as its viewer's profile card
// shows it: for a buyer, the seller company (its products and how fast it
// answers); for the seller side and operators, the buyer and their record
// with this seller. Internal ids stay out: the card shows names.
type Party struct {
	Kind string `json:"kind"` // buyer or seller
	ID   string `json:"id"`
	Name string `json:"name"`

	// A buyer's.
	MemberSince   *time.Time          `json:"member_since,omitempty"`
	Orders        *int64              `json:"orders,omitempty"`
	Conversations *int64              `json:"conversations,omitempty"`
	LatestOrders  []BuyerProfileOrder `json:"latest_orders,omitempty"`
	// Email only when the marketplace shares buyers' emails with sellers.
	Email string `json:"email,omitempty"`

	// A seller's. The host gives no rating today, so there is none.
	Products *int64 `json:"products,omitempty"`
	// ResponseTimeSeconds is the median first-response time; absent until
	// the seller has answered a conversation.
	ResponseTimeSeconds *int64 `json:"response_time_seconds,omitempty"`
}

// getParty answers GET /api/v1/conversations/{id}/party: a party of the
// conversation gets the other one; anyone else not found.
func getParty(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	conv, err := s.Conversations.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	q := s.DB.Reader(r.Context())
	c, err := store.ConversationByID(q, id)
	if err != nil {
		return err
	}
	var out Party
	if conv.Side == parley.SideBuyer {
		org, err := store.OrganizationByID(q, c.SellerOrgID)
		if err != nil {
			return err
		}
		rec, err := store.SellerRecordOf(q, p.Marketplace.ID, org.ID)
		if err != nil {
			return err
		}
		out = Party{Kind: parley.SideSeller, ID: org.ExternalID, Name: org.Name, Products: &rec.Products}
		if rec.Answered > 0 {
			secs := int64(rec.ResponseTime / time.Second)
			out.ResponseTimeSeconds = &secs
		}
	} else {
		u, err := store.UserByID(q, c.BuyerUserID)
		if err != nil {
			return err
		}
		rec, err := store.BuyerRecordWith(q, p.Marketplace.ID, u.ID, []int64{c.SellerOrgID}, false)
		if err != nil {
			return err
		}
		out = Party{Kind: parley.SideBuyer, ID: u.ExternalID, Name: u.Name, MemberSince: &u.CreatedAt,
			Orders: &rec.Orders, Conversations: &rec.Conversations, LatestOrders: []BuyerProfileOrder{}}
		for _, o := range rec.LatestOrders {
			out.LatestOrders = append(out.LatestOrders, BuyerProfileOrder{ID: o.ExternalID, Status: o.Status, PlacedAt: o.PlacedAt})
		}
		if s.ShareBuyerEmail {
			out.Email = u.Email
		}
	}
	encode(w, http.StatusOK, out)
	return nil
}

// maxProductQuery bounds the product search's text.
const maxProductQuery = 100

// conversationProducts answers GET /api/v1/conversations/{id}/products?q=:
// the seller side's search of its own products for the order proposal
// form (title or code containing q, at most store.MaxProductSearch). A
// buyer is refused like a buyer's proposal; anyone else gets not found.
func conversationProducts(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	query := r.URL.Query().Get("q")
	if len([]rune(query)) > maxProductQuery {
		return parley.Invalid(parley.FieldError{Field: "q", Message: "must be at most 100 characters"})
	}
	conv, err := s.Conversations.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	if conv.Side != parley.SideSeller {
		return parley.Errorf(parley.EForbidden, "Only the seller searches its products here.")
	}
	q := s.DB.Reader(r.Context())
	c, err := store.ConversationByID(q, id)
	if err != nil {
		return err
	}
	items, err := store.SearchSellerProducts(q, p.Marketplace.ID, c.SellerOrgID, query)
	if err != nil {
		return err
	}
	for i := range items {
		items[i].Tags, items[i].Category, items[i].Agents = nonNil(items[i].Tags), nonNil(items[i].Category), nonNil(items[i].Agents)
	}
	if items == nil {
		items = []parley.Product{}
	}
	encode(w, http.StatusOK, map[string]any{"items": items})
	return nil
}
