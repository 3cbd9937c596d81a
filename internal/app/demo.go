package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"github.com/parleyhq/parley/internal/demo"
	"github.com/parleyhq/parley/internal/shop"
)

// demoKeys are the host credentials the demo shop uses when none are
// configured: generated once and kept in the data dir, so that a restart
// keeps them (and does not pile up API keys).
type demoKeys struct {
	HostAPIKey string `json:"host_api_key"`
	SSOSecret  string `json:"sso_secret"`
}

// ensureDemoKeys fills the config's host API key and SSO secret, when they
// are not set, from <data>/demo-keys.json, generating what is missing.
func ensureDemoKeys(cfg *Config) error {
	if cfg.HostAPIKey != "" && cfg.SSOSecret != "" {
		return nil
	}
	path := filepath.Join(cfg.DataDir, "demo-keys.json")
	var k demoKeys
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		if err := json.Unmarshal(b, &k); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	changed := false
	if len(k.HostAPIKey) < 16 {
		k.HostAPIKey, changed = "pk_demo_"+randomHex(24), true
	}
	if len(k.SSOSecret) < 32 {
		k.SSOSecret, changed = randomHex(32), true
	}
	if changed {
		b, _ := json.MarshalIndent(k, "", "  ")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return fmt.Errorf("demo keys: %w", err)
		}
	}
	if cfg.HostAPIKey == "" {
		cfg.HostAPIKey = k.HostAPIKey
	}
	if cfg.SSOSecret == "" {
		cfg.SSOSecret = k.SSOSecret
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// openDemo makes the demo accounts and builds the shop (which pushes its
// data once the server listens: see startDemo).
func (a *App) openDemo(ctx context.Context) error {
	accounts, err := demo.CreateAccounts(ctx, a.Identity, a.Marketplace.ID)
	if err != nil {
		return err
	}
	a.DemoAccounts, a.DemoPassword = accounts, demo.Password
	a.Shop, err = shop.New(shop.Config{Dir: filepath.Join(a.Config.DataDir, "shop"), APIKey: a.Config.HostAPIKey,
		SSOSecret: a.Config.SSOSecret, PublicURL: a.Config.BaseURL, Log: a.Log})
	return err
}

// startDemo has the shop push its catalogue, people and orders to this
// Parley over HTTP, at the address it listens on.
func (a *App) startDemo(ctx context.Context) error {
	if a.Shop == nil {
		return nil
	}
	return a.Shop.Start(ctx, "http://"+dialable(a.Addr()))
}

// dialable turns a wildcard listen address into one a client can call.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}
