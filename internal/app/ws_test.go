package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// wsClient is a test socket that collects frames in the background.
type wsClient struct {
	t      *testing.T
	conn   net.Conn
	frames chan map[string]any
	closed chan ws.StatusCode
	// pending holds frames read while waiting for the pong of mustDial's
	// ping, in order; want and none take them before the channel's.
	pending []map[string]any
}

func (e *env) dial(t *testing.T, token, query string, header http.Header) (*wsClient, error) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/api/v1/ws" + query
	if header == nil {
		header = http.Header{}
	}
	if token != "" {
		header.Set("Authorization", "Bearer "+token)
	}
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(header), Timeout: patience}
	conn, br, _, err := d.Dial(context.Background(), url)
	if err != nil {
		return nil, err
	}
	if br != nil {
		// Frames sent right after the handshake may already be buffered.
		conn = bufferedConn{Conn: conn, r: io.MultiReader(br, conn)}
	}
	c := &wsClient{t: t, conn: conn, frames: make(chan map[string]any, 1000), closed: make(chan ws.StatusCode, 1)}
	go c.read()
	t.Cleanup(func() { conn.Close() })
	return c, nil
}

type bufferedConn struct {
	net.Conn
	r io.Reader
}

func (c bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// mustDial opens a socket and returns once the hub has registered it: the
// server answers the upgrade before it registers the socket, so an event
// published right after the handshake could miss it. The hub reads a
// socket's frames only after registering it, so the pong of a ping proves
// the registration (frames that come before it are kept for want).
func (e *env) mustDial(t *testing.T, token, query string) *wsClient {
	t.Helper()
	c, err := e.dial(t, token, query, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.send(map[string]any{"type": "ping"})
	deadline := time.After(patience)
	for {
		select {
		case f, ok := <-c.frames:
			if !ok {
				t.Fatalf("socket closed before its first pong")
			}
			if f["type"] == "pong" {
				return c
			}
			c.pending = append(c.pending, f)
		case <-deadline:
			t.Fatalf("no pong within %s of dialing", patience)
		}
	}
}

// next returns the next frame: a pending one first, then the channel's
// (ok false when the socket closed); timeout fires when none comes.
func (c *wsClient) next(timeout <-chan time.Time) (f map[string]any, ok, timedOut bool) {
	if len(c.pending) > 0 {
		f, c.pending = c.pending[0], c.pending[1:]
		return f, true, false
	}
	select {
	case f, ok := <-c.frames:
		return f, ok, false
	case <-timeout:
		return nil, false, true
	}
}

func (c *wsClient) read() {
	for {
		data, op, err := wsutil.ReadServerData(c.conn)
		if err != nil {
			var ce wsutil.ClosedError
			if errors.As(err, &ce) {
				c.closed <- ce.Code
			} else {
				c.closed <- 0
			}
			close(c.frames)
			return
		}
		if op != ws.OpText {
			continue
		}
		var f map[string]any
		json.Unmarshal(data, &f)
		c.frames <- f
	}
}

func (c *wsClient) send(frame map[string]any) {
	data, _ := json.Marshal(frame)
	if err := wsutil.WriteClientText(c.conn, data); err != nil {
		c.t.Fatalf("write frame: %v", err)
	}
}

// want waits for a frame of the type that matches, skipping others.
func (c *wsClient) want(typ string, match func(data map[string]any) bool) map[string]any {
	c.t.Helper()
	deadline := time.After(patience)
	for {
		f, ok, timedOut := c.next(deadline)
		if timedOut {
			c.t.Fatalf("no %s frame within %s", typ, patience)
		}
		if !ok {
			c.t.Fatalf("socket closed while waiting for %s", typ)
		}
		if f["type"] != typ {
			continue
		}
		data, _ := f["data"].(map[string]any)
		if match == nil || match(data) {
			return data
		}
	}
}

// none asserts no frame of the type arrives within d.
func (c *wsClient) none(typ string, d time.Duration) {
	c.t.Helper()
	deadline := time.After(d)
	for {
		f, ok, timedOut := c.next(deadline)
		if timedOut || !ok {
			return
		}
		if f["type"] == typ {
			c.t.Fatalf("unexpected %s frame: %v", typ, f)
		}
	}
}

// TestWebSocket: events reach every party live, receipts go ✓ then ✓✓,
// typing reaches the other side only, a reconnect with a cursor catches up,
// strangers hear nothing, logout closes the socket.
func TestWebSocket(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("w-1", "hello")})
		id := st["conversation"].(map[string]any)["id"].(string)
		cursor := e.must(200, "GET", "/api/v1/sync", w.buyer, nil)["cursor"].(string)

		buyer := e.mustDial(t, w.buyer, "")
		manager := e.mustDial(t, w.manager, "")
		owner := e.mustDial(t, w.owner, "")
		stranger := e.mustDial(t, w.stranger, "")

		// The manager answers: both seller members and the buyer hear it.
		sent := e.must(201, "POST", "/api/v1/conversations/"+id+"/messages", w.manager, msg("w-2", "hi, how can I help?"))
		isSent := func(d map[string]any) bool { return d["id"] == sent["id"] }
		for _, c := range []*wsClient{buyer, manager, owner} {
			c.want("message.created", isSent)
		}
		// conversation.updated is rendered for each receiver.
		bc := buyer.want("conversation.updated", func(d map[string]any) bool { return d["id"] == id && num(d["last_seq"]) == 2 })
		if num(bc["unread_count"]) != 1 || bc["my_side"] != "buyer" {
			t.Errorf("buyer's conversation.updated = unread %v side %v, want 1 buyer", bc["unread_count"], bc["my_side"])
		}
		oc := owner.want("conversation.updated", func(d map[string]any) bool { return d["id"] == id && num(d["last_seq"]) == 2 })
		// The owner has not read the buyer's first message yet.
		if num(oc["unread_count"]) != 1 || oc["my_side"] != "seller" {
			t.Errorf("owner's conversation.updated = unread %v side %v, want 1 seller", oc["unread_count"], oc["my_side"])
		}

		// ✓ then ✓✓: the buyer's client reports delivery, then reads.
		buyer.send(map[string]any{"type": "delivered", "conversation": id, "seq": 2})
		manager.want("receipt", func(d map[string]any) bool {
			return d["side"] == "buyer" && num(d["delivered_seq"]) == 2 && num(d["read_seq"]) == 1
		})
		e.must(204, "POST", "/api/v1/conversations/"+id+"/read", w.buyer, map[string]any{"seq": 2})
		manager.want("receipt", func(d map[string]any) bool { return d["side"] == "buyer" && num(d["read_seq"]) == 2 })

		// Typing reaches the other side, not the typist.
		manager.send(map[string]any{"type": "typing", "conversation": id})
		buyer.want("typing", func(d map[string]any) bool { return d["conversation"] == id && d["user"] == "manager" })
		manager.none("typing", 300*time.Millisecond)

		// Ping.
		buyer.send(map[string]any{"type": "ping"})
		buyer.want("pong", nil)

		// The stranger heard none of it.
		stranger.none("message.created", 200*time.Millisecond)

		// A reconnect with the old cursor gets what it missed.
		late := e.mustDial(t, w.buyer, "?cursor="+cursor)
		late.want("message.created", isSent)
		late.want("conversation.updated", func(d map[string]any) bool { return d["id"] == id })

		// Logout closes the sockets of that session within seconds.
		e.must(204, "POST", "/api/v1/auth/logout", w.owner, nil)
		select {
		case code := <-owner.closed:
			if code != 4001 {
				t.Errorf("close code after logout = %d, want 4001", code)
			}
		case <-time.After(patience):
			t.Fatalf("socket still open %s after logout", patience)
		}
	})
}

