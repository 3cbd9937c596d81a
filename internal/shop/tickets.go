package shop

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// OrderTicket is what the shop knows of one of Parley's tickets about an
// order ("talk to the store"), from its webhooks: the return proposals
// made in it and how it closed. An order may have several tickets (a
// closed ticket never reopens; the buyer starts a new one).
//
// Deliveries run in parallel and retries may come after later events, so
// every change here is a merge that only moves forward: a proposal's
// state leaves "proposed" once and never goes back, a closed ticket stays
// closed with what its first ticket.closed said.
type OrderTicket struct {
	Conversation string            `json:"conversation"`
	Proposals    []*TicketProposal `json:"proposals,omitempty"`
	Closed       *TicketClosed     `json:"closed,omitempty"`
	// Seen is when the shop first heard of the ticket (orders its tickets).
	Seen time.Time `json:"seen"`
}

// TicketProposal is a return for inspection proposed in a ticket.
type TicketProposal struct {
	ID         string    `json:"id"`
	State      string    `json:"state"` // proposed, accepted, declined or withdrawn
	Note       string    `json:"note,omitempty"`
	AnswerNote string    `json:"answer_note,omitempty"`
	By         string    `json:"by,omitempty"` // the seller's person who proposed it
	CreatedAt  time.Time `json:"created_at"`
	AnsweredAt time.Time `json:"answered_at"`
}

// TicketClosed is how a ticket ended: completed by a party ("completed",
// By) or closed by Parley after AfterSeconds without activity ("auto").
type TicketClosed struct {
	Reason       string    `json:"reason"`
	By           string    `json:"by,omitempty"`
	AfterSeconds int64     `json:"after_seconds,omitempty"`
	At           time.Time `json:"at"`
}

// Proposal is the data of the return.* webhooks.
type Proposal struct {
	ID           string     `json:"id"`
	Conversation string     `json:"conversation"`
	Order        string     `json:"order"`
	Buyer        string     `json:"buyer"`
	Seller       string     `json:"seller"`
	State        string     `json:"state"`
	Note         string     `json:"note"`
	AnswerNote   string     `json:"answer_note"`
	ProposedBy   *party     `json:"proposed_by"`
	CreatedAt    time.Time  `json:"created_at"`
	AnsweredAt   *time.Time `json:"answered_at"`
}

type party struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TicketClosedEvent is the data of ticket.closed.
type TicketClosedEvent struct {
	Conversation    string    `json:"conversation"`
	Order           string    `json:"order"`
	Buyer           string    `json:"buyer"`
	Seller          string    `json:"seller"`
	Reason          string    `json:"reason"`
	By              *party    `json:"by"`
	AfterSeconds    int64     `json:"after_seconds"`
	ClosedAt        time.Time `json:"closed_at"`
	WithdrawnReturn string    `json:"withdrawn_return"`
}

// proposalStates are the states each return.* event carries.
var proposalStates = map[string]string{"return.proposed": "proposed", "return.accepted": "accepted",
	"return.declined": "declined", "return.withdrawn": "withdrawn"}

// ticket finds (or adds) the order's ticket for a conversation.
func (o *Order) ticket(conversation string, now time.Time) *OrderTicket {
	for _, t := range o.Tickets {
		if t.Conversation == conversation {
			return t
		}
	}
	t := &OrderTicket{Conversation: conversation, Seen: now}
	o.Tickets = append(o.Tickets, t)
	return t
}

// proposal finds (or adds, in state "proposed") a proposal of the ticket.
func (t *OrderTicket) proposal(id string) *TicketProposal {
	for _, p := range t.Proposals {
		if p.ID == id {
			return p
		}
	}
	p := &TicketProposal{ID: id, State: "proposed"}
	t.Proposals = append(t.Proposals, p)
	return p
}

// merge takes what a delivery says of a proposal: the details it lacks,
// and its state when the proposal is still waiting for an answer (an
// answer is final: a late return.proposed does not bring it back).
func (p *TicketProposal) merge(in Proposal, state string) {
	if p.Note == "" {
		p.Note = in.Note
	}
	if p.By == "" && in.ProposedBy != nil {
		p.By = in.ProposedBy.Name
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = in.CreatedAt.UTC()
	}
	if p.State != "proposed" || state == "proposed" {
		return
	}
	p.State, p.AnswerNote = state, in.AnswerNote
	if in.AnsweredAt != nil {
		p.AnsweredAt = in.AnsweredAt.UTC()
	}
}

