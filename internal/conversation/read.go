package conversation

import (
	"context"
	"errors"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// Read moves the principal's read pointer (and their side's read and
// delivered pointers) forward to seq, clamped to the last message.
func (s *Service) Read(ctx context.Context, p *identity.Principal, convID, seq int64) error {
	if seq < 0 {
		return parley.Invalid(parley.FieldError{Field: "seq", Message: "must not be negative"})
	}
	c, side, err := s.access(ctx, p, convID)
	if err != nil {
		return err
	}
	return s.db.WriteKey(ctx, c.ID, func(tx *store.Tx) error {
		return s.markRead(tx, p, c.ID, side, seq)
	})
}

func (s *Service) markRead(tx *store.Tx, p *identity.Principal, convID int64, side string, seq int64) error {
	c, err := store.ConversationByID(tx, convID)
	if err != nil {
		return err
	}
	seq = min(seq, c.LastSeq)
	if err := store.SetReadState(tx, c.ID, p.User.ID, seq, false); err != nil {
		return err
	}
	if err := store.MovePointers(tx, c.ID, side, seq, seq); err != nil {
		return err
	}
	if side == parley.SideBuyer || side == parley.SideSeller {
		after, err := store.ConversationByID(tx, c.ID)
		if err != nil {
			return err
		}
		d, r := pointers(after, side)
		s.publishAfterCommit(tx, after, bus.Event{Type: bus.Receipt, Side: side, DeliveredSeq: d, ReadSeq: r})
	} else {
		store.TouchConversation(tx, c.ID)
	}
	s.publishAfterCommit(tx, c, bus.Event{Type: bus.ConversationUpdated})
	return nil
}

func pointers(c store.ConversationRow, side string) (delivered, read int64) {
	if side == parley.SideBuyer {
		return c.BuyerDeliveredSeq, c.BuyerReadSeq
	}
	return c.SellerDeliveredSeq, c.SellerReadSeq
}

// Delivered moves the principal's side's delivered pointer forward (a
// client got the messages up to seq).
func (s *Service) Delivered(ctx context.Context, p *identity.Principal, convID, seq int64) error {
	c, side, err := s.access(ctx, p, convID)
	if err != nil {
		return err
	}
	if side != parley.SideBuyer && side != parley.SideSeller {
		return nil
	}
	d, _ := pointers(c, side)
	if seq <= d {
		return nil
	}
	return s.db.WriteKey(ctx, c.ID, func(tx *store.Tx) error {
		if err := store.MovePointers(tx, c.ID, side, seq, 0); err != nil {
			return err
		}
		after, err := store.ConversationByID(tx, c.ID)
		if err != nil {
			return err
		}
		d, r := pointers(after, side)
		s.publishAfterCommit(tx, after, bus.Event{Type: bus.Receipt, Side: side, DeliveredSeq: d, ReadSeq: r})
		return nil
	})
}

// Patch is a change to a conversation; nil fields stay as they are.
type Patch struct {
	Status   *string `json:"status"`
	Assignee *string `json:"assignee"`
	Unread   *bool   `json:"unread"`
}

// Update applies a patch: status and assignee by the seller side and
// operators (a buyer may close a ticket), unread by anyone for themself.
func (s *Service) Update(ctx context.Context, p *identity.Principal, convID int64, in Patch) (parley.Conversation, error) {
	c, side, err := s.access(ctx, p, convID)
	if err != nil {
		return parley.Conversation{}, err
	}
	manage := side == parley.SideSeller || side == parley.SideOperator
	var u store.ConversationUpdate
	var systemNote string
	if in.Status != nil {
		st := *in.Status
		switch st {
		case parley.StatusOpen, parley.StatusPending, parley.StatusSolved, parley.StatusClosed:
		default:
			return parley.Conversation{}, parley.Invalid(parley.FieldError{Field: "status", Message: "must be open, pending, solved or closed"})
		}
		buyerClosesTicket := side == parley.SideBuyer && c.Kind == parley.KindTicket && st == parley.StatusClosed
		if !manage && !buyerClosesTicket {
			return parley.Conversation{}, parley.Errorf(parley.EForbidden, "Only the seller or an operator can change the status.")
		}
		if c.Kind == parley.KindTicket && c.Status == parley.StatusClosed && st != parley.StatusClosed {
			return parley.Conversation{}, errTicketClosed
		}
		if st != c.Status {
			u.Status = &st
			reason := ""
			if st == parley.StatusClosed && c.Kind == parley.KindTicket {
				reason = ClosedCompleted
				systemNote = p.User.Name + " completed the conversation."
			}
			u.ClosedReason = &reason
		}
	}
	var assignee int64
	if in.Assignee != nil {
		if !manage {
			return parley.Conversation{}, parley.Errorf(parley.EForbidden, "Only the seller or an operator can assign a conversation.")
		}
		if *in.Assignee != "" {
			au, err := store.UserByExternalID(s.db.Reader(ctx), p.Marketplace.ID, *in.Assignee)
			if errors.Is(err, store.ErrNotFound) {
				return parley.Conversation{}, parley.Invalid(parley.FieldError{Field: "assignee", Message: "is not a member of the seller company"})
			} else if err != nil {
				return parley.Conversation{}, err
			}
			members, err := store.OrgMembers(s.db.Reader(ctx), c.SellerOrgID)
			if err != nil {
				return parley.Conversation{}, err
			}
			found := false
			for _, m := range members {
				found = found || m.ID == au.ID
			}
			if !found && !au.IsOperator {
				return parley.Conversation{}, parley.Invalid(parley.FieldError{Field: "assignee", Message: "is not a member of the seller company"})
			}
			assignee = au.ID
		}
		u.AssigneeUserID = &assignee
	}
	err = s.db.WriteKey(ctx, c.ID, func(tx *store.Tx) error {
		if u.Status != nil || u.AssigneeUserID != nil {
			if u.Status != nil && *u.Status == parley.StatusClosed && c.Kind == parley.KindTicket {
				cur, err := store.ConversationByID(tx, c.ID)
				if err != nil {
					return err
				}
				if cur.Status == parley.StatusClosed {
					u.Status, u.ClosedReason, systemNote = nil, nil, ""
				}
			}
			if err := store.UpdateConversation(tx, c.ID, u); err != nil {
				return err
			}
			if systemNote != "" {
				if _, _, err := s.systemMessageData(tx, c.ID, systemNote, systemData{Event: EventTicketCompleted, By: p.User.Name}); err != nil {
					return err
				}
				if err := s.ticketClosed(tx, c, ClosedCompleted, &parley.Ref{ID: p.User.ExternalID, Name: p.User.Name}, 0); err != nil {
					return err
				}
			}
		}
		if in.Unread != nil {
			if *in.Unread {
				rs, err := store.GetReadState(tx, c.ID, p.User.ID)
				if err != nil {
					return err
				}
				if err := store.SetReadState(tx, c.ID, p.User.ID, rs.ReadSeq, true); err != nil {
					return err
				}
				if err := store.TouchConversation(tx, c.ID); err != nil {
					return err
				}
			} else if err := s.markRead(tx, p, c.ID, side, 1<<62); err != nil {
				return err
			}
		}
		s.publishAfterCommit(tx, c, bus.Event{Type: bus.ConversationUpdated})
		return nil
	})
	if err != nil {
		return parley.Conversation{}, err
	}
	return s.Get(ctx, p, c.ID)
}

// systemMessage appends a message by the system (no author, no client id).
func (s *Service) systemMessage(tx *store.Tx, convID int64, body string) (parley.Message, error) {
	m, _, err := s.systemMessageData(tx, convID, body, nil)
	return m, err
}
