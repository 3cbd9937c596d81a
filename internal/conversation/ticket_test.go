package conversation_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/mail/mailtest"
	"github.com/parleyhq/parley/internal/store"
)

// TestTicketAutoClose: a ticket closes by itself exactly the marketplace's
// period (30 days) after its last activity, with closed_reason auto, a
// system message, events to the parties and the buyer's mail in Italian;
// activity postpones it; a completed ticket is left alone; the sweep waits
// for exactly the next ticket due (at most an hour).
func TestTicketAutoClose(t *testing.T) {
	eachTicketEnv(t, func(t *testing.T, e *ticketEnv) {
		ctx := context.Background()
		if err := e.closer.Schedule(ctx); err != nil {
			t.Fatal(err)
		}
		a, b, c := e.ticket("ORD-1"), e.ticket("ORD-2"), e.ticket("ORD-3")
		if _, err := e.svc.Update(ctx, e.seller, c, conversation.Patch{Status: ptr(parley.StatusClosed)}); err != nil {
			t.Fatal(err)
		}
		e.runDue(e.node) // the first sweep, and the seller's new-conversation mails
		if got, want := e.nextSweep(), t0.Add(time.Hour); !got.Equal(want) {
			t.Errorf("next sweep at %v with nothing due within the hour, want %v", got, want)
		}

		// Ten days in, the seller answers in b: b's 30 days start again.
		e.clk.Add(10 * day)
		if err := e.send(e.seller, b, "b-1", "Ci guardiamo."); err != nil {
			t.Fatal(err)
		}
		// A minute before a is due nothing closes, and the sweep then
		// waits for exactly a's moment.
		e.clk.Add(20*day - time.Minute)
		e.runDue(e.node)
		if got := e.conv(a); got.Status == parley.StatusClosed {
			t.Fatalf("a closed a minute early: %+v", got)
		}
		if got, want := e.nextSweep(), t0.Add(30*day); !got.Equal(want) {
			t.Errorf("next sweep at %v, want a's due time %v", got, want)
		}
		e.node.drain()

		e.clk.Add(time.Minute)
		e.runDue(e.node)
		ca := e.conv(a)
		if ca.Status != parley.StatusClosed || ca.ClosedReason != conversation.ClosedAuto {
			t.Fatalf("a after 30 days = %s/%s, want closed/auto", ca.Status, ca.ClosedReason)
		}
		ms := e.messages(a)
		last := ms[len(ms)-1]
		if last.Side != parley.SideSystem || last.Body != "This ticket was closed automatically after 30 days without activity." {
			t.Errorf("a's last message = %s %q, want the system's", last.Side, last.Body)
		}
		if ev := systemEvents(ms); len(ev) != 1 || ev[0]["event"] != conversation.EventTicketAutoClosed || ev[0]["after_seconds"] != float64(30*24*3600) {
			t.Errorf("a's system messages = %v, want one ticket.autoclosed after 2592000 s", ev)
		}
		// The parties' sockets hear of it: the message and the new state.
		var created, updated bool
		for _, ev := range e.node.drain() {
			if ev.ConversationID != a || !contains(ev.Topics, bus.UserTopic(e.buyer.User.ID)) || !contains(ev.Topics, bus.OrgTopic(e.orgID)) {
				continue
			}
			created = created || (ev.Type == bus.MessageCreated && ev.Message.Author.Side == parley.SideSystem)
			updated = updated || ev.Type == bus.ConversationUpdated
		}
		if !created || !updated {
			t.Errorf("events for a: message.created %v, conversation.updated %v; want both to the buyer and the seller", created, updated)
		}
		if got := e.conv(b); got.Status == parley.StatusClosed {
			t.Errorf("b closed though it had activity 20 days ago")
		}
		if cc := e.conv(c); cc.ClosedReason != conversation.ClosedCompleted || len(e.messages(c)) != 2 {
			t.Errorf("the completed ticket = %s with %d messages, want completed and untouched", cc.ClosedReason, len(e.messages(c)))
		}
		// A closed ticket takes no more messages.
		if err := e.send(e.buyer, a, "a-late", "Ancora?"); parley.ErrorCode(err) != parley.EConflict {
			t.Errorf("a message to the closed ticket = %v, want conflict", err)
		}

		// The buyer is mailed, in Italian, through SMTP.
		mails := e.closedMails()
		if len(mails) != 1 {
			t.Fatalf("mails to the buyer = %d, want 1: %+v", len(mails), mails)
		}
		m := mails[0]
		for _, want := range []string{"Ciao Anna,", "La conversazione con Bottega Rossi sull'ordine ORD-1 è stata chiusa automaticamente dopo 30 giorni senza attività.",
			"Puoi ancora leggerla: http://parley.test/app/c/", "scrivi di nuovo al negozio"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("mail text lacks %q:\n%s", want, m.Text)
			}
		}
		if m.Subject != "La conversazione sull'ordine ORD-1 è stata chiusa" {
			t.Errorf("mail subject = %q", m.Subject)
		}

		// b falls due 30 days after the seller's answer, to the second.
		e.clk.Add(10*day - time.Second)
		e.runDue(e.node)
		if e.conv(b).Status == parley.StatusClosed {
			t.Error("b closed a second early")
		}
		if got, want := e.nextSweep(), t0.Add(40*day); !got.Equal(want) {
			t.Errorf("next sweep at %v, want b's due time %v", got, want)
		}
		e.clk.Add(time.Second)
		e.runDue(e.node)
		if got := e.conv(b); got.ClosedReason != conversation.ClosedAuto {
			t.Errorf("b after 30 days without activity = %s/%s", got.Status, got.ClosedReason)
		}
		if n := len(e.closedMails()); n != 2 {
			t.Errorf("mails to the buyer = %d, want 2 (a and b)", n)
		}
		if n := len(systemEvents(e.messages(a))); n != 1 {
			t.Errorf("a has %d system messages after more sweeps, want 1", n)
		}
	})
}

