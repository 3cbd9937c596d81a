package conversation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/mail/mailtest"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

var quiet = slog.New(slog.DiscardHandler)

const day = 24 * time.Hour

// t0 is when the tests' tickets start.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// node is one Parley node's ticket parts over a database: the service, the
// auto-close sweep and an outbox runner that the test drives with RunDue.
type node struct {
	db      *store.DB
	svc     *conversation.Service
	closer  *conversation.TicketCloser
	runner  *outbox.Runner
	events  *bus.Subscription // everything published on this node's bus
	stopped bool
}

// ticketEnv is a marketplace with a buyer (who reads Italian), a seller
// company with its owner, and completed orders to open tickets on, on one
// dialect, with a test clock; mails go through a real SMTP server.
type ticketEnv struct {
	t      *testing.T
	cfg    store.Config
	clk    *storetest.Clock
	smtp   *mailtest.Server
	market parley.Marketplace
	buyer  *identity.Principal
	seller *identity.Principal
	orgID  int64
	*node
}

func eachTicketEnv(t *testing.T, f func(t *testing.T, e *ticketEnv)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			e := &ticketEnv{t: t, cfg: storetest.Config(t, d), clk: storetest.NewClock(t0), smtp: mailtest.Start(t)}
			e.cfg.Now = e.clk.Now
			e.cfg.Log = quiet
			e.node = e.openNode()
			e.seed()
			f(t, e)
		})
	}
}

// openNode opens the database (migrated already, or not) and wires a node
// on it as the app does: the notifier's mails through SMTP, the sweep
// registered. It does not schedule a sweep: see Schedule.
func (e *ticketEnv) openNode() *node {
	e.t.Helper()
	db, err := store.Open(context.Background(), e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	mailer, err := mail.NewSMTP(e.smtp.URL, "Parley <parley@test>")
	if err != nil {
		e.t.Fatal(err)
	}
	runner := outbox.NewRunner(db, outbox.Options{Log: quiet})
	n := notify.New(db, runner.Queue(), mailer, "Parley <parley@test>", "http://parley.test", quiet)
	n.Register(runner)
	n.RegisterTicketMails(runner)
	b := bus.NewMemory()
	svc := conversation.NewService(db, b, n, nil)
	closer := conversation.NewTicketCloser(svc, n, quiet)
	closer.Register(runner)
	n2 := &node{db: db, svc: svc, closer: closer, runner: runner, events: b.Subscribe(bus.AllTopics, 1000)}
	e.t.Cleanup(n2.stop)
	return n2
}

// stop stops the node as a shutdown does: the runner, then the database.
func (n *node) stop() {
	if n.stopped {
		return
	}
	n.stopped = true
	n.runner.Stop(context.Background())
	n.db.Close()
}

func (e *ticketEnv) seed() {
	e.t.Helper()
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		m, err := store.EnsureMarketplace(tx, "m", "Market")
		if err != nil {
			return err
		}
		buyer, _, err := store.UpsertUser(tx, parley.User{MarketplaceID: m.ID, ExternalID: "anna", Name: "Anna", Email: "anna@example.com", Locale: "it"})
		if err != nil {
			return err
		}
		owner, _, err := store.UpsertUser(tx, parley.User{MarketplaceID: m.ID, ExternalID: "giulia", Name: "Giulia", Email: "giulia@example.com"})
		if err != nil {
			return err
		}
		org, _, err := store.UpsertOrganization(tx, parley.Organization{MarketplaceID: m.ID, ExternalID: "bottega", Name: "Bottega Rossi", Kind: parley.OrgSeller, ChatEnabled: true})
		if err != nil {
			return err
		}
		if err := store.ReplaceMembers(tx, org.ID, map[int64]string{owner.ID: parley.RoleOwner}); err != nil {
			return err
		}
		for i := 1; i <= 9; i++ {
			if _, _, err := store.UpsertOrder(tx, parley.Order{MarketplaceID: m.ID, ExternalID: fmt.Sprintf("ORD-%d", i), BuyerUserID: buyer.ID,
				SellerOrgID: org.ID, Status: parley.OrderCompleted, PlacedAt: t0.Add(-10 * day)}); err != nil {
				return err
			}
		}
		e.market, e.orgID = m, org.ID
		e.buyer = &identity.Principal{Marketplace: m, User: buyer}
		e.seller = &identity.Principal{Marketplace: m, User: owner, Memberships: []parley.Membership{{Organization: org, Role: parley.RoleOwner}}}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// ticket opens a ticket on the order with the buyer's first message.
func (e *ticketEnv) ticket(order string) int64 {
	e.t.Helper()
	st, _, err := e.svc.Start(context.Background(), e.buyer, conversation.StartInput{Kind: parley.KindTicket, Order: order,
		Message: conversation.MessageInput{ClientID: "start-" + order, Body: "About " + order}})
	if err != nil {
		e.t.Fatal(err)
	}
	id, _ := conversation.ParseID(st.Conversation.ID)
	return id
}

func (e *ticketEnv) send(p *identity.Principal, conv int64, clientID, body string) error {
	_, _, err := e.svc.Send(context.Background(), p, conv, conversation.MessageInput{ClientID: clientID, Body: body})
	return err
}

// runDue runs the jobs due on the node's runner, failing the test on error.
func (e *ticketEnv) runDue(n *node) int {
	e.t.Helper()
	ran, err := n.runner.RunDue(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return ran
}

func (e *ticketEnv) conv(id int64) store.ConversationRow {
	e.t.Helper()
	c, err := store.ConversationByID(e.db.Reader(context.Background()), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *ticketEnv) messages(id int64) []store.MessageRow {
	e.t.Helper()
	ms, err := store.MessagesAfter(e.db.Reader(context.Background()), id, 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

// sweeps returns the queued sweep jobs.
func (e *ticketEnv) sweeps() []store.Job {
	e.t.Helper()
	jobs, err := store.Jobs(e.db.Reader(context.Background()), store.AllMarketplaces, store.JobQueued, 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []store.Job
	for _, j := range jobs {
		if j.Kind == conversation.KindTicketSweep {
			out = append(out, j)
		}
	}
	return out
}

// nextSweep is when the one queued sweep runs.
func (e *ticketEnv) nextSweep() time.Time {
	e.t.Helper()
	s := e.sweeps()
	if len(s) != 1 {
		e.t.Fatalf("%d sweeps queued, want 1", len(s))
	}
	return s[0].RunAt
}

// systemEvents returns the events of a conversation's system messages.
func systemEvents(ms []store.MessageRow) []map[string]any {
	var out []map[string]any
	for _, m := range ms {
		if m.Side != parley.SideSystem {
			continue
		}
		var d map[string]any
		json.Unmarshal([]byte(m.Data), &d)
		out = append(out, d)
	}
	return out
}

// drain returns the bus events published so far.
func (n *node) drain() []bus.Event {
	var out []bus.Event
	for {
		select {
		case ev := <-n.events.C:
			out = append(out, ev)
		default:
			return out
		}
	}
}
