package push

import (
	"strconv"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// messageJob is a KindMessage payload: push the conversation's newest
// message to the users of Side.
type messageJob struct {
	ConversationID int64  `json:"conversation_id"`
	Side           string `json:"side"`
}

// ConversationStarted does nothing: the first message comes through
// MessageSent like any other.
func (s *Service) ConversationStarted(*store.Tx, store.ConversationRow, store.MessageRow) error {
	return nil
}

// MessageSent enqueues, in the message's transaction, a push to each side
// that did not write it. A job already queued for the side absorbs it.
func (s *Service) MessageSent(tx *store.Tx, c store.ConversationRow, m store.MessageRow) error {
	var sides []string
	switch m.Side {
	case parley.SideBuyer:
		sides = []string{parley.SideSeller}
	case parley.SideSeller:
		sides = []string{parley.SideBuyer}
	case parley.SideOperator:
		sides = []string{parley.SideBuyer, parley.SideSeller}
	default:
		return nil
	}
	if ok, err := s.hasSubscriptions(tx, c.MarketplaceID); err != nil || !ok {
		return err
	}
	for _, side := range sides {
		job := outbox.Job{
			MarketplaceID: c.MarketplaceID,
			Kind:          KindMessage,
			Payload:       messageJob{ConversationID: c.ID, Side: side},
			DedupeKey:     "push:" + strconv.FormatInt(c.ID, 10) + ":" + side,
			MaxAttempts:   3,
		}
		if err := s.queue.Enqueue(tx, job); err != nil {
			return err
		}
	}
	return nil
}
