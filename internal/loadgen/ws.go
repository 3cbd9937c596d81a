package loadgen

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
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// wsClient is one client socket of GET /api/v1/ws. Read goes through the
// handshake's buffered reader first (frames the server sent right after the
// upgrade may sit there); Write is locked because the frame reader answers
// the server's control frames itself while pings may be written by another
// goroutine.
type wsClient struct {
	conn net.Conn
	rd   io.Reader
	wmu  sync.Mutex
}

func (c *wsClient) Read(p []byte) (int, error) { return c.rd.Read(p) }

func (c *wsClient) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.conn.Write(p)
}

var pingFrame = []byte(`{"type":"ping"}`)

// ping sends the client ping the API asks for every 30 s.
func (c *wsClient) ping() error { return wsutil.WriteClientText(c, pingFrame) }

// closeNow drops the connection without a close handshake and without
// TIME_WAIT (linger 0), so that back-to-back runs of thousands of sockets do
// not run out of loopback ports.
func (c *wsClient) closeNow() {
	if tc, ok := c.conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.conn.Close()
}

// frameReader reads a client socket's messages through a buffer, with one
// payload buffer reused for every message: the load generator shares the
// machine with the server, and reading frames unbuffered (a system call for
// each header and each payload) cost it a fifth of its CPU. Server frames
// are not checked for UTF-8 here; the browser tests see real clients.
type frameReader struct {
	rd  wsutil.Reader
	ctl wsutil.FrameHandlerFunc
	msg bytes.Buffer
}

func newFrameReader(c *wsClient, size int) *frameReader {
	fr := &frameReader{ctl: wsutil.ControlFrameHandler(c, ws.StateClientSide)}
	fr.rd = wsutil.Reader{Source: bufio.NewReaderSize(c, size), State: ws.StateClientSide, OnIntermediate: fr.ctl}
	return fr
}

// next returns the next data message; its payload is valid until the next
// call. Control frames are answered on the way (a close ends with
// wsutil.ClosedError).
func (fr *frameReader) next() ([]byte, ws.OpCode, error) {
	for {
		hdr, err := fr.rd.NextFrame()
		if err != nil {
			return nil, 0, err
		}
		if hdr.OpCode.IsControl() {
			if err := fr.ctl(hdr, &fr.rd); err != nil {
				return nil, 0, err
			}
			continue
		}
		fr.msg.Reset()
		if _, err := fr.msg.ReadFrom(&fr.rd); err != nil {
			return nil, 0, err
		}
		return fr.msg.Bytes(), hdr.OpCode, nil
	}
}

// wsURL is the socket endpoint of an http(s) base URL.
func wsURL(base string) string {
	switch {
	case strings.HasPrefix(base, "https://"):
		return "wss://" + strings.TrimPrefix(base, "https://") + "/api/v1/ws"
	case strings.HasPrefix(base, "http://"):
		return "ws://" + strings.TrimPrefix(base, "http://") + "/api/v1/ws"
	}
	return base + "/api/v1/ws"
}

// dialWS opens one socket with a Bearer token.
func dialWS(ctx context.Context, url, token string) (*wsClient, error) {
	d := ws.Dialer{
		Header:  ws.HandshakeHeaderHTTP(http.Header{"Authorization": {"Bearer " + token}}),
		Timeout: 30 * time.Second,
	}
	conn, br, _, err := d.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	c := &wsClient{conn: conn, rd: conn}
	if br != nil {
		c.rd = io.MultiReader(br, conn)
	}
	return c, nil
}

// dialAll opens one socket per token, conc at a time. It fails on the first
// socket that cannot be opened (and closes the others).
func dialAll(ctx context.Context, url string, tokens []string, conc int, log io.Writer) ([]*wsClient, error) {
	if err := raiseFileLimit(len(tokens) + 256); err != nil {
		return nil, err
	}
	out := make([]*wsClient, len(tokens))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next   atomic.Int64
		opened atomic.Int64
		first  error
		mu     sync.Mutex
		wg     sync.WaitGroup
	)
	step := max(len(tokens)/5, 1000)
	for range min(conc, len(tokens)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(tokens) {
					return
				}
				c, err := dialWS(ctx, url, tokens[i])
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("socket %d of %d: %w", i+1, len(tokens), err)
					}
					mu.Unlock()
					cancel()
					return
				}
				out[i] = c
				if n := opened.Add(1); n%int64(step) == 0 {
					fmt.Fprintf(log, "loadgen: %d sockets open\n", n)
				}
			}
		})
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		first = ctx.Err()
	}
	if first != nil {
		for _, c := range out {
			if c != nil {
				c.closeNow()
			}
		}
		return nil, first
	}
	return out, nil
}

// raiseFileLimit raises the soft limit of open files to the hard limit when
// need is above it (Go does this at start-up too), and says so when even the
// hard limit is too low.
func raiseFileLimit(need int) error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return nil // not knowable here: let the dials tell
	}
	if uint64(need) <= l.Cur {
		return nil
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
	if uint64(need) > l.Cur {
		return fmt.Errorf("loadgen: %d sockets need about %d open files; the limit is %d (raise it with ulimit -n)", need-256, need, l.Cur)
	}
	return nil
}

// closeCode names why a socket's reader stopped: the close code the server
// sent, or "eof"/"error".
func closeCode(err error) string {
	var ce wsutil.ClosedError
	if errors.As(err, &ce) {
		return fmt.Sprintf("close %d", ce.Code)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "eof"
	}
	return "error"
}

// frameType reads the type of a server frame: they start with
// {"type":"...". Anything else is "?".
func frameType(data []byte) string {
	const p = `{"type":"`
	if !bytes.HasPrefix(data, []byte(p)) {
		return "?"
	}
	rest := data[len(p):]
	if i := bytes.IndexByte(rest, '"'); i >= 0 {
		return string(rest[:i])
	}
	return "?"
}

// clientIDOf finds the message's client_id in a message.created frame
// without decoding all of it (the load generator's ids need no escaping).
func clientIDOf(data []byte) string {
	const p = `"client_id":"`
	i := bytes.Index(data, []byte(p))
	if i < 0 {
		return ""
	}
	rest := data[i+len(p):]
	if j := bytes.IndexByte(rest, '"'); j >= 0 {
		return string(rest[:j])
	}
	return ""
}

// pinger pings every client once per every, spread evenly over the
// period, until ctx ends.
func pinger(ctx context.Context, clients []*wsClient, every time.Duration) {
	n := int64(len(clients))
	if n == 0 || every <= 0 {
		return
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	start, done := time.Now(), int64(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		due := int64(time.Since(start)) * n / int64(every)
		for ; done < due && ctx.Err() == nil; done++ {
			_ = clients[done%n].ping()
		}
	}
}
