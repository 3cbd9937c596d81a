package conversation

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// QuoteRequests checks and records the form answers of a quote
// conversation (implemented by internal/quote).
type QuoteRequests interface {
	// CheckForm validates the answers against the product's form and
	// returns them as JSON, or a validation error.
	CheckForm(q store.Querier, marketplaceID, productID int64, form map[string]any) (string, error)
	// SaveRequest stores the answers with the conversation, in its
	// transaction.
	SaveRequest(tx *store.Tx, conversationID, productID int64, answers string) error
}

// Party returns a conversation and the caller's side in it; a conversation
// that is not the caller's is not found. Features that act in a
// conversation (quotes) start here.
func (s *Service) Party(ctx context.Context, p *identity.Principal, convID int64) (store.ConversationRow, string, error) {
	if p.Host {
		return store.ConversationRow{}, "", errNotFound
	}
	return s.access(ctx, p, convID)
}

// AppendFeatureMessage appends a feature's message (kind and data set by
// the feature) inside the feature's own write, with the same rules,
// pointers, hooks and events as any message.
func (s *Service) AppendFeatureMessage(tx *store.Tx, p *identity.Principal, convID int64, in MessageInput) (parley.Message, error) {
	if _, errs := in.validate(""); len(errs) > 0 {
		return parley.Message{}, parley.Invalid(errs...)
	}
	return s.appendMessage(tx, p, store.WriteState{ID: convID}, "", in, nil)
}
