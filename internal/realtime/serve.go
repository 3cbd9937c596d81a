package realtime

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
)

// SessionCookie is the web UI's session cookie (as internal/httpapi names it).
const SessionCookie = "parley_session"

// Authenticate finds the socket's credentials: a Bearer header, the
// access_token query parameter, or the session cookie, which is accepted only
// from an allowed Origin (a page of another site must not open a socket with
// the user's cookie).
func (h *Hub) Authenticate(r *http.Request) (*identity.Principal, string, error) {
	token := ""
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		token = strings.TrimSpace(a[7:])
	} else if t := r.URL.Query().Get("access_token"); t != "" {
		token = t
	} else if c, err := r.Cookie(SessionCookie); err == nil {
		if !h.originAllowed(r) {
			return nil, "", parley.Errorf(parley.EForbidden, "This origin may not open a socket with the session cookie.")
		}
		token = c.Value
	}
	p, err := h.ids.Authenticate(r.Context(), token)
	if err != nil {
		return nil, "", err
	}
	if p.Host {
		return nil, "", parley.Errorf(parley.EUnauthorized, "Sockets are for users, not API keys.")
	}
	return p, token, nil
}

func (h *Hub) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	// An Origin is scheme://host[:port] and nothing else (RFC 6454): a
	// value with user info, a path or no scheme is no origin.
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || origin != u.Scheme+"://"+u.Host {
		return false
	}
	if u.Host == r.Host {
		return true
	}
	for _, o := range h.AllowedOrigins {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

// Serve upgrades an authenticated request to a socket and reads its frames
// until it closes. It returns an error (for a problem document) only before
// the upgrade.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, p *identity.Principal, token string) error {
	cursor := r.URL.Query().Get("cursor")
	if err := h.admit(p.User.ID, token); err != nil {
		return err
	}
	conn, _, _, err := ws.UpgradeHTTP(r, w)
	if err != nil {
		h.release(p.User.ID, token)
		return nil // the upgrader has answered with the reason
	}
	s := &Socket{hub: h, conn: conn, token: token, admitted: true, userID: p.User.ID}
	s.p.Store(p)
	// Register before catching up, so that nothing committed in between is
	// missed (a change may arrive twice: clients de-duplicate by seq).
	h.register(s)
	if cursor != "" {
		h.catchUp(r.Context(), s, cursor)
	}
	// Read in a goroutine of its own and return: the handler's return lets
	// net/http free the request and its connection buffers (about 10 KiB),
	// which an idle socket would otherwise keep.
	go h.readLoop(s)
	return nil
}

// maxCatchUp bounds how many changed conversations a socket is sent on
// connect; beyond it the client is told to call /sync.
const maxCatchUp = 200

// catchUp sends what changed since the cursor as ordinary events.
func (h *Hub) catchUp(ctx context.Context, s *Socket, cursor string) {
	res, err := h.conv.Sync(ctx, s.Principal(), cursor, maxCatchUp)
	if err != nil || res.HasMore {
		s.sendFrame(Frame{Type: FrameResync}, false)
		return
	}
	for _, ch := range res.Changes {
		for _, m := range ch.Messages {
			s.sendFrame(Frame{Type: FrameMessage, Data: m}, false)
		}
		s.sendFrame(Frame{Type: FrameConversation, Data: ch.Conversation}, false)
	}
}

// readLoop reads the client's frames: delivered, typing, ping. The reader
// refuses a message over MaxClientMessage from its header (newFrameReader).
func (h *Hub) readLoop(s *Socket) {
	ctx := context.Background()
	rd := newFrameReader(s)
	control := wsutil.ControlFrameHandler(s, ws.StateServerSide)
	for {
		s.conn.SetReadDeadline(time.Now().Add(readTimeout))
		data, err := readText(rd, control)
		if err != nil {
			code, reason, drain := closeFor(err)
			s.closeDraining(code, reason, drain)
			return
		}
		f, ok := decodeClientFrame(data)
		if !ok {
			s.sendFrame(Frame{Type: FrameError, Data: map[string]string{"code": parley.EBadRequest, "detail": "frames are JSON objects with a type"}}, false)
			continue
		}
		switch f.Type {
		case "ping":
			s.sendFrame(Frame{Type: FramePong}, false)
		case "delivered":
			if id, ok := conversation.ParseID(f.Conversation); ok && f.Seq > 0 {
				h.conv.Delivered(ctx, s.Principal(), id, f.Seq)
			}
		case "typing":
			if id, ok := conversation.ParseID(f.Conversation); ok {
				h.typing(ctx, s, id)
			}
		case "presence":
			if h.Presence != nil && (f.Status == "online" || f.Status == "away") {
				h.Presence.setStatus(s.Principal(), f.Status)
			}
		default:
			s.sendFrame(Frame{Type: FrameError, Data: map[string]string{"code": parley.EBadRequest, "detail": "unknown frame type " + f.Type}}, false)
		}
	}
}
