package conversation

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// partyTopics are the topics of everyone who sees a conversation.
func partyTopics(c store.ConversationRow) []string {
	return []string{bus.UserTopic(c.BuyerUserID), bus.OrgTopic(c.SellerOrgID), bus.OpsTopic(c.MarketplaceID)}
}

// publishAfterCommit tells the parties about a change once it is durable.
func (s *Service) publishAfterCommit(tx *store.Tx, c store.ConversationRow, ev bus.Event) {
	if s.bus == nil {
		return
	}
	ev.ConversationID = c.ID
	topics := partyTopics(c)
	tx.AfterCommit(func() {
		ev.Change = tx.Change() // known once committed
		s.bus.Publish(topics, ev)
	})
}

// publishMessage tells the parties about a new message. It also stands for
// the conversation's update: the hub sends each receiver message.created and
// then conversation.updated (see Advance).
func (s *Service) publishMessage(tx *store.Tx, c store.ConversationRow, m parley.Message) {
	s.publishAfterCommit(tx, c, bus.Event{Type: bus.MessageCreated, Message: &m})
}

// PartyTopics returns the bus topics of a conversation's parties, for an
// ephemeral event (typing) from a party; anyone else gets not found.
func (s *Service) PartyTopics(ctx context.Context, p *identity.Principal, convID int64) ([]string, error) {
	c, _, err := s.access(ctx, p, convID)
	if err != nil {
		return nil, err
	}
	return partyTopics(c), nil
}