// TestTicketAutoClosePeriod: the marketplace's period is what counts; a
// period shortened while Parley was down applies when a node starts (its
// Schedule moves the queued sweep to now); a period of 0 turns auto-close
// off.
func TestTicketAutoClosePeriod(t *testing.T) {
	eachTicketEnv(t, func(t *testing.T, e *ticketEnv) {
		ctx := context.Background()
		e.closer.Schedule(ctx)
		a := e.ticket("ORD-1")
		e.runDue(e.node)
		e.clk.Add(2 * day)
		e.runDue(e.node)
		if e.conv(a).Status == parley.StatusClosed {
			t.Fatal("closed after 2 of 30 days")
		}
		e.setPeriod(36 * time.Hour)
		// A node starts: the sweep runs now, not at its planned hour.
		if err := e.closer.Schedule(ctx); err != nil {
			t.Fatal(err)
		}
		if got := e.nextSweep(); !got.Equal(e.clk.Now()) {
			t.Errorf("after Schedule the sweep runs at %v, want now (%v)", got, e.clk.Now())
		}
		e.runDue(e.node)
		if got := e.conv(a); got.ClosedReason != conversation.ClosedAuto {
			t.Fatalf("a 2 days idle with a 36 h period = %s/%s, want closed/auto", got.Status, got.ClosedReason)
		}
		if ms := e.messages(a); !strings.Contains(ms[len(ms)-1].Body, "after 36 hours without activity") {
			t.Errorf("system message = %q", ms[len(ms)-1].Body)
		}

		e.setPeriod(0)
		b := e.ticket("ORD-2")
		e.clk.Add(400 * day)
		e.runDue(e.node)
		if e.conv(b).Status == parley.StatusClosed {
			t.Error("closed with auto-close off")
		}
	})
}

