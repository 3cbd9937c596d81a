package conversation

import (
	"context"
	"errors"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

var (
	errNotFound     = parley.NotFound("conversation")
	errBlocked      = parley.Errorf(parley.EBlocked, "A block stands between you and the other party: messages cannot be sent.")
	errChatDisabled = parley.Errorf(parley.EChatDisabled, "This seller has switched chat off.")
	errTicketClosed = parley.Errorf(parley.EConflict, "This ticket is closed: it takes no more messages.")
	errClientIDUsed = parley.Errorf(parley.EConflict, "This client_id was already used for a different message.")
)

// access loads a conversation and the principal's side in it; anything the
// principal may not see is not found.
func (s *Service) access(ctx context.Context, p *identity.Principal, id int64) (store.ConversationRow, string, error) {
	c, err := store.ConversationByID(s.db.Reader(ctx), id)
	if errors.Is(err, store.ErrNotFound) {
		return c, "", errNotFound
	} else if err != nil {
		return c, "", err
	}
	side := sideOf(p, c)
	if side == "" {
		return c, "", errNotFound
	}
	return c, side, nil
}

// Send appends a message to a conversation. A retry with the same
// client_id returns the original message and created=false.
func (s *Service) Send(ctx context.Context, p *identity.Principal, convID int64, in MessageInput) (parley.Message, bool, error) {
	if p.Host {
		return parley.Message{}, false, errNotFound
	}
	fileIDs, errs := in.validate("")
	if len(errs) > 0 {
		return parley.Message{}, false, parley.Invalid(errs...)
	}
	// No look-up of client_id before writing: a retry hits the unique index,
	// the batch runs again without it, and the original is read below.
	var msg parley.Message
	err := s.db.WriteKey(ctx, convID, func(tx *store.Tx) error {
		var err error
		msg, err = s.appendMessage(tx, p, store.WriteState{ID: convID}, "", in, fileIDs)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		// A concurrent retry won the race: answer with its message.
		m, found, oerr := s.original(ctx, p, convID, in)
		if found || oerr != nil {
			return m, false, oerr
		}
	}
	return msg, err == nil, err
}

// original returns the principal's earlier message with the client id:
// found when it is the same message, conflict when the id was used for
// another.
func (s *Service) original(ctx context.Context, p *identity.Principal, convID int64, in MessageInput) (parley.Message, bool, error) {
	q := s.db.Reader(ctx)
	row, err := store.MessageByClientID(q, p.User.ID, in.ClientID)
	if errors.Is(err, store.ErrNotFound) {
		return parley.Message{}, false, nil
	} else if err != nil {
		return parley.Message{}, false, err
	}
	if row.ConversationID != convID || row.Body != in.Body {
		return parley.Message{}, false, errClientIDUsed
	}
	ms, err := s.renderMessages(q, []store.MessageRow{row})
	if err != nil {
		return parley.Message{}, false, err
	}
	return ms[0], true, nil
}

// appendMessage writes a message inside tx as the principal on side, to the
// conversation pre (read, with its rules checked, before the write).
func (s *Service) appendMessage(tx *store.Tx, p *identity.Principal, pre store.WriteState, side string, in MessageInput, fileIDs []int64) (parley.Message, error) {
	convID := pre.ID
	kind := parley.MessageText
	if in.Kind != "" {
		kind = in.Kind
	}
	nm := store.NewMessage{ConversationID: convID, AuthorUserID: p.User.ID, Side: side, Kind: kind,
		Body: in.Body, PageURL: in.PageURL, Data: in.Data, ClientID: in.ClientID}
	if side == "" {
		// The UPDATE that takes the seq also finds the principal's side and
		// refuses a non-party: no read before the write.
		v := p.Viewer()
		nm.Party = &v
	} else if side == parley.SideSeller {
		nm.OrgID = pre.SellerOrgID
	}
	// InsertMessage also moves the author's side's pointers to the new seq,
	// and checks the rules (blocks, chat switch, closed ticket) on the row it
	// updates.
	row, ws, err := store.InsertMessage(tx, nm)
	if errors.Is(err, store.ErrRuleChanged) {
		// Read why, to answer with the rule's own error.
		now, rerr := store.ConversationWriteState(tx, convID)
		if errors.Is(rerr, store.ErrNotFound) {
			return parley.Message{}, errNotFound
		} else if rerr != nil {
			return parley.Message{}, rerr
		}
		if side == "" {
			side = sideOf(p, store.ConversationRow{MarketplaceID: now.MarketplaceID, BuyerUserID: now.BuyerUserID, SellerOrgID: now.SellerOrgID})
		}
		if side == "" {
			return parley.Message{}, errNotFound
		}
		if werr := checkWritable(now, side); werr != nil {
			return parley.Message{}, werr
		}
		return parley.Message{}, err
	} else if err != nil {
		return parley.Message{}, err
	}
	side, orgID := row.Side, row.OrgID
	row.AuthorExternalID, row.AuthorName = p.User.ExternalID, p.User.Name
	for _, m := range p.Memberships {
		if m.Organization.ID == orgID {
			row.OrgExternalID, row.OrgName = m.Organization.ExternalID, m.Organization.Name
		}
	}
	// The buyer's read pointer is the buyer side's, which InsertMessage
	// moved; seller members and operators keep their own.
	if side != parley.SideBuyer {
		if err := store.SetReadState(tx, ws.ID, p.User.ID, row.Seq, false); err != nil {
			return parley.Message{}, err
		}
	}
	if (ws.Status == parley.StatusSolved || ws.Status == parley.StatusClosed) && ws.Kind != parley.KindTicket {
		open, none := parley.StatusOpen, ""
		if err := store.UpdateConversation(tx, ws.ID, store.ConversationUpdate{Status: &open, ClosedReason: &none}); err != nil {
			return parley.Message{}, err
		}
		ws.Status = open
	}
	var files []AttachmentInfo
	if len(fileIDs) > 0 {
		if s.attachments == nil {
			return parley.Message{}, parley.NotFound("attachment")
		}
		if files, err = s.attachments.Attach(tx, p.User.ID, row.ID, ws.ID, fileIDs); err != nil {
			return parley.Message{}, err
		}
	}
	c := store.ConversationRow{ID: ws.ID, MarketplaceID: ws.MarketplaceID, Kind: ws.Kind, Status: ws.Status,
		BuyerUserID: ws.BuyerUserID, SellerOrgID: ws.SellerOrgID, LastSeq: row.Seq}
	if s.hooks != nil {
		if err := s.hooks.MessageSent(tx, c, row); err != nil {
			return parley.Message{}, err
		}
	}
	msg := renderMessage(row, files)
	s.publishMessage(tx, c, msg)
	return msg, nil
}

// checkWritable refuses a message that a block, the chat switch or a
// closed ticket forbids. Operators write through blocks and switches.
func checkWritable(ws store.WriteState, side string) error {
	switch {
	case ws.Kind == parley.KindTicket && ws.Status == parley.StatusClosed:
		return errTicketClosed
	case side == parley.SideOperator:
		return nil
	case ws.Blocked:
		return errBlocked
	case side == parley.SideBuyer && ws.Kind == parley.KindChat && !ws.ChatEnabled:
		return errChatDisabled
	}
	return nil
}
