package app_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/parleyhq/parley/internal/realtime"
)

// rawSocket is a client socket driven frame by frame, for sending what a
// well-behaved client library would not.
type rawSocket struct {
	t    *testing.T
	conn net.Conn
	rd   io.Reader
}

// dialRaw opens a socket with the token, or returns the refusal's status,
// Retry-After and problem code.
func (e *env) dialRaw(t *testing.T, token string) (s *rawSocket, status int, retryAfter, code string) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/api/v1/ws"
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"Authorization": {"Bearer " + token}}), Timeout: 5 * time.Second,
		OnStatusError: func(st int, _ []byte, r io.Reader) {
			res, err := http.ReadResponse(bufio.NewReader(r), nil)
			if err != nil {
				return
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			status, retryAfter, code = st, res.Header.Get("Retry-After"), resp{Body: body}.code()
		}}
	conn, br, _, err := d.Dial(context.Background(), url)
	if err != nil {
		if status == 0 {
			t.Fatalf("dial: %v", err)
		}
		return nil, status, retryAfter, code
	}
	t.Cleanup(func() { conn.Close() })
	var rd io.Reader = conn
	if br != nil {
		rd = io.MultiReader(br, conn)
	}
	return &rawSocket{t: t, conn: conn, rd: rd}, http.StatusSwitchingProtocols, "", ""
}

// frame sends one masked frame header and payload (the payload may be
// shorter than length: a header alone claims what it likes).
func (s *rawSocket) frame(op ws.OpCode, fin bool, length int64, payload []byte) {
	s.t.Helper()
	h := ws.Header{Fin: fin, OpCode: op, Masked: true, Mask: ws.NewMask(), Length: length}
	var buf bytes.Buffer
	ws.WriteHeader(&buf, h)
	p := bytes.Clone(payload)
	ws.Cipher(p, h.Mask, 0)
	buf.Write(p)
	s.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := s.conn.Write(buf.Bytes()); err != nil {
		s.t.Fatalf("write frame: %v", err)
	}
}

// next reads the server's next text frame; closed is the close code (0: the
// connection ended without a close frame) when the server closed instead.
func (s *rawSocket) next() (text string, closed ws.StatusCode, ended bool) {
	s.t.Helper()
	s.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	data, _, err := wsutil.ReadServerData(struct {
		io.Reader
		io.Writer
	}{s.rd, s.conn})
	if err != nil {
		var ce wsutil.ClosedError
		if errors.As(err, &ce) {
			return "", ce.Code, true
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			s.t.Fatal("the server neither answered nor closed within 10s")
		}
		return "", 0, true
	}
	return string(data), 0, false
}

// wantClose reads until the server closes and checks the code.
func (s *rawSocket) wantClose(want ws.StatusCode) {
	s.t.Helper()
	for {
		_, code, ended := s.next()
		if !ended {
			continue
		}
		if code != want {
			s.t.Errorf("close code = %d, want %d", code, want)
		}
		return
	}
}

// wantPong reads until a pong.
func (s *rawSocket) wantPong() {
	s.t.Helper()
	for {
		text, code, ended := s.next()
		if ended {
			s.t.Fatalf("closed with %d, want a pong", code)
		}
		if strings.Contains(text, `"pong"`) {
			return
		}
	}
}

// ping is a ping frame padded to exactly n bytes.
func ping(n int) []byte {
	b := []byte(`{"type":"ping","pad":"`)
	b = append(b, bytes.Repeat([]byte("x"), n-len(b)-2)...)
	return append(b, `"}`...)
}

