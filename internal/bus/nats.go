package bus

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	neturl "net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// subjectPrefix puts Parley's topics in their own corner of the NATS
// subject space, so that a shared server can carry other traffic.
const subjectPrefix = "parley.ev."

// allSubject carries every event once, for AllTopics subscribers.
const allSubject = "parley.all"

// subject is the NATS subject of a topic.
func subject(topic string) string {
	if topic == AllTopics {
		return allSubject
	}
	return subjectPrefix + topic
}

// subscribeFlushTimeout bounds the round trip that makes a new NATS
// subscription active on the server before Subscribe returns.
const subscribeFlushTimeout = 2 * time.Second

// NATS is the bus of a cluster: events go through a NATS server (core
// NATS, at most once), and every node hears them. Each node holds one NATS
// subscription per topic that has local subscribers and fans its messages
// out to them; the last local subscriber to close ends it.
//
// A node's own events come back to it through the server (echo is on), so
// local subscribers hear each event once, in the order the server saw it.
type NATS struct {
	nc  *nats.Conn
	log *slog.Logger

	mu     sync.RWMutex // guards topics and each natsTopic's subs
	topics map[string]*natsTopic
}

// natsTopic is one NATS subscription and the local subscribers it feeds.
type natsTopic struct {
	sub   *nats.Subscription
	subs  map[*Subscription]struct{}
	ready chan struct{} // closed once the server has the subscription
	err   error         // set before ready is closed when the flush failed
}

var _ Bus = (*NATS)(nil)

// NewNATS connects to the NATS server(s) at url (comma-separated for
// several) and stays connected: after a lost connection it retries forever,
// backing off up to a few seconds between attempts. Only the first
// connection must succeed.
func NewNATS(url string, log *slog.Logger) (*NATS, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &NATS{log: log.With("component", "bus"), topics: map[string]*natsTopic{}}
	nc, err := nats.Connect(url,
		nats.Name("parley"),
		nats.MaxReconnects(-1),
		nats.CustomReconnectDelay(reconnectDelay),
		nats.PingInterval(15*time.Second),
		nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			if nc.IsClosed() {
				return // Close, not a lost connection
			}
			n.log.Warn("nats disconnected; events are lost until it reconnects", "err", err)
			n.markAllDropped()
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			n.log.Info("nats reconnected", "server", nc.ConnectedUrlRedacted())
			n.markAllDropped()
		}),
		nats.ErrorHandler(n.asyncError),
	)
	if err != nil {
		if ue := (*neturl.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL, password included
		}
		return nil, fmt.Errorf("PARLEY_NATS_URL %s: %w", redactURL(url), err)
	}
	n.nc = nc
	n.log.Info("nats connected", "server", nc.ConnectedUrlRedacted())
	return n, nil
}

// reconnectDelay backs off from a quarter second to 5 seconds, with jitter
// so that the nodes of a cluster do not all knock at once.
func reconnectDelay(attempts int) time.Duration {
	d := min(250*time.Millisecond<<min(attempts, 5), 5*time.Second)
	return d/2 + rand.N(d/2+1)
}

// redactURL hides passwords (and tokens) in the URLs of an error message.
func redactURL(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		u, err := neturl.Parse(strings.TrimSpace(p))
		if err != nil {
			parts[i] = "(unparsable URL)"
			continue
		}
		if u.User != nil {
			if _, ok := u.User.Password(); !ok {
				u.User = neturl.User("xxxxx") // a token alone is a secret too
			}
		}
		parts[i] = u.Redacted()
	}
	return strings.Join(parts, ",")
}

// validTopic keeps topics to plain NATS subject tokens: a wildcard or an
// empty token would hear other topics' events.
func validTopic(topic string) bool {
	if topic == AllTopics {
		return true
	}
	if topic == "" || strings.ContainsAny(topic, "*> \t\r\n") {
		return false
	}
	for tok := range strings.SplitSeq(topic, ".") {
		if tok == "" {
			return false
		}
	}
	return true
}