// orderOf is the order a delivery names, when it is the buyer's with that
// seller; what another order's delivery names is refused.
func orderOf(st *state, event, order, buyer, seller string) (*Order, error) {
	o := st.order(order)
	if o == nil || o.Buyer != buyer || o.Seller != seller {
		return nil, fmt.Errorf("%s: %q is not an order of %s from %s", event, order, buyer, seller)
	}
	return o, nil
}

// onProposal records a return.proposed, return.declined or
// return.withdrawn (return.accepted also goes through onReturnAccepted).
// The same delivery again, or one older than what the shop knows,
// changes nothing.
func (s *Shop) onProposal(event string, data json.RawMessage) (map[string]any, error) {
	var in Proposal
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("%s: %v", event, err)
	}
	want := proposalStates[event]
	if in.ID == "" || in.Conversation == "" || in.State != want {
		return nil, fmt.Errorf("%s: a proposal with an id, a conversation and state %q is needed", event, want)
	}
	err := s.state.update(func(st *state) error {
		o, err := orderOf(st, event, in.Order, in.Buyer, in.Seller)
		if err != nil {
			return err
		}
		o.ticket(in.Conversation, s.now().UTC()).proposal(in.ID).merge(in, want)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"order": in.Order, "return_proposal": in.ID}, nil
}

// onTicketClosed records how a ticket closed, and the proposal the
// closing withdrew (return.withdrawn may come before or after).
func (s *Shop) onTicketClosed(data json.RawMessage) (map[string]any, error) {
	var in TicketClosedEvent
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("ticket.closed: %v", err)
	}
	if in.Conversation == "" || (in.Reason != "completed" && in.Reason != "auto") {
		return nil, errors.New(`ticket.closed: a conversation and a reason "completed" or "auto" are needed`)
	}
	err := s.state.update(func(st *state) error {
		o, err := orderOf(st, "ticket.closed", in.Order, in.Buyer, in.Seller)
		if err != nil {
			return err
		}
		t := o.ticket(in.Conversation, s.now().UTC())
		if t.Closed == nil {
			c := &TicketClosed{Reason: in.Reason, AfterSeconds: in.AfterSeconds, At: in.ClosedAt.UTC()}
			if in.By != nil {
				c.By = in.By.Name
			}
			t.Closed = c
		}
		if in.WithdrawnReturn != "" {
			at := in.ClosedAt
			t.proposal(in.WithdrawnReturn).merge(Proposal{AnsweredAt: &at}, "withdrawn")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"order": in.Order, "ticket": "closed"}, nil
}

// ticketView is a ticket as the order page shows it: its latest proposal
// (the one a buyer answers) and how it closed.
type ticketView struct {
	Conversation string
	Proposal     *TicketProposal
	Closed       *TicketClosed
}

// ticketViews are the order's tickets, newest first (the shop adds them
// as it first hears of them).
func ticketViews(o Order) []ticketView {
	out := make([]ticketView, 0, len(o.Tickets))
	for i := len(o.Tickets) - 1; i >= 0; i-- {
		t := o.Tickets[i]
		v := ticketView{Conversation: t.Conversation, Closed: t.Closed}
		for _, p := range t.Proposals {
			// The latest proposal; one known only from its withdrawal has
			// no creation time and comes before those that do.
			if v.Proposal == nil || !p.CreatedAt.Before(v.Proposal.CreatedAt) {
				v.Proposal = p
			}
		}
		out = append(out, v)
	}
	return out
}

// clone is a copy of the order that shares nothing the state changes in
// place (its tickets), for a page to read outside the state's lock.
func (o *Order) clone() Order {
	c := *o
	c.Tickets = make([]*OrderTicket, len(o.Tickets))
	for i, t := range o.Tickets {
		ct := *t
		ct.Proposals = make([]*TicketProposal, len(t.Proposals))
		for j, p := range t.Proposals {
			cp := *p
			ct.Proposals[j] = &cp
		}
		if t.Closed != nil {
			cl := *t.Closed
			ct.Closed = &cl
		}
		c.Tickets[i] = &ct
	}
	return c
}
