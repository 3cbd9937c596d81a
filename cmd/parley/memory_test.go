package main

// End-to-end memory test of the input limits (issue 8): the real binary,
// attacked by clients sending 100 MiB WebSocket frames and by a crowd of
// wrong sign-ins at once, must stay under a fixed peak of resident memory.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/parleyhq/parley/internal/identity"
)

const (
	memFrameClients = 10
	memFrameSize    = 100 << 20
	memLogins       = 100
	memPeakLimit    = 200 << 20
)

// TestMemoryUnderAttack starts `parley serve`, then at once: 10 signed-in
// clients each send a text frame of 100 MiB (the header, then the payload
// as fast as the server takes it), and 100 clients sign in to an existing
// account with a wrong password. The server's peak resident memory over its
// whole life (VmHWM) must stay under 200 MiB; every frame is refused with
// 1009 long before its 100 MiB are sent, and every sign-in is answered 401
// or 429 (the hashing bound), never a 5xx.
func TestMemoryUnderAttack(t *testing.T) {
	crashDatabases(t, func(t *testing.T, ps *parleyServer) {
		addUser(t, ps, "victim@mem.test", "the-right-password")
		sp := ps.start(t)
		pid := sp.cmd.Process.Pid

		// The frame senders sign in first (through the host, without a
		// password hash), one user each.
		tokens := make([]string, memFrameClients)
		for i := range tokens {
			tokens[i] = ssoToken(t, sp.base, fmt.Sprintf("m%d", i))
		}
		before := procStatus(t, pid)

		start := make(chan struct{})
		var wg sync.WaitGroup
		type frameResult struct {
			sent int64
			code ws.StatusCode
			err  error
		}
		frames := make([]frameResult, memFrameClients)
		for i, token := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				frames[i].sent, frames[i].code, frames[i].err = sendHugeFrame(sp.base, token)
			}()
		}
		logins := make([]int, memLogins)
		client := &http.Client{Transport: &http.Transport{}, Timeout: 20 * time.Second}
		for i := range logins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				logins[i] = wrongLogin(client, sp.base, "victim@mem.test")
			}()
		}
		t0 := time.Now()
		close(start)
		wg.Wait()
		took := time.Since(t0)
		after := procStatus(t, pid)

		statuses := map[int]int{}
		for _, s := range logins {
			statuses[s]++
		}
		for s, n := range statuses {
			if s != http.StatusUnauthorized && s != http.StatusTooManyRequests {
				t.Errorf("%d wrong sign-ins answered %d, want 401 or 429", n, s)
			}
		}
		closed1009, mostSent := 0, int64(0)
		for i, f := range frames {
			mostSent = max(mostSent, f.sent)
			if f.err != nil {
				t.Errorf("frame sender %d: %v", i, f.err)
			}
			if f.sent >= memFrameSize {
				t.Errorf("frame sender %d: the server took all %d MiB of the frame", i, memFrameSize>>20)
			}
			if f.code == ws.StatusMessageTooBig {
				closed1009++
			}
		}
		// A sender still writing when the server hangs up may see a reset
		// instead of the close frame; most see the code.
		if closed1009 == 0 {
			t.Errorf("no frame sender got close code 1009")
		}
		peak := after["VmHWM"]
		t.Logf("attack took %v; sign-ins answered %v; %d of %d frame senders saw 1009, sent at most %.1f MiB each; "+
			"server RSS %.1f MiB before, %.1f MiB after, peak %.1f MiB",
			took.Round(time.Millisecond), statuses, closed1009, memFrameClients, mib(mostSent),
			mib(before["VmRSS"]), mib(after["VmRSS"]), mib(peak))
		if peak >= memPeakLimit {
			t.Errorf("server peak RSS %.1f MiB, want under %d MiB", mib(peak), memPeakLimit>>20)
		}
	})
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// addUser creates a local account with `parley user add` on the server's
// data, before it starts.
func addUser(t *testing.T, ps *parleyServer, email, password string) {
	t.Helper()
	cmd := exec.Command(ps.bin, "user", "add", "--data", ps.dataDir, "--email", email, "--name", "Victim", "--password", password)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PARLEY_") {
			env = append(env, kv)
		}
	}
	if ps.dbURL != "" {
		env = append(env, "PARLEY_DATABASE_URL="+ps.dbURL)
	}
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("parley user add: %v\n%s", err, out)
	}
}

// ssoToken signs a host user in with a sign-in JWT and returns the session.
func ssoToken(t *testing.T, base, sub string) string {
	t.Helper()
	jwt, err := identity.SignHostJWT(crashSSOSecret, sub, sub+"@mem.test", "User "+sub, time.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Token string `json:"token"`
	}
	c := &apiClient{http: newHTTPClient(), base: base}
	c.must(t, http.MethodPost, "/api/v1/auth/sso", map[string]string{"jwt": jwt}, &out)
	return out.Token
}

// sendHugeFrame opens a socket and sends one text frame of memFrameSize:
// the header, then the payload in 64 KiB writes until the server stops
// taking it. It returns how much payload was written and the close code the
// server sent (0 if the connection was reset before it could be read).
func sendHugeFrame(base, token string) (sent int64, code ws.StatusCode, err error) {
	url := "ws" + strings.TrimPrefix(base, "http") + "/api/v1/ws"
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"Authorization": {"Bearer " + token}}), Timeout: 10 * time.Second}
	conn, br, _, err := d.Dial(context.Background(), url)
	if err != nil {
		return 0, 0, fmt.Errorf("dial: %w", err)
	}
	defer conn.Close()
	// The client reads the server's answer while it writes, as a real
	// client would.
	closed := make(chan ws.StatusCode, 1)
	go func() {
		var rd io.Reader = conn
		if br != nil {
			rd = io.MultiReader(br, conn)
		}
		for {
			_, _, err := wsutil.ReadServerData(struct {
				io.Reader
				io.Writer
			}{rd, io.Discard})
			if err != nil {
				var ce wsutil.ClosedError
				if errors.As(err, &ce) {
					closed <- ce.Code
				} else {
					closed <- 0
				}
				return
			}
		}
	}()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	h := ws.Header{Fin: true, OpCode: ws.OpText, Masked: true, Mask: ws.NewMask(), Length: memFrameSize}
	if err := ws.WriteHeader(conn, h); err != nil {
		return 0, 0, fmt.Errorf("write header: %w", err)
	}
	chunk := bytes.Repeat([]byte{'x'}, 64<<10)
	for sent < memFrameSize {
		n, err := conn.Write(chunk)
		sent += int64(n)
		if err != nil {
			break // the server hung up: what the test wants
		}
	}
	select {
	case code = <-closed:
	case <-time.After(10 * time.Second):
		return sent, 0, errors.New("the server neither closed nor answered within 10s of the frame")
	}
	return sent, code, nil
}

// wrongLogin signs in with a wrong password; it returns the status (0: no
// answer).
func wrongLogin(c *http.Client, base, email string) int {
	body := fmt.Sprintf(`{"email":%q,"password":"not-the-password"}`, email)
	resp, err := c.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// procStatus reads the memory lines of /proc/<pid>/status, in bytes.
func procStatus(t *testing.T, pid int) map[string]int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc to measure the server's memory: %v", err)
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || !strings.HasPrefix(k, "Vm") {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 2 && fields[1] == "kB" {
			if n, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
				out[k] = n << 10
			}
		}
	}
	if out["VmHWM"] == 0 {
		t.Fatalf("no VmHWM in /proc/%d/status", pid)
	}
	return out
}