// TestWebSocketMessageLimits reproduces the oversized-message attacks: the
// server refuses a message over realtime.MaxClientMessage from its header
// (a header claiming 100 MiB is answered without its payload), counts a
// fragmented message across its fragments, and closes with 1009; a message
// of exactly the limit is served.
func TestWebSocketMessageLimits(t *testing.T) {
	const limit = realtime.MaxClientMessage
	eachDB(t, func(t *testing.T, e *env) {
		e.seed()
		cases := []struct {
			name string
			send func(s *rawSocket)
			pong bool // else closed with 1009
		}{
			{"AtLimit", func(s *rawSocket) { s.frame(ws.OpText, true, limit, ping(limit)) }, true},
			{"OneByteOver", func(s *rawSocket) { s.frame(ws.OpText, true, limit+1, ping(limit+1)) }, false},
			{"HeaderClaims100MiB", func(s *rawSocket) { s.frame(ws.OpText, true, 100<<20, nil) }, false},
			{"Binary100MiB", func(s *rawSocket) { s.frame(ws.OpBinary, true, 100<<20, nil) }, false},
			{"FragmentsWithinLimit", func(s *rawSocket) {
				p := ping(limit)
				s.frame(ws.OpText, false, 2000, p[:2000])
				s.frame(ws.OpPing, true, 0, nil) // a control frame between fragments is answered
				s.frame(ws.OpContinuation, true, int64(len(p)-2000), p[2000:])
			}, true},
			{"FragmentsOverLimit", func(s *rawSocket) {
				p := ping(limit + 1)
				s.frame(ws.OpText, false, 2000, p[:2000])
				s.frame(ws.OpContinuation, false, 2000, p[2000:4000])
				s.frame(ws.OpContinuation, true, int64(len(p)-4000), p[4000:])
			}, false},
			{"ManySmallFragments", func(s *rawSocket) {
				s.frame(ws.OpText, false, 100, bytes.Repeat([]byte(" "), 100))
				for range limit / 100 {
					s.frame(ws.OpContinuation, false, 100, bytes.Repeat([]byte(" "), 100))
				}
			}, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				s, status, _, _ := e.dialRaw(t, e.signIn("buyer"))
				if s == nil {
					t.Fatalf("dial: status %d", status)
				}
				c.send(s)
				if c.pong {
					s.wantPong()
				} else {
					s.wantClose(ws.StatusMessageTooBig)
				}
			})
		}
	})
}

// TestWebSocketCaps reproduces one user opening socket after socket: a
// session gets realtime.DefaultMaxPerSession sockets and a user
// realtime.DefaultMaxPerUser across sessions; the next upgrade is refused
// with 429 rate_limited and Retry-After, other users are not affected, and
// a closed socket gives its slot back.
func TestWebSocketCaps(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		refused := func(token, why string) {
			t.Helper()
			s, status, retryAfter, code := e.dialRaw(t, token)
			if s != nil || status != http.StatusTooManyRequests || code != "rate_limited" || retryAfter == "" {
				t.Fatalf("%s: upgrade answered %d %q (Retry-After %q), want 429 rate_limited with Retry-After", why, status, code, retryAfter)
			}
		}
		var first []*rawSocket // the first session's sockets
		sessions := realtime.DefaultMaxPerUser / realtime.DefaultMaxPerSession
		for i := range sessions {
			token := e.signIn("buyer")
			for range realtime.DefaultMaxPerSession {
				s, status, _, _ := e.dialRaw(t, token)
				if s == nil {
					t.Fatalf("session %d: socket refused with %d within the caps", i, status)
				}
				if i == 0 {
					first = append(first, s)
				}
			}
			refused(token, "one socket over the session's cap")
		}
		last := e.signIn("buyer")
		refused(last, "a new session of a user at the user's cap")
		if s, status, _, _ := e.dialRaw(t, w.owner); s == nil {
			t.Fatalf("another user's socket refused with %d", status)
		}
		// A socket registers just after its upgrade is answered.
		waitFor(t, fmt.Sprintf("%d open sockets", realtime.DefaultMaxPerUser+1), func() bool { return e.app.Hub.Sockets() == realtime.DefaultMaxPerUser+1 })

		// A socket the client closes frees its slot for the user's sessions.
		first[0].frame(ws.OpClose, true, 2, ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))
		first[0].wantClose(ws.StatusNormalClosure)
		waitFor(t, "the closed socket's slot", func() bool {
			s, status, _, _ := e.dialRaw(t, last)
			if s == nil && status != http.StatusTooManyRequests {
				t.Fatalf("upgrade answered %d", status)
			}
			return s != nil
		})
	})
}
