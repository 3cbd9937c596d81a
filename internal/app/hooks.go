package app

import (
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/store"
)

// hooks runs each of several conversation hooks (mail, push) in the
// change's transaction, in order; the first error rolls the change back.
type hooks []conversation.Hooks

var _ conversation.Hooks = hooks(nil)

func (h hooks) ConversationStarted(tx *store.Tx, c store.ConversationRow, first store.MessageRow) error {
	for _, x := range h {
		if err := x.ConversationStarted(tx, c, first); err != nil {
			return err
		}
	}
	return nil
}

func (h hooks) MessageSent(tx *store.Tx, c store.ConversationRow, m store.MessageRow) error {
	for _, x := range h {
		if err := x.MessageSent(tx, c, m); err != nil {
			return err
		}
	}
	return nil
}
