package app

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/safehttp"
)

// Defaults of the edge limits (docs/security.md, "Timeouts and
// connections").
const (
	DefaultBodyTimeout   = 15 * time.Second
	DefaultBodyMinRate   = 8 << 10
	DefaultMaxConnsPerIP = 0
)

// bodyDeadline gives each request body a read deadline that grows with
// what arrives: timeout, plus one second per minRate bytes received. A
// body trickled slower than that is cut (the handler's read fails and the
// connection closes) instead of holding its connection; a large upload at
// a decent rate is not. The deadline is lifted when the body ends, so that
// it never cuts a connection between requests. Requests without a body (a
// WebSocket's upgrade among them) are left alone.
func bodyDeadline(timeout time.Duration, minRate int64, h http.Handler) http.Handler {
	if timeout <= 0 {
		timeout = DefaultBodyTimeout
	}
	if minRate <= 0 {
		minRate = DefaultBodyMinRate
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			h.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		start := time.Now()
		if err := rc.SetReadDeadline(start.Add(timeout)); err != nil {
			h.ServeHTTP(w, r) // a writer without deadlines (not a connection)
			return
		}
		r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc, start: start, timeout: timeout, minRate: minRate}
		h.ServeHTTP(w, r)
	})
}

type deadlineBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	start   time.Time
	timeout time.Duration
	minRate int64
	read    int64
	done    bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	switch {
	case b.done:
	case err == io.EOF:
		b.done = true
		b.rc.SetReadDeadline(time.Time{})
	case n > 0:
		earned := time.Duration(b.read * int64(time.Second) / b.minRate)
		b.rc.SetReadDeadline(b.start.Add(b.timeout + earned))
	}
	return n, err
}

// limitPerIP wraps a listener so that one client address holds at most max
// connections at once; past that, new connections from it are closed at
// once. (Behind a reverse proxy every connection comes from the proxy:
// leave it at 0 there, or set it above the proxy's own pool.)
func limitPerIP(l net.Listener, max int) net.Listener {
	if max <= 0 {
		return l
	}
	return &ipLimitListener{Listener: l, max: max, open: map[string]int{}}
}

type ipLimitListener struct {
	net.Listener
	max  int
	mu   sync.Mutex
	open map[string]int
}

func (l *ipLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := remoteIP(c)
		l.mu.Lock()
		if l.open[ip] >= l.max {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.open[ip]++
		l.mu.Unlock()
		return &ipConn{Conn: c, release: func() { l.release(ip) }}, nil
	}
}

func (l *ipLimitListener) release(ip string) {
	l.mu.Lock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
	l.mu.Unlock()
}

func remoteIP(c net.Conn) string {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}

// ipConn gives its slot back once, when it is closed.
type ipConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *ipConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// maxHeaderBytes bounds a request's header block.
const maxHeaderBytes = 64 << 10

// outgoingClient is the guarded client (internal/safehttp) for webhooks
// and pushes, which allows internal targets only when the configuration
// says so.
func (a *App) outgoingClient(timeout time.Duration) *http.Client {
	return safehttp.NewClient(safehttp.Policy{AllowInternal: a.Config.AllowInternalTargets, Timeout: timeout})
}

// transportHeaders sets the headers that concern the whole origin on every
// answer (API, pages and the demo shop): with an https base URL, HSTS (the
// browser never tries plain http again) and Cross-Origin-Opener-Policy
// (no other site's window keeps a handle on Parley's).
func transportHeaders(secure bool, h http.Handler) http.Handler {
	if !secure {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}
