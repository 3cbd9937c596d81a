package main

// Helpers of the end-to-end crash tests: build the parley binary, run it as a
// child process on a database that outlives it, set up a marketplace through
// the host API and drive concurrent writers through the JSON API.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/identity"
)

const (
	crashAPIKey    = "crash-test-host-api-key-0123456789"
	crashSSOSecret = "crash-test-sso-secret-0123456789abcdef0123456789"
)

// buildParley builds the binary once per top-level test into its temporary
// directory (the Go build cache makes the second build cheap).
func buildParley(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("crash tests build and run the server: skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "parley")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverProc is one run of the parley binary.
type serverProc struct {
	t       *testing.T
	cmd     *exec.Cmd
	base    string
	logPath string
	done    chan struct{} // closed when the process has exited
	waitErr error
}

// parleyServer starts the binary on dataDir (SQLite) or dbURL (PostgreSQL
// when not empty) and the fixed keys; every start gets its own log file.
type parleyServer struct {
	bin     string
	dataDir string
	dbURL   string
	starts  int
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func (ps *parleyServer) start(t *testing.T) *serverProc {
	t.Helper()
	ps.starts++
	addr := freeAddr(t)
	logPath := filepath.Join(ps.dataDir, fmt.Sprintf("server-%d.log", ps.starts))
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ps.bin, "serve", "--addr", addr, "--data", ps.dataDir)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PARLEY_") {
			env = append(env, kv)
		}
	}
	env = append(env, "PARLEY_HOST_API_KEY="+crashAPIKey, "PARLEY_SSO_SECRET="+crashSSOSecret, "PARLEY_LOG_LEVEL=warn")
	env = append(env, generousRates...)
	if ps.dbURL != "" {
		env = append(env, "PARLEY_DATABASE_URL="+ps.dbURL)
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("start parley: %v", err)
	}
	sp := &serverProc{t: t, cmd: cmd, base: "http://" + addr, logPath: logPath, done: make(chan struct{})}
	go func() {
		sp.waitErr = cmd.Wait()
		logf.Close()
		close(sp.done)
	}()
	t.Cleanup(func() {
		select {
		case <-sp.done:
		default:
			cmd.Process.Kill()
			<-sp.done
		}
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("server log %s:\n%s", filepath.Base(logPath), b)
		}
	})
	sp.waitHealthy(time.Minute)
	return sp
}

