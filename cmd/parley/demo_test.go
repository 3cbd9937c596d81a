package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeDemo runs the binary as `parley serve --demo` with no keys
// configured: it prints the demo accounts, the shop seeds Parley through the
// host API (a demo account signs in by password and finds the seeded
// products), the shop's pages are served, and SIGTERM stops it cleanly.
func TestServeDemo(t *testing.T) {
	bin := buildParley(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--demo", "--addr", addr, "--data", dir, "--log-level", "warn")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PARLEY_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	out, err := os.Create(filepath.Join(dir, "out.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}) // closed when the process has exited
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(out.Name())
			t.Logf("output:\n%s", b)
		}
	})
	base := "http://" + addr
	c := &apiClient{http: newHTTPClient(), base: base}
	var login struct {
		Token string `json:"token"`
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		// The products come last in the seed: once Anna finds one, the
		// shop has pushed its catalogue.
		if _, err := c.do(context.Background(), "POST", "/api/v1/auth/login", map[string]string{"email": "anna@demo.parley", "password": "parley-demo"}, &login); err == nil {
			anna := &apiClient{http: c.http, base: base, token: login.Token}
			if _, err := anna.do(context.Background(), "GET", "/api/v1/products/packaging-design/availability", nil, nil); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the demo was not seeded within 2 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
	res, err := http.Get(base + "/shop/p/oak-table")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "Tavolo in rovere massello") {
		t.Errorf("GET /shop/p/oak-table = %d", res.StatusCode)
	}
	if fi, err := os.Stat(filepath.Join(dir, "demo-keys.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("generated keys: %v %v", fi, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
		if waitErr != nil {
			t.Errorf("exit after SIGTERM: %v", waitErr)
		}
	case <-time.After(time.Minute):
		t.Fatal("no exit within a minute of SIGTERM (it drains for at most 10 s)")
	}
	b, _ := os.ReadFile(out.Name())
	for _, want := range []string{"/shop/", "anna@demo.parley", "giulia@demo.parley", "owner of Bottega Rossi", "parley-demo"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("output does not mention %q", want)
		}
	}
}
