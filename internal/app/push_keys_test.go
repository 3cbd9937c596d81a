package app_test

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// openApp opens (does not start) a Parley on the data dir and database.
func openApp(t *testing.T, dir, databaseURL string) *app.App {
	t.Helper()
	cfg := app.Config{Addr: "127.0.0.1:0", DataDir: dir, MailFrom: "Parley <parley@test>", MaxUpload: 1 << 20, LogLevel: "error",
		UnreadMailAfter: time.Second, BaseURL: "http://parley.test", DatabaseURL: databaseURL}
	a, err := app.Open(context.Background(), cfg, &testLog{t: t})
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	return a
}

// TestVAPIDKeysKept: the key pair is made on the first start and the same
// after a restart; nodes starting together on one database agree on it.
func TestVAPIDKeysKept(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dir, url := t.TempDir(), ""
			nodes := 1
			if d == store.Postgres {
				url, nodes = storetest.NewSchema(t), 3
			}
			keys := make([]string, nodes)
			var wg sync.WaitGroup
			for i := range nodes {
				wg.Go(func() {
					a := openApp(t, dir, url)
					keys[i] = a.Push.PublicKey()
					a.Close()
				})
			}
			wg.Wait()
			raw, err := base64.RawURLEncoding.DecodeString(keys[0])
			if err != nil || len(raw) != 65 {
				t.Fatalf("public key %q: want base64url of 65 bytes (%v)", keys[0], err)
			}
			if _, err := ecdh.P256().NewPublicKey(raw); err != nil {
				t.Fatalf("public key is not a P-256 point: %v", err)
			}
			for i, k := range keys {
				if k != keys[0] {
					t.Errorf("node %d key = %q, want %q (one pair for all nodes)", i, k, keys[0])
				}
			}
			a := openApp(t, dir, url)
			defer a.Close()
			if got := a.Push.PublicKey(); got != keys[0] {
				t.Errorf("key after restart = %q, want %q", got, keys[0])
			}
		})
	}
}