func (sp *serverProc) waitHealthy(within time.Duration) {
	sp.t.Helper()
	deadline := time.Now().Add(within)
	c := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-sp.done:
			b, _ := os.ReadFile(sp.logPath)
			sp.t.Fatalf("parley exited before becoming healthy: %v\n%s", sp.waitErr, b)
		default:
		}
		resp, err := c.Get(sp.base + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			sp.t.Fatalf("parley not healthy within %v: %v", within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (sp *serverProc) kill() {
	sp.t.Helper()
	if err := sp.cmd.Process.Kill(); err != nil {
		sp.t.Fatalf("kill: %v", err)
	}
	<-sp.done
}

// terminate sends SIGTERM and returns the exit code and how long the process
// took to exit; it fails the test when it takes longer than within.
func (sp *serverProc) terminate(within time.Duration) (int, time.Duration) {
	sp.t.Helper()
	t0 := time.Now()
	if err := sp.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		sp.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-sp.done:
	case <-time.After(within):
		sp.cmd.Process.Kill()
		<-sp.done
		sp.t.Fatalf("parley did not exit within %v of SIGTERM", within)
	}
	return sp.cmd.ProcessState.ExitCode(), time.Since(t0)
}

// apiClient talks JSON to the server as the host (API key) or a user.
type apiClient struct {
	http  *http.Client
	base  string
	token string
}

func newHTTPClient() *http.Client {
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 32, IdleConnTimeout: 30 * time.Second}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// errTransport marks a request that got no HTTP answer.
var errTransport = errors.New("no answer")

// do sends a JSON request and decodes a 2xx answer into out. A transport
// failure wraps errTransport; an HTTP error status returns the status and
// the body in the error.
func (c *apiClient) do(ctx context.Context, method, path string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %s: %w", errTransport, method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%w: %s %s: reading answer: %w", errTransport, method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decoding %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, nil
}

func (c *apiClient) must(t *testing.T, method, path string, in, out any) int {
	t.Helper()
	status, err := c.do(context.Background(), method, path, in, out)
	if err != nil {
		t.Fatal(err)
	}
	return status
}

// jsonID is an id the API returns as a number or a string.
type jsonID string

func (id *jsonID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*id = jsonID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*id = jsonID(n.String())
	return nil
}

type apiMessage struct {
	ID       jsonID `json:"id"`
	Seq      int64  `json:"seq"`
	ClientID string `json:"client_id"`
	Body     string `json:"body"`
	Kind     string `json:"kind"`
	Author   struct {
		ID   jsonID `json:"id"`
		Side string `json:"side"`
	} `json:"author"`
}

// crashWorld is the marketplace the crash tests write to: one seller
// company with four members, four buyers, one conversation per buyer.
type crashWorld struct {
	convs   []jsonID              // conversation per buyer
	tokens  map[string]string     // user external id → session token
	readers map[jsonID]string     // conversation → a user who can read it
	first   map[jsonID]apiMessage // conversation → its opening message
}

// writer is one client: a user sending into a conversation.
type writer struct {
	user string
	conv jsonID
}

func setupWorld(t *testing.T, base string) *crashWorld {
	t.Helper()
	host := &apiClient{http: newHTTPClient(), base: base, token: crashAPIKey}
	sellers := []string{"s1", "s2", "s3", "s4"}
	buyers := []string{"b1", "b2", "b3", "b4"}
	for _, u := range append(append([]string{}, sellers...), buyers...) {
		host.must(t, http.MethodPut, "/api/v1/host/users/"+u, map[string]string{"email": u + "@crash.test", "name": "User " + u}, nil)
	}
	members := []map[string]string{{"user": "s1", "role": "owner"}}
	for _, s := range sellers[1:] {
		members = append(members, map[string]string{"user": s, "role": "sales_manager"})
	}
	host.must(t, http.MethodPut, "/api/v1/host/organizations/shop", map[string]any{"name": "Crash Shop", "kind": "seller", "members": members}, nil)
	host.must(t, http.MethodPut, "/api/v1/host/products/p1", map[string]string{"seller": "shop", "title": "Crash dummy"}, nil)

	w := &crashWorld{tokens: map[string]string{}, readers: map[jsonID]string{}, first: map[jsonID]apiMessage{}}
	anon := &apiClient{http: host.http, base: base}
	for _, u := range append(append([]string{}, sellers...), buyers...) {
		jwt, err := identity.SignHostJWT(crashSSOSecret, u, u+"@crash.test", "User "+u, time.Now(), 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Token string `json:"token"`
		}
		anon.must(t, http.MethodPost, "/api/v1/auth/sso", map[string]string{"jwt": jwt}, &out)
		if out.Token == "" {
			t.Fatalf("sso for %s: no token", u)
		}
		w.tokens[u] = out.Token
	}
	for _, b := range buyers {
		c := &apiClient{http: host.http, base: base, token: w.tokens[b]}
		var out struct {
			Conversation struct {
				ID jsonID `json:"id"`
			} `json:"conversation"`
			Message apiMessage `json:"message"`
		}
		c.must(t, http.MethodPost, "/api/v1/conversations", map[string]any{"kind": "chat", "product": "p1",
			"message": map[string]string{"client_id": b + "-open", "body": "Hello from " + b}}, &out)
		if out.Conversation.ID == "" {
			t.Fatalf("start conversation for %s: no id", b)
		}
		w.convs = append(w.convs, out.Conversation.ID)
		w.readers[out.Conversation.ID] = b
		w.first[out.Conversation.ID] = out.Message
	}
	return w
}

// writers are the eight concurrent clients: four write into the first
// conversation (its buyer and three sellers), two into the second, one each
// into the others.
func (w *crashWorld) writers() []writer {
	return []writer{
		{"b1", w.convs[0]}, {"s1", w.convs[0]}, {"s2", w.convs[0]}, {"s3", w.convs[0]},
		{"b2", w.convs[1]}, {"s4", w.convs[1]},
		{"b3", w.convs[2]},
		{"b4", w.convs[3]},
	}
}

// sent is one message a writer sent: acknowledged with its seq and id, or
// not (the request failed).
type sent struct {
	writer   writer
	clientID string
	body     string
	acked    bool
	status   int
	seq      int64
	id       jsonID
	err      error
}

// ledger collects what the writers sent.
type ledger struct {
	mu   sync.Mutex
	msgs []*sent
}

func (l *ledger) add(s *sent) {
	l.mu.Lock()
	l.msgs = append(l.msgs, s)
	l.mu.Unlock()
}

// sendOne posts one message and records the answer in s.
func sendOne(ctx context.Context, c *apiClient, s *sent) {
	var m apiMessage
	status, err := c.do(ctx, http.MethodPost, "/api/v1/conversations/"+string(s.writer.conv)+"/messages",
		map[string]string{"client_id": s.clientID, "body": s.body}, &m)
	s.status, s.err = status, err
	if err == nil {
		s.acked, s.seq, s.id = true, m.Seq, m.ID
	}
}

// runWriters starts one goroutine per writer that sends messages back to
// back until a request gets no answer (the server is gone) or stop closes.
// It returns when every writer has stopped.
func runWriters(t *testing.T, base string, w *crashWorld, round string, l *ledger, stop <-chan struct{}, sendFor time.Duration, kill func()) {
	t.Helper()
	var wg sync.WaitGroup
	hc := newHTTPClient()
	for _, wr := range w.writers() {
		c := &apiClient{http: hc, base: base, token: w.tokens[wr.user]}
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				cid := fmt.Sprintf("%s-%s-%d", round, wr.user, i)
				s := &sent{writer: wr, clientID: cid, body: fmt.Sprintf("message %d of %s in round %s", i, wr.user, round)}
				sendOne(context.Background(), c, s)
				l.add(s)
				if s.err != nil && errors.Is(s.err, errTransport) {
					return
				}
			}
		})
	}
	time.Sleep(sendFor)
	kill()
	wg.Wait()
	hc.CloseIdleConnections()
}

