package realtime

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/gobwas/ws/wsutil"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/identity"
)

// pipeSocket returns a registered socket over an in-memory pipe (writes
// block until the other end reads) and the client's end.
func pipeSocket(t *testing.T, h *Hub, userID int64) (*Socket, net.Conn) {
	t.Helper()
	server, client := net.Pipe()
	t.Cleanup(func() { server.Close(); client.Close() })
	s := &Socket{hub: h, conn: server}
	s.p.Store(&identity.Principal{User: parley.User{ID: userID}, Marketplace: parley.Marketplace{ID: 1}})
	h.register(s)
	return s, client
}

// patience bounds the waits for what must happen; they end as soon as it
// does, so a loaded machine makes a test slower, never red.
const patience = 60 * time.Second

// waitQueueEmpty waits until the socket's writer has taken every queued
// frame (it then blocks writing to a pipe nobody reads).
func waitQueueEmpty(t *testing.T, s *Socket) {
	t.Helper()
	for deadline := time.Now().Add(patience); ; time.Sleep(time.Millisecond) {
		s.mu.Lock()
		n := len(s.queue)
		s.mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the writer left %d frames queued for %s", n, patience)
		}
	}
}

func message(convID, seq int64) bus.Event {
	return bus.Event{Type: bus.MessageCreated, ConversationID: convID, Topics: []string{bus.UserTopic(1), bus.UserTopic(2)},
		Message: &parley.Message{ID: "m", Seq: seq, Body: "hello"}}
}

// TestSlowSocket: a client that never reads gets a bounded queue, then
// resync and close code 4000; another user's socket keeps getting events
// at once, and the slow one costs no more than its queue.
func TestSlowSocket(t *testing.T) {
	h := NewHub(nil, nil, bus.NewMemory(), nil)
	slow, _ := pipeSocket(t, h, 1) // its client never reads
	_, fastClient := pipeSocket(t, h, 2)

	got := make(chan []byte, 1000)
	go func() {
		for {
			data, err := wsutil.ReadServerText(fastClient)
			if err != nil {
				close(got)
				return
			}
			got <- data
		}
	}()

	// A slow socket must not hold the hub up: dispatch never waits for a
	// socket's writes, so the fast socket gets every message in turn
	// although the slow client never reads (a dispatch that waited for it
	// would block here for good, and the test would fail after patience).
	done := make(chan error, 1)
	go func() {
		for i := int64(1); i <= queueLimit+50; i++ {
			h.dispatch(message(7, i))
			data, ok := <-got
			if !ok {
				done <- fmt.Errorf("fast socket closed at message %d", i)
				return
			}
			var f Frame
			json.Unmarshal(data, &f)
			if f.Type != FrameMessage {
				done <- fmt.Errorf("fast socket got %s at message %d, want %s", f.Type, i, FrameMessage)
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(patience):
		t.Fatalf("the fast socket did not get every message within %s: a slow socket held up the hub", patience)
	}
	slow.mu.Lock()
	queued, closed := len(slow.queue), slow.closed
	slow.mu.Unlock()
	if queued > queueLimit {
		t.Errorf("slow socket queue = %d, want at most %d", queued, queueLimit)
	}
	deadline := time.Now().Add(patience)
	for !closed && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		slow.mu.Lock()
		closed = slow.closed
		slow.mu.Unlock()
	}
	if !closed {
		t.Error("slow socket still open after overflowing its queue")
	}
	if h.Overflows() != 1 {
		t.Errorf("overflows = %d, want 1", h.Overflows())
	}
	if h.Sockets() != 1 {
		t.Errorf("hub holds %d sockets, want only the fast one", h.Sockets())
	}
}

// TestTypingDroppedFirst: when the queue is full, typing frames go and
// messages stay.
func TestTypingDroppedFirst(t *testing.T) {
	h := NewHub(nil, nil, bus.NewMemory(), nil)
	s, _ := pipeSocket(t, h, 1)
	typingEv := bus.Event{Type: bus.Typing, ConversationID: 7, Topics: []string{bus.UserTopic(1)}, UserID: 9, UserExternalID: "u9"}
	h.dispatch(message(7, 1)) // taken by the writer, which then blocks on the pipe
	waitQueueEmpty(t, s)
	for i := 0; i < queueLimit/2; i++ {
		h.dispatch(typingEv)
	}
	for i := int64(2); i < queueLimit/2+10; i++ {
		h.dispatch(message(7, i))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		t.Fatal("socket closed although typing frames could make room")
	}
	msgs := 0
	for _, it := range s.queue {
		if !it.droppable {
			msgs++
		}
	}
	if msgs != queueLimit/2+8 {
		t.Errorf("queued messages = %d, want %d (none lost)", msgs, queueLimit/2+8)
	}
}

// TestStaleFollowsQueuedMessages: a view advances through consecutive
// queued messages of its conversation without a read, however far ahead in
// the queue they are; a gap, a system message, a missing view or an update
// to render needs the database.
func TestStaleFollowsQueuedMessages(t *testing.T) {
	s := &Socket{views: map[int64]*parley.Conversation{
		7: {ID: "7", LastSeq: 5, Side: parley.SideSeller},
		8: {ID: "8", LastSeq: 2, Side: parley.SideSeller},
		9: {ID: "9", LastSeq: 4, Side: parley.SideBuyer},
	}}
	msg := func(conv, seq int64, side string) item {
		return item{msg: &parley.Message{Seq: seq, Author: parley.Author{Side: side}}, msgConv: conv}
	}
	upTo := map[int64]int64{}
	items := []item{msg(7, 4, parley.SideBuyer), msg(7, 6, parley.SideBuyer), msg(8, 3, parley.SideBuyer)}
	ahead := []item{msg(7, 7, parley.SideSeller), msg(8, 4, parley.SideBuyer), msg(7, 8, parley.SideBuyer)}
	if got := s.stale(items, ahead, upTo); len(got) != 0 {
		t.Errorf("consecutive messages: stale %v, want none", got)
	}
	cases := []struct {
		name  string
		ahead []item
		want  []int64
	}{
		{"gap", []item{msg(7, 7, parley.SideBuyer), msg(7, 9, parley.SideBuyer)}, []int64{7}},
		{"system message", []item{msg(9, 5, parley.SideSystem)}, []int64{9}},
		{"no view", []item{msg(10, 1, parley.SideBuyer)}, []int64{10}},
		{"update to render", []item{{render: func(*Socket) []byte { return nil }, conv: 8}}, []int64{8}},
		{"after a gap, once", []item{msg(9, 6, parley.SideBuyer), msg(9, 7, parley.SideBuyer)}, []int64{9}},
	}
	for _, c := range cases {
		got := s.stale([]item{msg(7, 6, parley.SideBuyer)}, c.ahead, upTo)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: stale %v, want %v", c.name, got, c.want)
		}
	}
}
