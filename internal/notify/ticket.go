package notify

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// KindTicketAutoClosed is the mail telling a buyer that their order
// ticket closed by itself.
const KindTicketAutoClosed = "mail.ticket_autoclosed"

type ticketClosedPayload struct {
	ConversationID int64 `json:"conversation_id"`
	AfterSeconds   int64 `json:"after_seconds"`
}

// RegisterTicketMails installs the handler of the tickets' mails.
func (n *Notifier) RegisterTicketMails(r *outbox.Runner) {
	r.Register(KindTicketAutoClosed, n.sendTicketAutoClosed)
}

// TicketAutoClosed enqueues the buyer's mail about a ticket that closed
// after the period without activity, in the closing transaction.
func (n *Notifier) TicketAutoClosed(tx *store.Tx, c store.ConversationRow, after time.Duration) error {
	return n.queue.Enqueue(tx, outbox.Job{MarketplaceID: c.MarketplaceID, Kind: KindTicketAutoClosed,
		Payload:   ticketClosedPayload{ConversationID: c.ID, AfterSeconds: int64(after / time.Second)},
		DedupeKey: "ticket-autoclosed:" + strconv.FormatInt(c.ID, 10)})
}

func (n *Notifier) sendTicketAutoClosed(ctx context.Context, payload []byte) error {
	var p ticketClosedPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return outbox.Permanent(err)
	}
	q := n.db.Reader(ctx)
	c, err := store.ConversationByID(q, p.ConversationID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	buyer, err := store.UserByID(q, c.BuyerUserID)
	if err != nil {
		return err
	}
	to, err := withEmailOn(q, []parley.User{buyer})
	if err != nil {
		return err
	}
	for _, u := range to {
		if u.Email == "" {
			continue
		}
		tr := textsFor(u.lang)
		data := map[string]any{"Name": u.Name, "Seller": c.SellerName, "Order": c.OrderExternalID, "Link": n.link(c.ID),
			"After": periodPhrase(tr, time.Duration(p.AfterSeconds)*time.Second)}
		text := tr.T("mail.hello", data) + "\n\n" + tr.T("mail.ticket_closed.intro", data) + "\n\n" +
			tr.T("mail.ticket_closed.read", data) + "\n\n" + tr.T("mail.ticket_closed.again", data) + "\n\n-- \n" +
			tr.T("mail.settings", map[string]any{"Link": n.settingsLink()}) + "\n"
		if err := n.mailer.Send(ctx, mail.Message{MarketplaceID: c.MarketplaceID, To: []string{u.Email}, From: n.from,
			Subject: tr.T("mail.ticket_closed.subject", data), Text: text}); err != nil {
			return err
		}
	}
	return nil
}

// periodPhrase says a period in the language, in its largest whole unit
// ("30 days", "2 ore"), with the language's plural form.
func periodPhrase(tr texts, d time.Duration) string {
	const day = 24 * time.Hour
	n, unit := int64(0), ""
	switch {
	case d >= day && d%day == 0:
		n, unit = int64(d/day), "day"
	case d >= time.Hour && d%time.Hour == 0:
		n, unit = int64(d/time.Hour), "hour"
	case d >= time.Minute && d%time.Minute == 0:
		n, unit = int64(d/time.Minute), "minute"
	default:
		n, unit = max(int64(d/time.Second), 1), "second"
	}
	return tr.T("mail.period."+unit, map[string]any{"Count": n})
}
