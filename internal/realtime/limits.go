package realtime

import (
	"errors"
	"io"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/parleyhq/parley"
)

// MaxClientMessage is the largest message a client may send, in bytes, all
// fragments together. Client messages are small JSON objects (ping,
// delivered, typing, presence); the reader refuses a frame whose header
// claims more, or a fragment that takes a message past it, before reading
// its payload, and closes the socket with 1009 (message too big).
const MaxClientMessage = 4096

// Default caps on the sockets one user and one session may hold open on a
// node (Limits).
const (
	DefaultMaxPerUser    = 20
	DefaultMaxPerSession = 5
)

// Limits caps the sockets one client may hold open on this node. A user
// signed in on a phone, a laptop and a few tabs needs a handful; the caps
// stop one account from holding hundreds. Zero fields take the defaults.
type Limits struct {
	PerUser    int
	PerSession int
}

func (l Limits) withDefaults() Limits {
	if l.PerUser <= 0 {
		l.PerUser = DefaultMaxPerUser
	}
	if l.PerSession <= 0 {
		l.PerSession = DefaultMaxPerSession
	}
	return l
}

// socketsRetryAfter is the Retry-After of a refused upgrade: a slot frees
// when one of the client's sockets closes.
const socketsRetryAfter = 10 * time.Second

// admit counts a socket of the user and session before the upgrade, or
// refuses it with rate_limited (429) when either already holds its cap.
// Counting before the upgrade means a refused client costs no socket.
func (h *Hub) admit(userID int64, token string) error {
	l := h.Limits.withDefaults()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perUser[userID] >= l.PerUser {
		return &parley.Error{Code: parley.ERateLimited, RetryAfter: socketsRetryAfter,
			Message: "Too many open sockets for this user: close one first."}
	}
	if h.perSession[token] >= l.PerSession {
		return &parley.Error{Code: parley.ERateLimited, RetryAfter: socketsRetryAfter,
			Message: "Too many open sockets for this session: close one first."}
	}
	h.perUser[userID]++
	h.perSession[token]++
	return nil
}

// release gives back a slot taken by admit.
func (h *Hub) release(userID int64, token string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.releaseLocked(userID, token)
}

func (h *Hub) releaseLocked(userID int64, token string) {
	if h.perUser[userID]--; h.perUser[userID] <= 0 {
		delete(h.perUser, userID)
	}
	if h.perSession[token]--; h.perSession[token] <= 0 {
		delete(h.perSession, token)
	}
}

// newFrameReader reads a client's frames with the size limits applied to
// each header as it arrives, so a frame claiming 100 MiB is refused before
// a byte of its payload is read, and a fragmented message is counted
// across its fragments. Control frames between fragments are answered.
func newFrameReader(s *Socket) *wsutil.Reader {
	return &wsutil.Reader{
		Source:         s,
		State:          ws.StateServerSide,
		CheckUTF8:      true,
		MaxFrameSize:   MaxClientMessage,
		MaxMessageSize: MaxClientMessage,
		OnIntermediate: wsutil.ControlFrameHandler(s, ws.StateServerSide),
	}
}

// closeFor is the close code and reason for the error that ended a read,
// and whether the client may still be sending (the rest of a refused
// message), in which case the close drains a little before it hangs up.
func closeFor(err error) (code ws.StatusCode, reason string, draining bool) {
	var pe ws.ProtocolError
	switch {
	case errors.Is(err, wsutil.ErrFrameTooLarge), errors.Is(err, wsutil.ErrMessageTooLarge):
		return ws.StatusMessageTooBig, "message too big", true
	case errors.Is(err, wsutil.ErrInvalidUTF8):
		return ws.StatusInvalidFramePayloadData, "invalid UTF-8", false
	case errors.As(err, &pe):
		return ws.StatusProtocolError, string(pe), false
	}
	return ws.StatusNormalClosure, "", false
}

// readText returns the next text message: control frames are answered
// (pong, close) and binary messages skipped, unread.
func readText(rd *wsutil.Reader, control wsutil.FrameHandlerFunc) ([]byte, error) {
	for {
		hdr, err := rd.NextFrame()
		if err != nil {
			return nil, err
		}
		switch {
		case hdr.OpCode.IsControl():
			err = control(hdr, rd)
		case hdr.OpCode != ws.OpText:
			err = rd.Discard()
		default:
			return io.ReadAll(rd)
		}
		if err != nil {
			return nil, err
		}
	}
}
