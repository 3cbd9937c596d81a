package realtime

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
)

const (
	// queueLimit bounds the frames waiting for one socket. A queued frame
	// costs the socket little: the encoded message is shared by every
	// socket that receives it. 1,024 frames hold about half a second of a
	// busy seller's traffic, enough for a new socket's first reads.
	queueLimit = 1024
	// writeTimeout is how long one frame may take to leave.
	writeTimeout = 10 * time.Second
	// readTimeout closes a socket that says nothing (clients ping every 30 s).
	readTimeout = 75 * time.Second
	// CloseResync is the close code telling the client to sync and reconnect.
	CloseResync = 4000
	// CloseUnauthorized tells the client its credentials no longer hold.
	CloseUnauthorized = 4001
)

// item is one frame waiting to be sent: encoded already, or rendered for
// this socket's user when its turn comes (conversation.updated).
type item struct {
	data      []byte
	render    func(s *Socket) []byte
	droppable bool // typing and presence go first when the queue is full
	// conv, for a rendered conversation.updated: one waiting render per
	// conversation is enough, since it reads the latest state when sent.
	conv int64
	// msg, for message.created: conversation.updated follows it, unless a
	// later message of the same conversation (msgConv) is already queued:
	// then only the last one's is sent.
	msg     *parley.Message
	msgConv int64
}

// Socket is one client connection.
type Socket struct {
	hub   *Hub
	conn  net.Conn
	token string
	p     atomic.Pointer[identity.Principal]
	// admitted: the socket holds a slot of its user's and session's caps
	// (Hub.admit), given back when it is unregistered.
	admitted bool
	userID   int64

	wmu sync.Mutex // one writer at a time on conn

	mu      sync.Mutex
	queue   []item
	writing bool
	closed  bool
	// overflowing: the socket fell behind and is being closed.
	overflowing bool
	topics      []string

	// views are the conversations as last sent to this socket, by id; only
	// the goroutine running flush uses them.
	views map[int64]*parley.Conversation
}

// Principal is the socket's user as last checked.
func (s *Socket) Principal() *identity.Principal { return s.p.Load() }

// Write implements io.Writer for the control frames (pong, close) that the
// frame reader answers itself: they take the same lock as the writer.
func (s *Socket) Write(p []byte) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	return s.conn.Write(p)
}

// Read implements io.Reader for the frame reader.
func (s *Socket) Read(p []byte) (int, error) { return s.conn.Read(p) }

var _ io.ReadWriter = (*Socket)(nil)

// send queues a frame; see item.
func (s *Socket) send(it item) {
	s.mu.Lock()
	if s.closed || s.overflowing {
		s.mu.Unlock()
		return
	}
	if it.conv != 0 {
		for _, q := range s.queue {
			if q.conv == it.conv {
				s.mu.Unlock()
				return // an update of this conversation is already waiting
			}
		}
	}
	if len(s.queue) >= queueLimit {
		if it.droppable {
			s.mu.Unlock()
			return
		}
		dropped := false
		for i, q := range s.queue {
			if q.droppable {
				s.queue = append(s.queue[:i], s.queue[i+1:]...)
				dropped = true
				break
			}
		}
		if !dropped {
			// Too slow to keep up: tell it to resync, and let it go.
			s.mu.Unlock()
			s.overflow()
			return
		}
	}
	s.queue = append(s.queue, it)
	start := !s.writing
	s.writing = true
	s.mu.Unlock()
	if start {
		go s.flush()
	}
}

// sendFrame encodes and queues a frame.
func (s *Socket) sendFrame(f Frame, droppable bool) {
	data, err := json.Marshal(f)
	if err != nil {
		return
	}
	s.send(item{data: data, droppable: droppable})
}

