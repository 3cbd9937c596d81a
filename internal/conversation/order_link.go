package conversation

import (
	"errors"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
)

// EventOrderCreated is the event of the system message that says the host
// made an order from the conversation (from one of its order proposals):
// the proposal's card and the context panel name and link the order.
const EventOrderCreated = "order.created"

// orderData is the data of an order.created system message.
type orderData struct {
	Event    string `json:"event"`
	Order    string `json:"order"`
	Proposal string `json:"proposal,omitempty"`
}

// OrderFromChat records, inside the host's write that creates the order o,
// that it was made from the conversation convID (a chat between the same
// buyer and seller) and, when given, its order proposal message: a system
// message the parties see at once. Anything else is a validation error on
// the host's request.
func (s *Service) OrderFromChat(tx *store.Tx, marketplaceID int64, convID, proposal string, o parley.Order) error {
	bad := parley.Invalid(parley.FieldError{Field: "conversation", Message: "is not a conversation between this order's buyer and seller"})
	id, ok := ParseID(convID)
	if !ok {
		return bad
	}
	c, err := store.ConversationByID(tx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (c.MarketplaceID != marketplaceID || c.BuyerUserID != o.BuyerUserID || c.SellerOrgID != o.SellerOrgID)) {
		return bad
	} else if err != nil {
		return err
	}
	if proposal != "" {
		pid, ok := ParseID(proposal)
		m, err := store.MessageByID(tx, pid)
		if !ok || errors.Is(err, store.ErrNotFound) || (err == nil && (m.ConversationID != c.ID || m.Kind != MessageOrderProposal)) {
			return parley.Invalid(parley.FieldError{Field: "proposal", Message: "is not an order proposal of the conversation"})
		} else if err != nil {
			return err
		}
	}
	_, _, err = s.systemMessageData(tx, c.ID, "Order "+o.ExternalID+" was made from this conversation.",
		orderData{Event: EventOrderCreated, Order: o.ExternalID, Proposal: proposal})
	return err
}
