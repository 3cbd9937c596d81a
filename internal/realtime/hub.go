package realtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
)

// recheckEvery is how often sockets' credentials are checked again.
const recheckEvery = 3 * time.Second

// Hub holds this node's sockets and feeds them from the bus.
type Hub struct {
	// Presence tracks who is connected; nil disables it (unit tests).
	Presence *Presence

	conv *conversation.Service
	ids  *identity.Service
	bus  bus.Bus
	log  *slog.Logger
	// AllowedOrigins may open a socket with the session cookie, besides the
	// server's own origin.
	AllowedOrigins []string
	// Limits caps the sockets per user and per session.
	Limits Limits

	mu         sync.RWMutex
	topics     map[string]map[*Socket]struct{}
	sockets    map[*Socket]struct{}
	perUser    map[int64]int  // admitted sockets by user id
	perSession map[string]int // admitted sockets by token

	overflows atomic.Int64
	renders   atomic.Int64 // conversation.updated after a message read from the database
	typingMu  sync.Mutex
	typingAt  map[string]time.Time // user+conversation -> last typing event
}

// NewHub returns a hub; Run feeds it.
func NewHub(conv *conversation.Service, ids *identity.Service, b bus.Bus, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	return &Hub{conv: conv, ids: ids, bus: b, log: log, topics: map[string]map[*Socket]struct{}{},
		sockets: map[*Socket]struct{}{}, perUser: map[int64]int{}, perSession: map[string]int{}, typingAt: map[string]time.Time{}}
}

// Sockets is the number of open sockets on this node.
func (h *Hub) Sockets() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.sockets)
}

// Overflows is how many sockets were closed for falling behind.
func (h *Hub) Overflows() int64 { return h.overflows.Load() }

// MessageRenders counts the conversation.updated frames after a message that
// needed a database read (Advance could not tell the change).
func (h *Hub) MessageRenders() int64 { return h.renders.Load() }

// Run dispatches bus events to sockets and rechecks credentials until ctx
// ends, then closes every socket.
func (h *Hub) Run(ctx context.Context) {
	sub := h.bus.Subscribe(bus.AllTopics, 4096)
	defer sub.Close()
	tick := time.NewTicker(recheckEvery)
	defer tick.Stop()
	refresh := time.NewTicker(presenceRefresh)
	defer refresh.Stop()
	for {
		select {
		case <-ctx.Done():
			h.closeAll(ws.StatusGoingAway, "server shutting down")
			return
		case ev, ok := <-sub.C:
			if !ok {
				h.log.Error("realtime: the bus subscription closed; sockets get no more events")
				h.closeAll(ws.StatusGoingAway, "events unavailable")
				return
			}
			if sub.Dropped() {
				// This node missed events: every socket must sync.
				h.broadcastResync()
			}
			h.dispatch(ev)
		case <-tick.C:
			if sub.Dropped() {
				// Lost events with no traffic since (e.g. NATS was away).
				h.broadcastResync()
			}
			h.recheck(ctx)
		case <-refresh.C:
			if h.Presence != nil {
				go h.Presence.refresh(ctx)
			}
		}
	}
}

func (h *Hub) register(s *Socket) {
	p := s.Principal()
	topics := topicsOf(p)
	h.mu.Lock()
	h.sockets[s] = struct{}{}
	h.setTopicsLocked(s, topics)
	h.mu.Unlock()
	if h.Presence != nil {
		h.Presence.connected(p)
	}
}

func (h *Hub) setTopicsLocked(s *Socket, topics []string) {
	for _, t := range s.topics {
		delete(h.topics[t], s)
		if len(h.topics[t]) == 0 {
			delete(h.topics, t)
		}
	}
	s.topics = topics
	for _, t := range topics {
		if h.topics[t] == nil {
			h.topics[t] = map[*Socket]struct{}{}
		}
		h.topics[t][s] = struct{}{}
	}
}

func (h *Hub) unregister(s *Socket) {
	h.mu.Lock()
	_, known := h.sockets[s]
	delete(h.sockets, s)
	h.setTopicsLocked(s, nil)
	if known && s.admitted {
		h.releaseLocked(s.userID, s.token)
	}
	h.mu.Unlock()
	if known && h.Presence != nil {
		h.Presence.disconnected(s.Principal())
	}
}

// topicsOf are the bus topics a user hears.
func topicsOf(p *identity.Principal) []string {
	topics := []string{bus.UserTopic(p.User.ID)}
	for _, o := range p.SellerOrgs() {
		topics = append(topics, bus.OrgTopic(o.ID))
	}
	if p.User.IsOperator {
		topics = append(topics, bus.OpsTopic(p.Marketplace.ID))
	}
	return topics
}

