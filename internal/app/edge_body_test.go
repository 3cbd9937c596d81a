package app_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
)

// trickle sends a login request whose body of n bytes goes out in chunks
// of chunk bytes every gap, and returns the answer's status (0 when the
// connection closed without one) and when it came.
func trickle(t *testing.T, addr string, n, chunk int, gap time.Duration) (int, time.Duration) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	body := `{"email":"x@example.com","password":"x"}` + strings.Repeat(" ", n-41)
	fmt.Fprintf(c, "POST /api/v1/auth/login HTTP/1.1\r\nHost: parley.test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	start := time.Now()
	go func() {
		for i := 0; i < len(body); i += chunk {
			if _, err := io.WriteString(c, body[i:min(i+chunk, len(body))]); err != nil {
				return
			}
			time.Sleep(gap)
		}
	}()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, time.Since(start)
	}
	res.Body.Close()
	return res.StatusCode, time.Since(start)
}

// TestSlowBodyCut: a body trickled slower than the minimum rate is cut
// once its time is up (the handler's read fails, the connection closes)
// instead of holding its connection; a body that keeps the rate may take
// longer than the base timeout.
func TestSlowBodyCut(t *testing.T) {
	eachDBWith(t, func(c *app.Config) { c.BodyTimeout = time.Second; c.BodyMinRate = 1024 }, func(t *testing.T, e *env) {
		slowBodyCut(t, strings.TrimPrefix(e.srv.URL, "http://"))
	})
}

func slowBodyCut(t *testing.T, addr string) {
	// 1 byte every 200 ms: 200 bytes would take 40 s.
	status, took := trickle(t, addr, 200, 1, 200*time.Millisecond)
	if took > 5*time.Second {
		t.Errorf("a trickled body held its connection %v, want it cut after about 1 s", took)
	}
	if status == http.StatusUnauthorized {
		t.Errorf("the trickled body was read whole (%d)", status)
	}
	t.Logf("trickled: %d after %v", status, took)

	// 4 KiB at about 1.6 KiB/s: 2.5 s, past the 1 s base, within the rate.
	if status, took := trickle(t, addr, 4096, 410, 250*time.Millisecond); status != http.StatusUnauthorized {
		t.Errorf("a body at the minimum rate = %d after %v, want it read (401 for the wrong password)", status, took)
	}
}
