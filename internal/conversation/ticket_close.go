package conversation

import (
	"errors"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Host events of a ticket's end: ticket.closed for every closing, and
// return.withdrawn for a return proposal that still waited for the buyer.
const (
	HookTicketClosed    = "ticket.closed"
	HookReturnWithdrawn = "return.withdrawn"
)

// EventReturnWithdrawn is the event of the system message that says a
// proposal was withdrawn because its ticket closed.
const EventReturnWithdrawn = "return.withdrawn"

// TicketClosed is the data of the ticket.closed webhook.
type TicketClosed struct {
	Conversation string `json:"conversation"`
	Order        string `json:"order"`
	Buyer        string `json:"buyer"`
	Seller       string `json:"seller"`
	// Reason is "completed" (by a party: By) or "auto" (after
	// AfterSeconds without activity).
	Reason       string      `json:"reason"`
	By           *parley.Ref `json:"by,omitempty"`
	AfterSeconds int64       `json:"after_seconds,omitempty"`
	ClosedAt     time.Time   `json:"closed_at"`
	// WithdrawnReturn is the return proposal that the closing withdrew.
	WithdrawnReturn string `json:"withdrawn_return,omitempty"`
}

// ticketClosed does, in the transaction that closes the ticket c (after
// its system message), what follows the closing: a return proposal still
// waiting for the buyer is withdrawn, with a system message that its card
// reads and a return.withdrawn webhook; the host is sent ticket.closed.
// by is who completed it (nil for auto), after the auto-close period.
func (s *Service) ticketClosed(tx *store.Tx, c store.ConversationRow, reason string, by *parley.Ref, after time.Duration) error {
	ev := TicketClosed{Conversation: ID(c.ID), Order: c.OrderExternalID, Buyer: c.BuyerExternalID, Seller: c.SellerExternalID,
		Reason: reason, By: by, AfterSeconds: int64(after / time.Second), ClosedAt: tx.Now().UTC()}
	r, err := store.WithdrawReturnProposal(tx, c.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	default:
		ev.WithdrawnReturn = ID(r.ID)
		if _, _, err := s.systemMessageData(tx, c.ID, "The return for inspection was withdrawn: the ticket is closed.",
			systemData{Event: EventReturnWithdrawn, ReturnProposal: ID(r.ID), State: store.ReturnWithdrawn}); err != nil {
			return err
		}
		if s.Events != nil {
			if err := s.Events.Emit(tx, c.MarketplaceID, HookReturnWithdrawn, renderReturn(c, r)); err != nil {
				return err
			}
		}
	}
	if s.Events == nil {
		return nil
	}
	return s.Events.Emit(tx, c.MarketplaceID, HookTicketClosed, ev)
}