// Publish sends the event once per distinct topic, never blocking: while
// the connection is down, messages wait in the client's reconnect buffer
// and are dropped when it is full.
func (n *NATS) Publish(topics []string, ev Event) {
	ev.Topics = topics
	data, err := json.Marshal(ev)
	if err != nil {
		n.log.Error("bus: encode event", "type", ev.Type, "err", err)
		return
	}
	// Once more, for AllTopics subscribers (the nodes' hubs).
	if err := n.nc.Publish(allSubject, data); err != nil {
		n.log.Warn("bus: publish dropped", "topic", AllTopics, "type", ev.Type, "err", err)
	}
	for i, t := range topics {
		if !validTopic(t) || slices.Contains(topics[:i], t) {
			continue
		}
		if err := n.nc.Publish(subjectPrefix+t, data); err != nil {
			n.log.Warn("bus: publish dropped", "topic", t, "type", ev.Type, "err", err)
		}
	}
}

// Subscribe listens to a topic with a bounded buffer. When it returns, the
// server routes the topic's events to this node. If the subscription
// cannot be made (the bus is closed, the topic is not valid), C is already
// closed and Dropped is set.
func (n *NATS) Subscribe(topic string, buffer int) *Subscription {
	s := newSubscription(buffer)
	s.unsubscribe = func() { n.unsubscribe(topic, s) }
	if !validTopic(topic) {
		n.log.Error("bus: invalid topic", "topic", topic)
		return failed(s)
	}
	n.mu.Lock()
	t := n.topics[topic]
	created, pending := t == nil, false
	if created {
		t = &natsTopic{subs: map[*Subscription]struct{}{}, ready: make(chan struct{})}
		sub, err := n.nc.Subscribe(subject(topic), func(m *nats.Msg) { n.receive(t, m) })
		if err != nil {
			n.mu.Unlock()
			n.log.Error("bus: subscribe", "topic", topic, "err", err)
			return failed(s)
		}
		t.sub = sub
		n.topics[topic] = t
	} else {
		select {
		case <-t.ready:
		default:
			pending = true
		}
	}
	t.subs[s] = struct{}{}
	n.mu.Unlock()

	switch {
	case created:
		t.err = n.nc.FlushTimeout(subscribeFlushTimeout)
		close(t.ready)
	case pending:
		<-t.ready
	default:
		return s // the topic was confirmed before this subscriber came
	}
	if t.err != nil {
		// The server may not have the subscription yet: events published
		// meanwhile can be missed, so the subscriber resyncs.
		n.log.Warn("bus: subscribe not confirmed by the server", "topic", topic, "err", t.err)
		s.markDropped()
	}
	return s
}

// failed closes a subscription that could not be made and flags it.
func failed(s *Subscription) *Subscription {
	s.unsubscribe = nil
	s.markDropped()
	s.Close()
	return s
}

func (n *NATS) unsubscribe(topic string, s *Subscription) {
	n.mu.Lock()
	defer n.mu.Unlock()
	t := n.topics[topic]
	if t == nil {
		return
	}
	delete(t.subs, s)
	if len(t.subs) == 0 {
		delete(n.topics, topic)
		if err := t.sub.Unsubscribe(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			n.log.Warn("bus: unsubscribe", "topic", topic, "err", err)
		}
	}
}

// receive runs on the NATS subscription's goroutine and must never block:
// a subscriber whose buffer is full loses the event and is flagged.
func (n *NATS) receive(t *natsTopic, m *nats.Msg) {
	var ev Event
	err := json.Unmarshal(m.Data, &ev)
	n.mu.RLock()
	defer n.mu.RUnlock()
	if err != nil {
		// Likely a node of another version: its subscribers resync.
		n.log.Warn("bus: undecodable event", "subject", m.Subject, "err", err)
		for s := range t.subs {
			s.markDropped()
		}
		return
	}
	for s := range t.subs {
		s.deliver(ev)
	}
}

// asyncError logs the connection's asynchronous errors; when the client
// itself dropped messages of a subscription (slow consumer), that topic's
// subscribers are flagged.
func (n *NATS) asyncError(_ *nats.Conn, sub *nats.Subscription, err error) {
	n.log.Warn("nats error", "err", err)
	if sub == nil || !errors.Is(err, nats.ErrSlowConsumer) {
		return
	}
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, t := range n.topics {
		if t.sub == sub {
			for s := range t.subs {
				s.markDropped()
			}
		}
	}
}

// markAllDropped flags every local subscriber: events were lost while the
// connection was down.
func (n *NATS) markAllDropped() {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, t := range n.topics {
		for s := range t.subs {
			s.markDropped()
		}
	}
}

// Close closes the connection. Subscriptions stay open but hear nothing
// more; closing them afterwards is fine.
func (n *NATS) Close() error {
	n.nc.Close()
	return nil
}