// retryUnacked sends every unacknowledged message once more with the same
// client id: the server must answer 200 with the original (when the first
// try was committed) or 201 (when it was not), never fail or duplicate.
func retryUnacked(t *testing.T, base string, w *crashWorld, l *ledger) (committed, created int) {
	t.Helper()
	hc := newHTTPClient()
	for _, s := range l.msgs {
		if s.acked {
			continue
		}
		c := &apiClient{http: hc, base: base, token: w.tokens[s.writer.user]}
		first := s.err
		sendOne(context.Background(), c, s)
		if s.err != nil {
			t.Errorf("retry of unacknowledged %s (first try: %v): %v", s.clientID, first, s.err)
			continue
		}
		switch s.status {
		case http.StatusOK:
			committed++
		case http.StatusCreated:
			created++
		default:
			t.Errorf("retry of %s: status %d", s.clientID, s.status)
		}
	}
	return committed, created
}

// retryAcked resends the last acknowledged message of every writer: the
// answer must be 200 with the same id and seq.
func retryAcked(t *testing.T, base string, w *crashWorld, l *ledger) {
	t.Helper()
	last := map[string]*sent{}
	for _, s := range l.msgs {
		if s.acked {
			last[s.writer.user] = s
		}
	}
	c := &apiClient{http: newHTTPClient(), base: base}
	for user, s := range last {
		c.token = w.tokens[user]
		r := &sent{writer: s.writer, clientID: s.clientID, body: s.body}
		sendOne(context.Background(), c, r)
		if r.err != nil || r.status != http.StatusOK || r.seq != s.seq || r.id != s.id {
			t.Errorf("resend of acknowledged %s (seq %d, id %s): status %d, seq %d, id %s, err %v",
				s.clientID, s.seq, s.id, r.status, r.seq, r.id, r.err)
		}
	}
}

