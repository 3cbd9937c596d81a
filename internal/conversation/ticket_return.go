package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// MessageReturnProposal is the kind of the message in which a seller
// proposes a return for inspection.
const MessageReturnProposal = "return_proposal"

// The webhook events of returns: the host starts the return on accepted.
const (
	HookReturnProposed = "return.proposed"
	HookReturnAccepted = "return.accepted"
	HookReturnDeclined = "return.declined"
)

// maxReturnNote bounds a proposal's or an answer's note, in characters.
const maxReturnNote = 2000

var (
	errReturnOpen     = parley.Errorf(parley.EConflict, "A return proposal in this ticket is waiting for the buyer's answer.")
	errReturnNotFound = parley.NotFound("return proposal")
)

// ReturnInput is a seller's return proposal. ClientID, when given, makes a
// retry answer with the original message.
type ReturnInput struct {
	ClientID string `json:"client_id"`
	Note     string `json:"note"`
}

// AnswerInput is the buyer's answer to a return proposal.
type AnswerInput struct {
	Note string `json:"note"`
}

// ReturnProposal is a return for inspection as the API, the webhooks and
// the host see it.
type ReturnProposal struct {
	ID           string     `json:"id"`
	Conversation string     `json:"conversation"`
	Message      string     `json:"message"`
	Order        string     `json:"order"`
	Buyer        string     `json:"buyer"`
	Seller       string     `json:"seller"`
	State        string     `json:"state"`
	Note         string     `json:"note"`
	ProposedBy   parley.Ref `json:"proposed_by"`
	AnswerNote   string     `json:"answer_note,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
}

// returnMessageData is the data of a return_proposal message: the state
// it was proposed in (later answers are system messages that name it).
type returnMessageData struct {
	ReturnProposal string `json:"return_proposal"`
	State          string `json:"state"`
	Note           string `json:"note,omitempty"`
	Order          string `json:"order,omitempty"`
}

func renderReturn(c store.ConversationRow, r store.ReturnProposal) ReturnProposal {
	out := ReturnProposal{ID: ID(r.ID), Conversation: ID(r.ConversationID), Order: c.OrderExternalID,
		Buyer: c.BuyerExternalID, Seller: c.SellerExternalID, State: r.State, Note: r.Note,
		ProposedBy: parley.Ref{ID: r.ProposedByExternal, Name: r.ProposedByName}, AnswerNote: r.AnswerNote, CreatedAt: r.CreatedAt}
	if r.MessageID != 0 {
		out.Message = ID(r.MessageID)
	}
	if !r.AnsweredAt.IsZero() {
		at := r.AnsweredAt
		out.AnsweredAt = &at
	}
	return out
}

func checkNote(field, note string) error {
	if utf8.RuneCountInString(note) > maxReturnNote || !utf8.ValidString(note) {
		return parley.Invalid(parley.FieldError{Field: field, Message: "must be valid text of at most 2000 characters"})
	}
	return nil
}

// ProposeReturn lets a member of the seller company propose, in an order
// ticket that is not closed, that the buyer return the order for
// inspection. It appends a message of kind return_proposal and sends the
// host return.proposed in the same transaction. One proposal at a time
// waits for the buyer's answer: a second one is a conflict.
func (s *Service) ProposeReturn(ctx context.Context, p *identity.Principal, convID int64, in ReturnInput) (parley.Message, bool, error) {
	if p.Host {
		return parley.Message{}, false, errNotFound
	}
	c, side, err := s.access(ctx, p, convID)
	if err != nil {
		return parley.Message{}, false, err
	}
	if side != parley.SideSeller {
		return parley.Message{}, false, parley.Errorf(parley.EForbidden, "Only the seller proposes a return.")
	}
	in.Note = strings.TrimSpace(in.Note)
	in.ClientID = strings.TrimSpace(in.ClientID)
	if c.Kind != parley.KindTicket || c.OrderID == 0 {
		return parley.Message{}, false, parley.Invalid(parley.FieldError{Field: "conversation", Message: "returns are proposed in order tickets only"})
	}
	if err := checkNote("note", in.Note); err != nil {
		return parley.Message{}, false, err
	}
	if len(in.ClientID) > maxClientID {
		return parley.Message{}, false, parley.Invalid(parley.FieldError{Field: "client_id", Message: "must be at most 128 bytes"})
	}
	body := "Return for inspection proposed."
	if in.Note != "" {
		body += "\n" + in.Note
	}
	msgIn := MessageInput{ClientID: in.ClientID, Body: body, Kind: MessageReturnProposal}
	if msgIn.ClientID == "" {
		msgIn.ClientID = identity.NewToken("return-")
	} else if m, found, err := s.original(ctx, p, convID, msgIn); found || err != nil {
		// A retry: the proposal was made.
		return m, false, err
	}
	if c.Status == parley.StatusClosed {
		return parley.Message{}, false, errTicketClosed
	}
	var msg parley.Message
	err = s.db.WriteKey(ctx, convID, func(tx *store.Tx) error {
		if _, err := store.OpenReturnProposal(tx, convID); err == nil {
			return errReturnOpen
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		id, err := store.InsertReturnProposal(tx, store.NewReturnProposal{MarketplaceID: c.MarketplaceID, ConversationID: convID,
			Note: in.Note, ProposedBy: p.User.ID})
		if err != nil {
			return err
		}
		data, _ := json.Marshal(returnMessageData{ReturnProposal: ID(id), State: store.ReturnProposed, Note: in.Note, Order: c.OrderExternalID})
		mi := msgIn
		mi.Data = string(data)
		if msg, err = s.appendMessage(tx, p, store.WriteState{ID: convID}, "", mi, nil); err != nil {
			return err
		}
		msgID, _ := ParseID(msg.ID)
		if err := store.SetReturnProposalMessage(tx, id, msgID); err != nil {
			return err
		}
		if s.Events == nil {
			return nil
		}
		r, err := store.ReturnProposalByID(tx, id)
		if err != nil {
			return err
		}
		return s.Events.Emit(tx, c.MarketplaceID, HookReturnProposed, renderReturn(c, r))
	})
	if errors.Is(err, store.ErrConflict) {
		// The same client_id won a race, or another proposal did.
		m, found, oerr := s.original(ctx, p, convID, msgIn)
		if found || oerr != nil {
			return m, false, oerr
		}
		return parley.Message{}, false, errReturnOpen
	}
	return msg, err == nil, err
}

// AnswerReturn records the buyer's answer to the ticket's latest return
// proposal (accept or decline), with a system message, and sends the host
// return.accepted or return.declined in the same transaction. Answering
// again the same way changes nothing and answers the proposal; the other
// way is a conflict.
func (s *Service) AnswerReturn(ctx context.Context, p *identity.Principal, convID int64, accept bool, in AnswerInput) (ReturnProposal, error) {
	if p.Host {
		return ReturnProposal{}, errNotFound
	}
	c, side, err := s.access(ctx, p, convID)
	if err != nil {
		return ReturnProposal{}, err
	}
	if side != parley.SideBuyer {
		return ReturnProposal{}, parley.Errorf(parley.EForbidden, "Only the buyer answers a return proposal.")
	}
	if c.Kind != parley.KindTicket {
		return ReturnProposal{}, errReturnNotFound
	}
	in.Note = strings.TrimSpace(in.Note)
	if err := checkNote("note", in.Note); err != nil {
		return ReturnProposal{}, err
	}
	state, event, hook, verb := store.ReturnDeclined, EventReturnDeclined, HookReturnDeclined, "declined"
	if accept {
		state, event, hook, verb = store.ReturnAccepted, EventReturnAccepted, HookReturnAccepted, "accepted"
	}
	var id int64
	err = s.db.WriteKey(ctx, convID, func(tx *store.Tx) error {
		r, err := store.LatestReturnProposal(tx, convID)
		if errors.Is(err, store.ErrNotFound) {
			return errReturnNotFound
		} else if err != nil {
			return err
		}
		id = r.ID
		switch r.State {
		case state:
			return nil // answered so already: a retry
		case store.ReturnProposed:
		default:
			return parley.Errorf(parley.EConflict, "This return proposal was already %s.", r.State)
		}
		ws, err := store.ConversationWriteState(tx, convID)
		if err != nil {
			return err
		}
		if err := checkWritable(ws, side); err != nil {
			return err
		}
		if ok, err := store.AnswerReturnProposal(tx, r.ID, state, p.User.ID, in.Note); err != nil {
			return err
		} else if !ok {
			return parley.Errorf(parley.EConflict, "This return proposal was answered meanwhile.")
		}
		body := p.User.Name + " " + verb + " the return for inspection."
		if in.Note != "" {
			body += "\n" + in.Note
		}
		if _, _, err := s.systemMessageData(tx, convID, body, systemData{Event: event, By: p.User.Name,
			ReturnProposal: ID(r.ID), State: state, Note: in.Note}); err != nil {
			return err
		}
		if s.Events == nil {
			return nil
		}
		r, err = store.ReturnProposalByID(tx, r.ID)
		if err != nil {
			return err
		}
		return s.Events.Emit(tx, c.MarketplaceID, hook, renderReturn(c, r))
	})
	if err != nil {
		return ReturnProposal{}, err
	}
	r, err := store.ReturnProposalByID(s.db.Reader(ctx), id)
	if err != nil {
		return ReturnProposal{}, err
	}
	return renderReturn(c, r), nil
}
