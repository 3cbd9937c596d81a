package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// Job kinds.
const (
	KindNewConversation = "mail.new_conversation"
	KindUnreadDigest    = "mail.unread_digest"
)

// Notifier enqueues and sends notification mails.
type Notifier struct {
	db      *store.DB
	queue   *outbox.Queue
	mailer  mail.Mailer
	from    string
	baseURL string
	log     *slog.Logger

	mu      sync.Mutex
	delays  map[int64]cachedDelay
	digests map[string]time.Time // dedupe key -> run time of a committed digest job
}

// New returns a notifier; Register its handlers on the runner.
func New(db *store.DB, queue *outbox.Queue, mailer mail.Mailer, from, baseURL string, log *slog.Logger) *Notifier {
	if log == nil {
		log = slog.Default()
	}
	return &Notifier{db: db, queue: queue, mailer: mailer, from: from, baseURL: strings.TrimRight(baseURL, "/"), log: log}
}

// Register installs the mail job handlers.
func (n *Notifier) Register(r *outbox.Runner) {
	r.Register(KindNewConversation, n.sendNewConversation)
	r.Register(KindUnreadDigest, n.sendUnreadDigest)
}

type convPayload struct {
	ConversationID int64  `json:"conversation_id"`
	Side           string `json:"side,omitempty"`
}

// ConversationStarted enqueues the owners' "new conversation" mail.
func (n *Notifier) ConversationStarted(tx *store.Tx, c store.ConversationRow, first store.MessageRow) error {
	return n.queue.Enqueue(tx, outbox.Job{MarketplaceID: c.MarketplaceID, Kind: KindNewConversation, Payload: convPayload{ConversationID: c.ID}})
}

// MessageSent enqueues (or lets a queued one absorb) the unread digest for
// the side that did not write the message.
func (n *Notifier) MessageSent(tx *store.Tx, c store.ConversationRow, m store.MessageRow) error {
	var to string
	switch m.Side {
	case parley.SideBuyer:
		to = parley.SideSeller
	case parley.SideSeller, parley.SideOperator:
		to = parley.SideBuyer
	default:
		return nil
	}
	key := "unread:" + strconv.FormatInt(c.ID, 10) + ":" + to
	if n.digestQueued(key, tx.Now()) {
		// A digest committed earlier is still waiting to run: it will
		// include this message. Skip the insert the dedupe key would drop.
		return nil
	}
	delay, err := n.unreadDelay(tx, c.MarketplaceID)
	if err != nil {
		return err
	}
	runAt := tx.Now().Add(delay)
	tx.AfterCommit(func() { n.rememberDigest(key, runAt) })
	return n.queue.Enqueue(tx, outbox.Job{
		MarketplaceID: c.MarketplaceID,
		Kind:          KindUnreadDigest,
		Payload:       convPayload{ConversationID: c.ID, Side: to},
		RunAt:         tx.Now().Add(delay),
		DedupeKey:     "unread:" + strconv.FormatInt(c.ID, 10) + ":" + to,
	})
}

// unreadDelay is the marketplace's unread-mail period, cached for a minute:
// it is read for every message sent.
func (n *Notifier) unreadDelay(q store.Querier, marketplaceID int64) (time.Duration, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if e, ok := n.delays[marketplaceID]; ok && q.Now().Before(e.until) {
		return e.delay, nil
	}
	m, err := store.MarketplaceByID(q, marketplaceID)
	if err != nil {
		return 0, err
	}
	if n.delays == nil {
		n.delays = map[int64]cachedDelay{}
	}
	n.delays[marketplaceID] = cachedDelay{delay: m.UnreadMailAfter, until: q.Now().Add(time.Minute)}
	return m.UnreadMailAfter, nil
}

// digestQueued reports whether this node committed a digest job with the
// key that cannot have run yet (its run time is more than a second away).
// It only saves work: the job's dedupe key is what guarantees one digest.
func (n *Notifier) digestQueued(key string, now time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	runAt, ok := n.digests[key]
	if ok && now.Add(time.Second).Before(runAt) {
		return true
	}
	delete(n.digests, key)
	return false
}

func (n *Notifier) rememberDigest(key string, runAt time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.digests == nil || len(n.digests) > 100000 {
		n.digests = map[string]time.Time{}
	}
	n.digests[key] = runAt
}

type cachedDelay struct {
	delay time.Duration
	until time.Time
}

func (n *Notifier) link(convID int64) string {
	return fmt.Sprintf("%s/app/c/%d", n.baseURL, convID)
}

// settingsLink is where a user turns these mails off.
func (n *Notifier) settingsLink() string { return n.baseURL + "/app/settings" }

// load decodes a job's payload and reads its conversation; a conversation
// that no longer exists leaves c zero and nothing to send.
func (n *Notifier) load(ctx context.Context, payload []byte) (convPayload, store.ConversationRow, store.Querier, error) {
	var p convPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return p, store.ConversationRow{}, nil, outbox.Permanent(err)
	}
	q := n.db.Reader(ctx)
	c, err := store.ConversationByID(q, p.ConversationID)
	if errors.Is(err, store.ErrNotFound) {
		return p, store.ConversationRow{}, q, nil
	}
	return p, c, q, err
}