// TestWebSocketAuth: no credentials, a bad token and a cookie from a foreign
// origin are refused; access_token and a same-origin cookie work.
func TestWebSocketAuth(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.seed()
	if _, err := e.dial(t, "", "", nil); err == nil {
		t.Error("socket without credentials opened")
	}
	if _, err := e.dial(t, "pst_forged", "", nil); err == nil {
		t.Error("socket with a forged token opened")
	}
	if _, err := e.dial(t, "", "?access_token="+w.buyer, nil); err != nil {
		t.Errorf("access_token socket: %v", err)
	}
	cookie := http.Header{"Cookie": {"parley_session=" + w.buyer}}
	cookie.Set("Origin", "https://evil.example")
	if _, err := e.dial(t, "", "", cookie); err == nil {
		t.Error("cookie socket from a foreign origin opened")
	}
	cookie.Set("Origin", e.srv.URL)
	if _, err := e.dial(t, "", "", cookie); err != nil {
		t.Errorf("same-origin cookie socket: %v", err)
	}
}

// TestPresence: a seller's availability follows its members' sockets:
// offline, online when one connects, away when it says so, offline when it
// leaves; colleagues' sockets hear presence frames.
func TestPresence(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		status := func(path string) string {
			t.Helper()
			return e.must(200, "GET", path, w.buyer, nil)["status"].(string)
		}
		waitStatus := func(path, want string) {
			t.Helper()
			deadline := time.Now().Add(patience)
			for status(path) != want {
				if time.Now().After(deadline) {
					t.Fatalf("%s status = %s, want %s", path, status(path), want)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		const org, prod = "/api/v1/organizations/acme/availability", "/api/v1/products/p1/availability"
		if got := status(org); got != "offline" {
			t.Fatalf("availability before anyone connects = %s, want offline", got)
		}
		owner := e.mustDial(t, w.owner, "")
		manager := e.mustDial(t, w.manager, "")
		waitStatus(org, "online")
		waitStatus(prod, "online")
		owner.want("presence", func(d map[string]any) bool { return d["user"] == "manager" && d["status"] == "online" })

		manager.send(map[string]any{"type": "presence", "status": "away"})
		owner.want("presence", func(d map[string]any) bool { return d["user"] == "manager" && d["status"] == "away" })
		owner.conn.Close()
		waitStatus(org, "away")
		manager.conn.Close()
		waitStatus(org, "offline")
	})
}
