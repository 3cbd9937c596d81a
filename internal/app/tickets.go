package app

import (
	"context"
	"fmt"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/notify"
)

// openTickets wires the tickets' auto-close: the sweep job, the buyer's
// mail, and a sweep at once (a period may have changed while Parley was
// down).
func (a *App) openTickets(ctx context.Context, notifier *notify.Notifier) error {
	notifier.RegisterTicketMails(a.Runner)
	closer := conversation.NewTicketCloser(a.Conversations, notifier, a.Log)
	closer.Register(a.Runner)
	if err := closer.Schedule(ctx); err != nil {
		return fmt.Errorf("schedule the ticket auto-close: %w", err)
	}
	return nil
}
