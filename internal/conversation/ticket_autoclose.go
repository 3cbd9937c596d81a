package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// KindTicketSweep is the outbox job that closes idle tickets. One is
// queued at a time (its dedupe key is its kind); each run queues the next
// for the moment the next ticket falls due.
const KindTicketSweep = "ticket.autoclose"

// ticketSweepMaxWait is the longest the sweep waits between runs when
// nothing falls due sooner: a safety net, since every change that could
// make a ticket due sooner than planned moves the queued sweep earlier.
const ticketSweepMaxWait = time.Hour

// ticketSweepBatch bounds the tickets read per query.
const ticketSweepBatch = 100

// TicketMailer tells the buyer that their ticket closed by itself, from
// inside the transaction that closes it (an outbox job).
type TicketMailer interface {
	TicketAutoClosed(tx *store.Tx, c store.ConversationRow, after time.Duration) error
}

// TicketCloser closes order tickets that had no activity for their
// marketplace's auto-close period (closed_reason "auto"), with a system
// message, an event to the parties' sockets and a mail to the buyer.
//
// It is an outbox job that reschedules itself, so it survives restarts and
// runs on one node at a time (the job's lease); a second run at the same
// moment, should one happen, closes nothing twice. Each ticket is closed by
// one conditional UPDATE in the conversation's write transaction, which
// refuses a ticket whose last activity moved past the period: a message
// that commits first keeps the ticket open, and one that comes later finds
// it closed.
type TicketCloser struct {
	s     *Service
	mail  TicketMailer
	log   *slog.Logger
	queue *outbox.Queue
}

// NewTicketCloser returns the closer of the service's tickets; mail may be
// nil. Register it, then Schedule.
func NewTicketCloser(s *Service, mail TicketMailer, log *slog.Logger) *TicketCloser {
	if log == nil {
		log = slog.Default()
	}
	return &TicketCloser{s: s, mail: mail, log: log}
}

// Register installs the sweep's handler on r and enqueues through r.
func (t *TicketCloser) Register(r *outbox.Runner) {
	t.queue = r.Queue()
	r.Register(KindTicketSweep, t.sweep)
}

// Schedule makes sure a sweep runs now: it queues one, or moves the queued
// one to now. Every node calls it at start, so that a period changed while
// Parley was down (PARLEY_TICKET_AUTOCLOSE_AFTER) takes effect at once.
func (t *TicketCloser) Schedule(ctx context.Context) error {
	if t.queue == nil {
		return errors.New("conversation: Schedule before Register")
	}
	return t.s.db.Write(ctx, func(tx *store.Tx) error {
		return t.queueSweep(tx, tx.Now())
	})
}

// queueSweep makes the queued sweep run at at, or sooner.
func (t *TicketCloser) queueSweep(tx *store.Tx, at time.Time) error {
	if err := t.queue.Enqueue(tx, outbox.Job{Kind: KindTicketSweep, Payload: struct{}{}, RunAt: at, DedupeKey: KindTicketSweep}); err != nil {
		return err
	}
	return store.AdvanceJob(tx, KindTicketSweep, at)
}

// sweep is the job: it queues the next sweep first (so that a failure
// does not end the chain), closes the tickets that are due, and then moves
// the next sweep to when the next ticket falls due.
func (t *TicketCloser) sweep(ctx context.Context, _ []byte) error {
	db := t.s.db
	now := db.Now()
	next := now.Add(ticketSweepMaxWait)
	if err := db.Write(ctx, func(tx *store.Tx) error { return t.queueSweep(tx, next) }); err != nil {
		return fmt.Errorf("queue the next ticket sweep: %w", err)
	}
	markets, err := store.Marketplaces(db.Reader(ctx))
	if err != nil {
		return err
	}
	closed := 0
	for _, m := range markets {
		period := m.TicketAutoclose
		if period <= 0 {
			continue // auto-close is off here
		}
		for {
			ids, err := store.IdleTickets(db.Reader(ctx), m.ID, db.Now().Add(-period), ticketSweepBatch)
			if err != nil {
				return err
			}
			n := 0
			for _, id := range ids {
				ok, err := t.close(ctx, id, period)
				if err != nil {
					return fmt.Errorf("close ticket %d: %w", id, err)
				}
				if ok {
					n++
				}
			}
			closed += n
			// Tickets that were not closed had activity since they were
			// read: they are no longer idle, and the query moves on.
			if len(ids) < ticketSweepBatch || n == 0 {
				break
			}
		}
		// A ticket started after this sweep falls due a period from now at
		// the earliest; an open one when its activity is a period old.
		next = minTime(next, now.Add(period))
		oldest, ok, err := store.OldestTicketActivity(db.Reader(ctx), m.ID)
		if err != nil {
			return err
		}
		if ok {
			next = minTime(next, oldest.Add(period))
		}
	}
	if closed > 0 {
		t.log.Info("tickets closed automatically", "closed", closed)
	}
	return db.Write(ctx, func(tx *store.Tx) error { return store.AdvanceJob(tx, KindTicketSweep, next) })
}

// close closes one ticket if it is still idle for period, and reports
// whether it did.
func (t *TicketCloser) close(ctx context.Context, convID int64, period time.Duration) (bool, error) {
	var closed bool
	err := t.s.db.WriteKey(ctx, convID, func(tx *store.Tx) error {
		var err error
		closed, err = store.AutoCloseTicket(tx, convID, tx.Now().Add(-period))
		if err != nil || !closed {
			return err
		}
		c, err := store.ConversationByID(tx, convID)
		if err != nil {
			return err
		}
		body := "This ticket was closed automatically after " + periodText(period) + " without activity."
		if _, _, err := t.s.systemMessageData(tx, convID, body, systemData{Event: EventTicketAutoClosed, AfterSeconds: int64(period / time.Second)}); err != nil {
			return err
		}
		if err := t.s.ticketClosed(tx, c, ClosedAuto, nil, period); err != nil {
			return err
		}
		if t.mail != nil {
			if err := t.mail.TicketAutoClosed(tx, c, period); err != nil {
				return err
			}
		}
		t.s.publishAfterCommit(tx, c, bus.Event{Type: bus.ConversationUpdated})
		return nil
	})
	return closed, err
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