func (n *Notifier) sendNewConversation(ctx context.Context, payload []byte) error {
	_, c, q, err := n.load(ctx, payload)
	if err != nil || c.ID == 0 {
		return err
	}
	owners, err := store.OrgMembers(q, c.SellerOrgID, parley.RoleOwner)
	if err != nil {
		return err
	}
	first, err := store.MessagesAfter(q, c.ID, 0, 1)
	if err != nil {
		return err
	}
	var firstMsg store.MessageRow
	if len(first) > 0 {
		firstMsg = first[0]
	}
	recipients, err := withEmailOn(q, owners)
	if err != nil {
		return err
	}
	for _, o := range recipients {
		if o.Email == "" {
			continue
		}
		tr := textsFor(o.lang)
		data := map[string]any{"Name": o.Name, "Buyer": c.BuyerName, "Seller": c.SellerName, "Subject": conversation.SubjectIn(o.lang, c), "Link": n.link(c.ID)}
		text := tr.T("mail.hello", data) + "\n\n" + tr.T("mail.new_conversation.intro", data) + "\n\n" + quote(conversation.BodyIn(o.lang, firstMsg)) + "\n\n" +
			tr.T("mail.answer_here", data) + "\n\n-- \n" + tr.T("mail.settings", map[string]any{"Link": n.settingsLink()}) + "\n"
		if err := n.mailer.Send(ctx, mail.Message{MarketplaceID: c.MarketplaceID, To: []string{o.Email}, From: n.from,
			Subject: tr.T("mail.new_conversation.subject", data), Text: text}); err != nil {
			return err
		}
	}
	return nil
}

func (n *Notifier) sendUnreadDigest(ctx context.Context, payload []byte) error {
	p, c, q, err := n.load(ctx, payload)
	if err != nil || c.ID == 0 {
		return err
	}
	var recipients []parley.User
	sideRead := c.BuyerReadSeq
	if p.Side == parley.SideBuyer {
		u, err := store.UserByID(q, c.BuyerUserID)
		if err != nil {
			return err
		}
		recipients = []parley.User{u}
	} else {
		sideRead = c.SellerReadSeq
		if c.AssigneeUserID != 0 {
			u, err := store.UserByID(q, c.AssigneeUserID)
			if err != nil {
				return err
			}
			recipients = []parley.User{u}
		} else if recipients, err = store.OrgMembers(q, c.SellerOrgID, parley.RoleOwner); err != nil {
			return err
		}
	}
	mailTo, err := withEmailOn(q, recipients)
	if err != nil {
		return err
	}
	for _, u := range mailTo {
		rs, err := store.GetReadState(q, c.ID, u.ID)
		if err != nil {
			return err
		}
		after := max(rs.ReadSeq, sideRead)
		msgs, err := store.MessagesAfter(q, c.ID, after, 200)
		if err != nil {
			return err
		}
		var unread []store.MessageRow
		for _, m := range msgs {
			if m.Side != p.Side && m.Side != parley.SideSystem {
				unread = append(unread, m)
			}
		}
		if len(unread) == 0 || u.Email == "" {
			continue
		}
		tr := textsFor(u.lang)
		data := map[string]any{"Name": u.Name, "Count": len(unread), "Subject": conversation.SubjectIn(u.lang, c), "Link": n.link(c.ID)}
		var b strings.Builder
		b.WriteString(tr.T("mail.hello", data) + "\n\n" + tr.T("mail.unread.intro", data) + "\n\n")
		for _, m := range unread[max(0, len(unread)-5):] {
			fmt.Fprintf(&b, "%s: %s\n\n", m.AuthorName, quote(conversation.BodyIn(u.lang, m)))
		}
		b.WriteString(tr.T("mail.read_answer", data) + "\n\n-- \n" + tr.T("mail.settings", map[string]any{"Link": n.settingsLink()}) + "\n")
		if err := n.mailer.Send(ctx, mail.Message{MarketplaceID: c.MarketplaceID, To: []string{u.Email}, From: n.from,
			Subject: tr.T("mail.unread.subject", data), Text: b.String()}); err != nil {
			return err
		}
	}
	return nil
}

// recipient is a user to mail, in their language.
type recipient struct {
	parley.User
	lang string
}

// withEmailOn leaves out the users who switched email off in their
// settings, and finds the others' languages.
func withEmailOn(q store.Querier, users []parley.User) ([]recipient, error) {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	settings, err := store.UserSettingsFor(q, ids)
	if err != nil {
		return nil, err
	}
	var out []recipient
	for _, u := range users {
		if s := settings[u.ID]; s.Email {
			out = append(out, recipient{User: u, lang: mailLanguage(s.Locale, u.Locale)})
		}
	}
	return out, nil
}

func quote(s string) string {
	if r := []rune(s); len(r) > 500 {
		s = string(r[:500]) + "…"
	}
	return "> " + strings.ReplaceAll(s, "\n", "\n> ")
}
