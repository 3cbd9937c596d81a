package bus

import (
	"strconv"
	"sync"

	"github.com/parleyhq/parley"
)

// Event types.
const (
	MessageCreated      = "message.created"
	ConversationUpdated = "conversation.updated"
	Receipt             = "receipt"
	Typing              = "typing"
	Presence            = "presence"
)

// AllTopics subscribes to every event, once each, whatever its topics: a
// node's real-time hub uses it and routes by Event.Topics itself.
const AllTopics = ">"

// Event is one change, told to the topics that should hear it. The
// conversation is rendered per receiver by whoever delivers it, since its
// unread count and pointers differ for each viewer.
type Event struct {
	Type           string          `json:"type"`
	Topics         []string        `json:"topics,omitempty"` // set by Publish`
	ConversationID int64           `json:"conversation_id"`
	Change         int64           `json:"change"`
	Message        *parley.Message `json:"message,omitempty"`
	Side           string          `json:"side,omitempty"`
	DeliveredSeq   int64           `json:"delivered_seq,omitempty"`
	ReadSeq        int64           `json:"read_seq,omitempty"`
	// The user of a typing or presence event.
	UserID         int64  `json:"user_id,omitempty"`
	UserExternalID string `json:"user,omitempty"`
	UserName       string `json:"user_name,omitempty"`
	Status         string `json:"status,omitempty"`
}

// Bus publishes events to topics and lets subscribers listen. Publish never
// blocks and may drop; Close releases the bus's connections (subscriptions
// stay open but hear nothing more).
type Bus interface {
	Publish(topics []string, ev Event)
	Subscribe(topic string, buffer int) *Subscription
	Close() error
}

// UserTopic is the topic of one user.
func UserTopic(userID int64) string { return "user." + strconv.FormatInt(userID, 10) }

// OrgTopic is the topic of a seller company's members.
func OrgTopic(orgID int64) string { return "org." + strconv.FormatInt(orgID, 10) }

// OpsTopic is the topic of a marketplace's operators.
func OpsTopic(marketplaceID int64) string { return "ops." + strconv.FormatInt(marketplaceID, 10) }

// Subscription receives a topic's events on C until closed. When the
// subscriber falls behind and its buffer is full, events are dropped and
// Dropped is set: the subscriber must resync. A NATS bus also sets Dropped
// when its connection is lost, since events published meanwhile are gone.
type Subscription struct {
	C chan Event

	// unsubscribe is set by the implementation and removes the
	// subscription from it; Close calls it once.
	unsubscribe func()

	mu      sync.Mutex // guards dropped, closed and sends on C
	dropped bool
	closed  bool
}

func newSubscription(buffer int) *Subscription {
	return &Subscription{C: make(chan Event, max(buffer, 0))}
}

// deliver hands ev to the subscriber without blocking; it is a no-op once
// the subscription is closed, so implementations may race with Close.
func (s *Subscription) deliver(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	select {
	case s.C <- ev:
	default:
		s.dropped = true
	}
}

// markDropped tells the subscriber that events were lost.
func (s *Subscription) markDropped() {
	s.mu.Lock()
	s.dropped = true
	s.mu.Unlock()
}

// Dropped reports (and clears) whether events were dropped.
func (s *Subscription) Dropped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dropped
	s.dropped = false
	return d
}

// Close stops the subscription and closes C; closing twice is harmless.
// Events still buffered in C can be read after Close.
func (s *Subscription) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.C)
	s.mu.Unlock()
	if s.unsubscribe != nil {
		s.unsubscribe()
	}
}

// Memory is the in-process bus.
type Memory struct {
	mu   sync.RWMutex
	subs map[string]map[*Subscription]struct{}
}

var _ Bus = (*Memory)(nil)

// NewMemory returns an empty in-process bus.
func NewMemory() *Memory { return &Memory{subs: map[string]map[*Subscription]struct{}{}} }

// Publish hands the event to every subscriber of the topics, never blocking.
func (m *Memory) Publish(topics []string, ev Event) {
	ev.Topics = topics
	m.mu.RLock()
	defer m.mu.RUnlock()
	for s := range m.subs[AllTopics] {
		s.deliver(ev)
	}
	seen := map[*Subscription]bool{}
	for _, t := range topics {
		for s := range m.subs[t] {
			if seen[s] {
				continue
			}
			seen[s] = true
			s.deliver(ev)
		}
	}
}

// Subscribe listens to a topic with a bounded buffer.
func (m *Memory) Subscribe(topic string, buffer int) *Subscription {
	s := newSubscription(buffer)
	s.unsubscribe = func() { m.unsubscribe(topic, s) }
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.subs[topic] == nil {
		m.subs[topic] = map[*Subscription]struct{}{}
	}
	m.subs[topic][s] = struct{}{}
	return s
}

func (m *Memory) unsubscribe(topic string, s *Subscription) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.subs[topic], s)
	if len(m.subs[topic]) == 0 {
		delete(m.subs, topic)
	}
}

// Close does nothing: an in-process bus holds no connection.
func (m *Memory) Close() error { return nil }