func (e *ticketEnv) setPeriod(d time.Duration) {
	e.t.Helper()
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		m, err := store.MarketplaceByID(tx, e.market.ID)
		if err != nil {
			return err
		}
		m.TicketAutoclose = d
		return store.UpdateMarketplaceSettings(tx, m)
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// TestTicketAutoCloseRestart: the sweep is a job in the database, so a
// restart keeps it; a node that dies in the middle of a sweep leaves it to
// be retaken once its lease ends.
func TestTicketAutoCloseRestart(t *testing.T) {
	eachTicketEnv(t, func(t *testing.T, e *ticketEnv) {
		ctx := context.Background()
		e.closer.Schedule(ctx)
		a := e.ticket("ORD-1")
		e.runDue(e.node)

		// The node stops; another starts on the same database and does not
		// schedule anything itself: the queued sweep is enough.
		e.node.stop()
		n2 := e.openNode()
		e.node = n2
		e.clk.Add(30 * day)
		e.runDue(n2)
		if got := e.conv(a); got.ClosedReason != conversation.ClosedAuto {
			t.Fatalf("after a restart a = %s/%s, want closed/auto", got.Status, got.ClosedReason)
		}

		// A node claims the sweep and dies before finishing it.
		b := e.ticket("ORD-2")
		e.clk.Add(30*day + time.Hour)
		if err := e.db.Write(ctx, func(tx *store.Tx) error {
			jobs, err := store.ClaimJobs(tx, 10, 5*time.Minute)
			if err == nil && len(jobs) == 0 {
				err = errors.New("nothing to claim")
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if ran := e.runDue(n2); ran != 0 || e.conv(b).Status == parley.StatusClosed {
			t.Fatalf("while the dead node's lease holds: %d jobs ran, b %s", ran, e.conv(b).Status)
		}
		e.clk.Add(5 * time.Minute)
		e.runDue(n2)
		if got := e.conv(b); got.ClosedReason != conversation.ClosedAuto {
			t.Errorf("after the lease expired b = %s/%s, want closed/auto", got.Status, got.ClosedReason)
		}
		if n := len(e.closedMails()); n != 2 {
			t.Errorf("mails to the buyer = %d, want 2", n)
		}
	})
}

// TestTicketAutoCloseCluster: two nodes on one database (on PostgreSQL,
// two connections pools, as two processes) schedule one sweep between
// them, and running their due jobs at the same moment closes each ticket
// once: one system message, one mail.
func TestTicketAutoCloseCluster(t *testing.T) {
	eachTicketEnv(t, func(t *testing.T, e *ticketEnv) {
		ctx := context.Background()
		n2 := e.node
		if e.db.Dialect == store.Postgres {
			n2 = e.openNode()
		}
		for _, n := range []*node{e.node, n2} {
			if err := n.closer.Schedule(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if s := e.sweeps(); len(s) != 1 {
			t.Fatalf("%d sweeps queued by two nodes, want 1", len(s))
		}
		var tickets []int64
		for _, o := range []string{"ORD-1", "ORD-2", "ORD-3", "ORD-4"} {
			tickets = append(tickets, e.ticket(o))
		}
		e.clk.Add(31 * day)
		for round := 0; round < 3; round++ {
			// Both sweeps can run: a new one is queued by a node's start
			// while the other node's runs.
			n2.closer.Schedule(ctx)
			var wg sync.WaitGroup
			for _, n := range []*node{e.node, n2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := n.runner.RunDue(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		for _, id := range tickets {
			if ev := systemEvents(e.messages(id)); len(ev) != 1 || e.conv(id).ClosedReason != conversation.ClosedAuto {
				t.Errorf("ticket %d: %s with system messages %v, want closed once", id, e.conv(id).ClosedReason, ev)
			}
		}
		if n := len(e.closedMails()); n != len(tickets) {
			t.Errorf("mails to the buyer = %d, want one per ticket (%d)", n, len(tickets))
		}
		if s := e.sweeps(); len(s) != 1 {
			t.Errorf("%d sweeps queued after the runs, want 1", len(s))
		}
	})
}

// TestTicketAutoCloseActivityWins: a message and the sweep at the moment a
// ticket falls due: either the message is taken and the ticket stays open,
// or the ticket is closed and the message refused, never both.
func TestTicketAutoCloseActivityWins(t *testing.T) {
	eachTicketEnv(t, func(t *testing.T, e *ticketEnv) {
		ctx := context.Background()
		e.closer.Schedule(ctx)
		orders := []string{"ORD-1", "ORD-2", "ORD-3", "ORD-4", "ORD-5", "ORD-6", "ORD-7", "ORD-8"}
		tickets := map[string]int64{}
		for _, o := range orders {
			tickets[o] = e.ticket(o)
		}
		e.clk.Add(30 * day)
		sent := map[string]error{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.runner.RunDue(ctx); err != nil {
				t.Error(err)
			}
		}()
		for _, o := range orders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := e.send(e.buyer, tickets[o], "late-"+o, "Ci sono ancora")
				mu.Lock()
				sent[o] = err
				mu.Unlock()
			}()
		}
		wg.Wait()
		e.runDue(e.node)
		for _, o := range orders {
			c, err := e.conv(tickets[o]), sent[o]
			switch {
			case err == nil && c.Status == parley.StatusClosed:
				// Taken first, then closed: only if the close came a
				// period after the message, which the clock rules out.
				t.Errorf("%s: the message was taken and the ticket closed anyway", o)
			case err != nil && parley.ErrorCode(err) != parley.EConflict:
				t.Errorf("%s: send = %v", o, err)
			case err != nil && c.Status != parley.StatusClosed:
				t.Errorf("%s: the message was refused but the ticket is open", o)
			}
		}
		// And the close itself refuses a ticket whose activity moved.
		d := e.ticket("ORD-9")
		cutoff := e.clk.Now()
		e.clk.Add(time.Second)
		e.send(e.buyer, d, "d-1", "ancora")
		var closed bool
		e.db.WriteKey(ctx, d, func(tx *store.Tx) (err error) {
			closed, err = store.AutoCloseTicket(tx, d, cutoff)
			return err
		})
		if closed || e.conv(d).Status == parley.StatusClosed {
			t.Error("AutoCloseTicket closed a ticket with activity after the cutoff")
		}
	})
}

// closedMails are the buyer's mails about tickets closed automatically.
func (e *ticketEnv) closedMails() []mailtest.Mail {
	var out []mailtest.Mail
	for _, m := range e.smtp.To("anna@example.com") {
		if strings.Contains(m.Subject, "è stata chiusa") {
			out = append(out, m)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