// readAll pages through a conversation's messages.
func readAll(t *testing.T, c *apiClient, conv jsonID) []apiMessage {
	t.Helper()
	var all []apiMessage
	after := "0"
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("conversation %s: too many pages", conv)
		}
		var page struct {
			Items      []apiMessage `json:"items"`
			NextCursor string       `json:"next_cursor"`
		}
		c.must(t, http.MethodGet, "/api/v1/conversations/"+string(conv)+"/messages?after="+after+"&limit=200", nil, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" || len(page.Items) == 0 {
			return all
		}
		after = page.NextCursor
	}
}

// verify reads every conversation and checks the acknowledged messages
// against it: each present once with its seq, id and body; seqs 1..N; no
// client id twice; no message the clients do not know of. It returns the
// number of messages stored.
func verify(t *testing.T, base string, w *crashWorld, l *ledger) int {
	t.Helper()
	hc := newHTTPClient()
	known := map[string]*sent{}
	for _, s := range l.msgs {
		if s.acked {
			known[s.clientID] = s
		}
	}
	total := 0
	seen := map[string]int{}
	for _, conv := range w.convs {
		c := &apiClient{http: hc, base: base, token: w.tokens[w.readers[conv]]}
		ms := readAll(t, c, conv)
		total += len(ms)
		for i, m := range ms {
			if m.Seq != int64(i+1) {
				t.Errorf("conversation %s: message %d has seq %d, want %d (gap or duplicate); client_id %q", conv, i, m.Seq, i+1, m.ClientID)
			}
			if m.ClientID == "" {
				t.Errorf("conversation %s: seq %d has no client_id (kind %q, body %q)", conv, m.Seq, m.Kind, m.Body)
				continue
			}
			seen[m.ClientID]++
			if seen[m.ClientID] == 2 {
				t.Errorf("conversation %s: client_id %q stored twice (seq %d)", conv, m.ClientID, m.Seq)
			}
			if open := w.first[conv]; m.ClientID == open.ClientID {
				if m.Seq != open.Seq || m.ID != open.ID {
					t.Errorf("opening message %s: seq %d id %s, acknowledged seq %d id %s", m.ClientID, m.Seq, m.ID, open.Seq, open.ID)
				}
				continue
			}
			s, ok := known[m.ClientID]
			if !ok {
				t.Errorf("conversation %s: seq %d client_id %q was never acknowledged", conv, m.Seq, m.ClientID)
				continue
			}
			if s.writer.conv != conv || s.body != m.Body || s.seq != m.Seq || s.id != m.ID {
				t.Errorf("message %s: stored conv %s seq %d id %s body %q; acknowledged conv %s seq %d id %s body %q",
					m.ClientID, conv, m.Seq, m.ID, m.Body, s.writer.conv, s.seq, s.id, s.body)
			}
		}
	}
	for cid, s := range known {
		if seen[cid] == 0 {
			t.Errorf("acknowledged message %s (conversation %s, seq %d, id %s, status %d) is missing", cid, s.writer.conv, s.seq, s.id, s.status)
		}
	}
	return total
}

// counts summarises a round of the ledger.
func counts(l *ledger, round string) (acked, unacked, refused int) {
	for _, s := range l.msgs {
		if !strings.HasPrefix(s.clientID, round+"-") {
			continue
		}
		switch {
		case s.acked:
			acked++
		case errors.Is(s.err, syscall.ECONNREFUSED):
			refused++
		default:
			unacked++
		}
	}
	return
}

// generousRates are rate limits the crash and reliability runs never reach:
// their senders post far faster than a person (the checks still run).
var generousRates = []string{"PARLEY_RATE_LOGIN_EMAIL=1000000/1s", "PARLEY_RATE_LOGIN_ADDR=1000000/1s",
	"PARLEY_RATE_SSO_ADDR=1000000/1s", "PARLEY_RATE_STARTS=1000000/1s", "PARLEY_RATE_MESSAGES=1000000/1s",
	"PARLEY_RATE_UPLOADS=1000000/1s", "PARLEY_RATE_WEBHOOKS=1000000/1s"}