// dispatch hands an event to the sockets of its topics, once per socket.
func (h *Hub) dispatch(ev bus.Event) {
	h.mu.RLock()
	targets := map[*Socket]struct{}{}
	for _, t := range ev.Topics {
		for s := range h.topics[t] {
			targets[s] = struct{}{}
		}
	}
	h.mu.RUnlock()
	if len(targets) == 0 {
		return
	}
	convID := conversation.ID(ev.ConversationID)
	var it item
	switch ev.Type {
	case bus.MessageCreated:
		// The frame, then the conversation as each receiver now sees it.
		it.data, _ = json.Marshal(Frame{Type: FrameMessage, Data: ev.Message})
		it.msg, it.msgConv = ev.Message, ev.ConversationID
	case bus.Receipt:
		it.data, _ = json.Marshal(Frame{Type: FrameReceipt, Data: receipt{Conversation: convID, Side: ev.Side, DeliveredSeq: ev.DeliveredSeq, ReadSeq: ev.ReadSeq}})
	case bus.Typing:
		it.data, _ = json.Marshal(Frame{Type: FrameTyping, Data: typing{Conversation: convID, User: ev.UserExternalID, Name: ev.UserName}})
		it.droppable = true
	case bus.Presence:
		it.data, _ = json.Marshal(Frame{Type: FramePresence, Data: map[string]string{"user": ev.UserExternalID, "status": ev.Status}})
		it.droppable = true
	case bus.ConversationUpdated:
		id := ev.ConversationID
		it.render = func(s *Socket) []byte { return s.renderConversation(id) }
		it.conv = id
	default:
		return
	}
	for s := range targets {
		if ev.Type == bus.Typing && s.Principal().User.ID == ev.UserID {
			continue // nobody needs to see themself typing
		}
		s.send(it)
	}
}

// renderConversation reads the conversation as the socket's user sees it,
// and keeps it for the next messages (see viewAfter).
func (s *Socket) renderConversation(id int64) []byte {
	c, err := s.hub.conv.Get(context.Background(), s.Principal(), id)
	if err != nil {
		delete(s.views, id)
		return nil // no longer theirs to see
	}
	s.keepView(c)
	data, _ := json.Marshal(Frame{Type: FrameConversation, Data: c})
	return data
}

// viewAfter renders conversation.updated after message m: from the view the
// socket last sent when the message is the next one (no query), else read
// again. With skip (a later message of the conversation is queued, and its
// update will say more) the view is only brought up to date: nil.
func (s *Socket) viewAfter(m *parley.Message, skip bool) []byte {
	id, ok := conversation.ParseID(m.Conversation)
	if !ok {
		return nil
	}
	if prev, ok := s.views[id]; ok {
		if prev.LastSeq >= m.Seq {
			// Read after the message was written: it is in there.
			if skip {
				return nil
			}
			data, _ := json.Marshal(Frame{Type: FrameConversation, Data: prev})
			return data
		}
		if c, ok := conversation.Advance(*prev, *m, s.Principal().User.ExternalID); ok {
			s.keepView(c)
			if skip {
				return nil
			}
			data, _ := json.Marshal(Frame{Type: FrameConversation, Data: c})
			return data
		}
	}
	if skip {
		// The later message's update reads it; until then the kept view
		// would be stale.
		delete(s.views, id)
		return nil
	}
	s.hub.renders.Add(1)
	return s.renderConversation(id)
}

// maxViews bounds the conversations a socket remembers for viewAfter (a
// seller's socket hears many).
const maxViews = 1024

// prefetch reads, in one query, the conversations of items that a view
// cannot answer (updates to render, messages whose change Advance cannot
// tell) when there are several: a socket that receives a burst does not
// query once per frame. It returns the conversations read.
func (s *Socket) prefetch(items, ahead []item, upTo map[int64]int64) map[int64]bool {
	need := s.stale(items, ahead, upTo)
	if len(need) < 2 {
		return nil
	}
	got, err := s.hub.conv.GetMany(context.Background(), s.Principal(), need)
	if err != nil {
		return nil // each is read on its own then
	}
	s.hub.renders.Add(1)
	fresh := make(map[int64]bool, len(got))
	for _, id := range need {
		if c, ok := got[id]; ok {
			s.keepView(c)
			fresh[id] = true
		}
	}
	return fresh
}

