package bus

import (
	"testing"
	"time"
)

// waitTimeout bounds waits for an event that must come; they end when it
// does, so only a missing event, not a busy machine, fails a test.
const waitTimeout = 60 * time.Second

// busImpls are the implementations the behaviour table runs against.
var busImpls = []struct {
	name string
	open func(tb testing.TB) Bus
}{
	{"Memory", func(testing.TB) Bus { return NewMemory() }},
	{"NATS", func(tb testing.TB) Bus { return MustOpenNATS(tb, RunNATSServer(tb).ClientURL()) }},
	// The machine's own nats-server (another build than the embedded one).
	{"MachineNATS", func(tb testing.TB) Bus { return MustOpenNATS(tb, MachineNATSURL(tb)) }},
}

func TestBus(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, b Bus)
	}{
		{"PublishSubscribe", func(t *testing.T, b Bus) {
			sub := b.Subscribe(UserTopic(1), 8)
			defer sub.Close()
			b.Publish([]string{UserTopic(1)}, Event{Type: MessageCreated, ConversationID: 7, Change: 1})
			ev := MustReceive(t, sub)
			if ev.Type != MessageCreated || ev.ConversationID != 7 || ev.Change != 1 {
				t.Errorf("Event = %+v, want message.created of conversation 7, change 1", ev)
			}
			if sub.Dropped() {
				t.Error("Dropped = true, want false")
			}
		}},
		{"SeveralTopics", func(t *testing.T, b Bus) {
			user, org, ops := b.Subscribe(UserTopic(1), 8), b.Subscribe(OrgTopic(2), 8), b.Subscribe(OpsTopic(3), 8)
			other := b.Subscribe(UserTopic(9), 8)
			for _, s := range []*Subscription{user, org, ops, other} {
				defer s.Close()
			}
			topics := []string{UserTopic(1), OrgTopic(2), OpsTopic(3), UserTopic(1)}
			b.Publish(topics, Event{Type: Receipt, Change: 1})
			b.Publish(topics, Event{Type: Receipt, Change: 2})
			// A last event per topic: a duplicate would come before it.
			for _, topic := range append(topics[:3:3], UserTopic(9)) {
				b.Publish([]string{topic}, Event{Change: 3})
			}
			for _, s := range []*Subscription{user, org, ops} {
				for want := int64(1); want <= 3; want++ {
					if ev := MustReceive(t, s); ev.Change != want {
						t.Errorf("Change = %d, want %d (each event once, in order)", ev.Change, want)
					}
				}
			}
			if ev := MustReceive(t, other); ev.Change != 3 {
				t.Errorf("other topic: Change = %d, want 3", ev.Change)
			}
		}},
		{"SameTopicTwice", func(t *testing.T, b Bus) {
			a, c := b.Subscribe(OrgTopic(2), 8), b.Subscribe(OrgTopic(2), 8)
			defer a.Close()
			defer c.Close()
			b.Publish([]string{OrgTopic(2)}, Event{Change: 1})
			for _, s := range []*Subscription{a, c} {
				if ev := MustReceive(t, s); ev.Change != 1 {
					t.Errorf("Change = %d, want 1", ev.Change)
				}
			}
		}},
		{"Close", func(t *testing.T, b Bus) {
			closed, open := b.Subscribe(UserTopic(1), 8), b.Subscribe(UserTopic(1), 8)
			defer open.Close()
			closed.Close()
			closed.Close() // idempotent
			b.Publish([]string{UserTopic(1)}, Event{Change: 1})
			MustReceive(t, open)
			if ev, ok := <-closed.C; ok {
				t.Errorf("closed subscription received %+v, want C closed", ev)
			}
		}},
		{"CloseLast", func(t *testing.T, b Bus) {
			sub := b.Subscribe(UserTopic(1), 8)
			sub.Close()
			b.Publish([]string{UserTopic(1)}, Event{Change: 1})
			again := b.Subscribe(UserTopic(1), 8)
			defer again.Close()
			b.Publish([]string{UserTopic(1)}, Event{Change: 2})
			if ev := MustReceive(t, again); ev.Change != 2 {
				t.Errorf("Change = %d, want 2 (nothing from before the subscription)", ev.Change)
			}
			if _, ok := <-sub.C; ok {
				t.Error("closed subscription received an event")
			}
		}},
		{"DropWhenFull", func(t *testing.T, b Bus) {
			// The barrier hears the same topic; events of one topic are
			// handed out one after another, so when the barrier has event
			// n, slow has been offered every event before n.
			slow, barrier := b.Subscribe(UserTopic(1), 1), b.Subscribe(UserTopic(1), 8)
			defer slow.Close()
			defer barrier.Close()
			publish := func(change int64) { b.Publish([]string{UserTopic(1)}, Event{Change: change}) }
			for i := int64(1); i <= 3; i++ {
				publish(i)
			}
			for range 3 {
				MustReceive(t, barrier)
			}
			if !slow.Dropped() {
				t.Error("Dropped = false, want true")
			}
			if ev := MustReceive(t, slow); ev.Change != 1 {
				t.Errorf("Change = %d, want 1 (the one that fitted)", ev.Change)
			}
			// Event 3 may have fitted once 1 was read; 4 comes after it.
			publish(4)
			for ev := MustReceive(t, slow); ev.Change != 4; ev = MustReceive(t, slow) {
				if ev.Change != 3 {
					t.Fatalf("Change = %d, want 3 or 4", ev.Change)
				}
			}
			slow.Dropped()
			publish(5)
			if ev := MustReceive(t, slow); ev.Change != 5 {
				t.Errorf("Change = %d, want 5", ev.Change)
			}
			if slow.Dropped() {
				t.Error("Dropped = true after it was read and nothing was lost since, want false")
			}
			if barrier.Dropped() {
				t.Error("barrier: Dropped = true, want false")
			}
		}},
	}
	for _, impl := range busImpls {
		t.Run(impl.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					b := impl.open(t)
					defer b.Close()
					tc.run(t, b)
				})
			}
		})
	}
}

// MustReceive waits for the next event of s.
func MustReceive(tb testing.TB, s *Subscription) Event {
	tb.Helper()
	select {
	case ev, ok := <-s.C:
		if !ok {
			tb.Fatal("C closed, want an event")
		}
		return ev
	case <-time.After(waitTimeout):
		tb.Fatal("no event within", waitTimeout)
	}
	return Event{}
}
