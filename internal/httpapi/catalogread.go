package httpapi

import (
	"errors"
	"net/http"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/catalog"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// getProduct shows a product of the caller's marketplace (products are the
// marketplace's public catalogue).
func getProduct(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	prod, err := store.ProductByExternalID(s.DB.Reader(r.Context()), p.Marketplace.ID, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		return parley.NotFound("product")
	} else if err != nil {
		return err
	}
	prod.Tags, prod.Category, prod.Agents = nonNil(prod.Tags), nonNil(prod.Category), nonNil(prod.Agents)
	// The path in the caller's language; the translations stay the host's.
	prod.CategoryText, prod.CategoryTranslations = catalog.CategoryIn(prod, s.callerLanguage(r, p)), nil
	encode(w, http.StatusOK, prod)
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// OrderView is an order with its timeline and the caller's conversations
// about it.
type OrderView struct {
	parley.Order
	Events        []parley.OrderEvent   `json:"events"`
	Conversations []parley.Conversation `json:"conversations"`
}

// getOrder shows an order to its parties only: its buyer, the seller's
// members and the marketplace's operators; to anyone else it is not found.
func getOrder(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	q := s.DB.Reader(r.Context())
	o, err := store.OrderByExternalID(q, p.Marketplace.ID, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		return parley.NotFound("order")
	} else if err != nil {
		return err
	}
	if o.BuyerUserID != p.User.ID && p.Role(o.SellerOrgID) == "" && !p.User.IsOperator {
		return parley.NotFound("order")
	}
	events, err := store.OrderEvents(q, o.ID)
	if err != nil {
		return err
	}
	page, err := s.Conversations.List(r.Context(), p, conversation.ListInput{Order: o.ExternalID, Limit: 50})
	if err != nil {
		return err
	}
	if events == nil {
		events = []parley.OrderEvent{}
	}
	if o.Items == nil {
		o.Items = []parley.OrderItem{}
	}
	sayConversations(s.callerLanguage(r, p), page.Items)
	encode(w, http.StatusOK, OrderView{Order: o, Events: events, Conversations: page.Items})
	return nil
}

func proposeOrder(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	var in conversation.ProposalInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, ok, err := s.Conversations.ProposeOrder(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	encode(w, created(ok), m)
	return nil
}
