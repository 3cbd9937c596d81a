package shop

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// OrderReturn is a return for inspection that the buyer accepted in an
// order ticket: the shop has started it (in a real shop, a courier label
// and an RMA number would follow).
type OrderReturn struct {
	Proposal     string    `json:"proposal"`
	Conversation string    `json:"conversation"`
	Note         string    `json:"note,omitempty"`
	AcceptedAt   time.Time `json:"accepted_at"`
}

// ReturnAccepted is the data of return.accepted.
type ReturnAccepted struct {
	ID           string     `json:"id"`
	Conversation string     `json:"conversation"`
	Order        string     `json:"order"`
	Buyer        string     `json:"buyer"`
	Seller       string     `json:"seller"`
	State        string     `json:"state"`
	Note         string     `json:"note"`
	AnsweredAt   *time.Time `json:"answered_at"`
}

// onReturnAccepted marks the order's return as started. A second
// delivery for the same proposal changes nothing.
func (s *Shop) onReturnAccepted(data json.RawMessage) (map[string]any, error) {
	var in ReturnAccepted
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("return.accepted: %v", err)
	}
	if in.ID == "" || in.State != "accepted" {
		return nil, errors.New("return.accepted: an accepted proposal is needed")
	}
	at := s.now().UTC()
	if in.AnsweredAt != nil {
		at = in.AnsweredAt.UTC()
	}
	err := s.state.update(func(st *state) error {
		o := st.order(in.Order)
		if o == nil || o.Buyer != in.Buyer || o.Seller != in.Seller {
			return fmt.Errorf("return.accepted: %q is not an order of %s from %s", in.Order, in.Buyer, in.Seller)
		}
		var p Proposal
		json.Unmarshal(data, &p) // decoded above already
		if in.Conversation != "" {
			o.ticket(in.Conversation, s.now().UTC()).proposal(in.ID).merge(p, "accepted")
		}
		if o.Return != nil && o.Return.Proposal == in.ID {
			return nil
		}
		o.Return = &OrderReturn{Proposal: in.ID, Conversation: in.Conversation, Note: in.Note, AcceptedAt: at}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"order": in.Order, "return": "started"}, nil
}