// flush writes queued frames until the queue is empty; it runs only while
// there is something to write, so an idle socket holds no writer goroutine.
func (s *Socket) flush() {
	var taken [flushBatch]item
	var later [flushBatch]bool
	var aheadBuf []item
	upTo := map[int64]int64{}
	buf := frameBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 256<<10 {
			frameBufs.Put(buf)
		}
	}()
	for {
		s.mu.Lock()
		if len(s.queue) == 0 || s.closed || s.overflowing {
			s.queue = nil // release the backing array while idle
			s.writing = false
			s.mu.Unlock()
			return
		}
		// Take what is queued (up to flushBatch frames) and send it in one
		// write: a socket that receives a lot drains in few system calls.
		n := copy(taken[:], s.queue)
		clear(s.queue[:n])
		s.queue = s.queue[n:]
		for i := range n {
			later[i] = taken[i].msg != nil && (laterMessage(taken[i+1:n], taken[i].msgConv) || laterMessage(s.queue, taken[i].msgConv))
		}
		// The rest of the queue is looked at too: a burst of conversations
		// the socket has no view of is read in one query, not one per write.
		ahead := append(aheadBuf[:0], s.queue[:min(len(s.queue), prefetchAhead)]...)
		s.mu.Unlock()
		fresh := s.prefetch(taken[:n], ahead, upTo)
		clear(ahead)
		buf.Reset()
		for i := range n {
			it := taken[i]
			taken[i] = item{}
			data := it.data
			if it.render != nil {
				if v, ok := s.views[it.conv]; ok && fresh[it.conv] {
					data = viewFrame(*v)
				} else if data = it.render(s); data == nil {
					continue
				}
			}
			appendFrame(buf, data)
			if it.msg != nil {
				if data = s.viewAfter(it.msg, later[i]); data != nil {
					appendFrame(buf, data)
				}
			}
		}
		if buf.Len() == 0 {
			continue
		}
		if err := s.writeRaw(buf.Bytes()); err != nil {
			s.mu.Lock()
			overflowing := s.overflowing
			s.writing = false
			s.mu.Unlock()
			if !overflowing { // an overflow closes with its own code
				s.close(ws.StatusGoingAway, "write failed")
			}
			return
		}
	}
}

// flushBatch is how many queued frames one write takes at most;
// prefetchAhead how many more queued frames a prefetch looks at.
const (
	flushBatch    = 32
	prefetchAhead = 224
)

// laterMessage reports whether items hold a message of the conversation.
func laterMessage(items []item, conv int64) bool {
	for _, q := range items {
		if q.msg != nil && q.msgConv == conv {
			return true
		}
	}
	return false
}

// frameBufs holds buffers for whole frames: headers and payloads leave in
// one write system call.
var frameBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// appendFrame adds a text frame carrying data to buf.
func appendFrame(buf *bytes.Buffer, data []byte) {
	ws.WriteHeader(buf, ws.Header{Fin: true, OpCode: ws.OpText, Length: int64(len(data))})
	buf.Write(data)
}

// writeRaw writes encoded frames.
func (s *Socket) writeRaw(b []byte) error {
	s.wmu.Lock()
	s.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := s.conn.Write(b)
	s.wmu.Unlock()
	return err
}

// overflow tells a socket that fell behind to resync and closes it. It
// stops feeding the socket at once, and cuts a write stuck on the slow
// client short, so the socket's memory goes within about a second.
func (s *Socket) overflow() {
	s.mu.Lock()
	if s.closed || s.overflowing {
		s.mu.Unlock()
		return
	}
	s.overflowing = true
	s.queue = nil
	s.mu.Unlock()
	s.hub.log.Warn("socket fell behind: sent resync and closed", "user", s.Principal().User.ID, "queued", queueLimit)
	s.hub.overflows.Add(1)
	s.hub.unregister(s)
	s.conn.SetWriteDeadline(time.Now().Add(time.Second))
	go func() {
		data, _ := json.Marshal(Frame{Type: FrameResync})
		s.wmu.Lock()
		s.conn.SetWriteDeadline(time.Now().Add(time.Second))
		wsutil.WriteServerMessage(s.conn, ws.OpText, data)
		s.wmu.Unlock()
		s.close(CloseResync, "resync")
	}()
}

// close ends the socket once: a close frame with the code, then the
// connection, and the hub forgets it.
func (s *Socket) close(code ws.StatusCode, reason string) { s.closeDraining(code, reason, false) }

// Draining after a refused message: how long and how much of what the
// client still sends is read and thrown away after the close frame.
const (
	drainTime  = time.Second
	drainBytes = 64 << 10
)

// closeDraining is close; with drain (only from the reader's goroutine) it
// sends FIN after the close frame and reads a little of what the client is
// still sending before hanging up: closing with unread bytes would send a
// reset, which can cost the client the close frame and its code. A client
// that keeps sending past drainBytes gets the reset.
func (s *Socket) closeDraining(code ws.StatusCode, reason string, drain bool) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.queue = nil
	s.mu.Unlock()
	s.hub.unregister(s)
	s.wmu.Lock()
	s.conn.SetWriteDeadline(time.Now().Add(time.Second))
	ws.WriteFrame(s.conn, ws.NewCloseFrame(ws.NewCloseFrameBody(code, reason)))
	s.wmu.Unlock()
	if cw, ok := s.conn.(interface{ CloseWrite() error }); ok && drain {
		cw.CloseWrite()
		s.conn.SetReadDeadline(time.Now().Add(drainTime))
		io.CopyN(io.Discard, s.conn, drainBytes)
	}
	s.conn.Close()
}