// stale lists the conversations of items (then ahead) that the socket's
// views cannot answer. upTo (scratch space) follows, per conversation, the
// seq its view will have reached when each queued message comes up: a deep
// queue holds several messages of a conversation beyond its view, and the
// view advances through them one by one without a read.
func (s *Socket) stale(items, ahead []item, upTo map[int64]int64) []int64 {
	clear(upTo)
	var need []int64 // few: a linear search beats a map on this hot path
	for _, list := range [2][]item{items, ahead} {
		for _, it := range list {
			switch {
			case it.render != nil && it.conv != 0:
				if !slices.Contains(need, it.conv) {
					need = append(need, it.conv)
				}
			case it.msg != nil:
				if slices.Contains(need, it.msgConv) {
					continue
				}
				v, ok := s.views[it.msgConv]
				if !ok {
					need = append(need, it.msgConv)
					continue
				}
				last, seen := upTo[it.msgConv]
				if !seen {
					last = v.LastSeq
				}
				if it.msg.Seq <= last {
					continue
				}
				c := *v
				c.LastSeq = last
				if !conversation.CanAdvance(c, *it.msg) {
					need = append(need, it.msgConv)
					continue
				}
				upTo[it.msgConv] = it.msg.Seq
			}
		}
	}
	return need
}

// viewFrame encodes conversation.updated with c.
func viewFrame(c parley.Conversation) []byte {
	data, _ := json.Marshal(Frame{Type: FrameConversation, Data: c})
	return data
}

func (s *Socket) keepView(c parley.Conversation) {
	id, ok := conversation.ParseID(c.ID)
	if !ok {
		return
	}
	if s.views == nil {
		s.views = map[int64]*parley.Conversation{}
	}
	if _, known := s.views[id]; !known && len(s.views) >= maxViews {
		for k := range s.views { // forget one at random
			delete(s.views, k)
			break
		}
	}
	s.views[id] = &c
}

// all is a snapshot of the node's sockets.
func (h *Hub) all() []*Socket {
	h.mu.RLock()
	defer h.mu.RUnlock()
	all := make([]*Socket, 0, len(h.sockets))
	for s := range h.sockets {
		all = append(all, s)
	}
	return all
}

func (h *Hub) broadcastResync() {
	all := h.all()
	for _, s := range all {
		s.sendFrame(Frame{Type: FrameResync}, false)
	}
}

func (h *Hub) closeAll(code ws.StatusCode, reason string) {
	all := h.all()
	for _, s := range all {
		s.close(code, reason)
	}
}

// recheck authenticates every socket again: a revoked session closes its
// sockets, a membership change moves them to the right topics.
func (h *Hub) recheck(ctx context.Context) {
	all := h.all()
	type result struct {
		p   *identity.Principal
		err error
	}
	byToken := map[string]result{} // a user's sockets often share a token
	for _, s := range all {
		r, ok := byToken[s.token]
		if !ok {
			r.p, r.err = h.ids.Authenticate(ctx, s.token)
			byToken[s.token] = r
		}
		p, err := r.p, r.err
		if err != nil {
			if parley.ErrorCode(err) == parley.EUnauthorized {
				s.close(CloseUnauthorized, "unauthorized")
			}
			continue
		}
		s.p.Store(p)
		topics := topicsOf(p)
		if !sameTopics(topics, s.topics) {
			h.mu.Lock()
			h.setTopicsLocked(s, topics)
			h.mu.Unlock()
		}
	}
}

func sameTopics(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// typingThrottle is the least time between two typing events of one user in
// one conversation.
const typingThrottle = 2 * time.Second

// typing tells the other parties that the user is typing, at most once per
// typingThrottle.
func (h *Hub) typing(ctx context.Context, s *Socket, convID int64) error {
	p := s.Principal()
	key := strconv.FormatInt(p.User.ID, 10) + ":" + strconv.FormatInt(convID, 10)
	now := time.Now()
	h.typingMu.Lock()
	if last, ok := h.typingAt[key]; ok && now.Sub(last) < typingThrottle {
		h.typingMu.Unlock()
		return nil
	}
	h.typingAt[key] = now
	if len(h.typingAt) > 100000 {
		for k, t := range h.typingAt {
			if now.Sub(t) > typingThrottle {
				delete(h.typingAt, k)
			}
		}
	}
	h.typingMu.Unlock()
	topics, err := h.conv.PartyTopics(ctx, p, convID)
	if err != nil {
		return err
	}
	h.bus.Publish(topics, bus.Event{Type: bus.Typing, ConversationID: convID, UserID: p.User.ID,
		UserExternalID: p.User.ExternalID, UserName: p.User.Name})
	return nil
}
