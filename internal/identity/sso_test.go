package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

const ssoSecret = "0123456789abcdef0123456789abcdef-sso"

func usedTokens(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.Reader(context.Background()).QueryRow(`SELECT COUNT(*) FROM used_sign_in_tokens`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSSOReplayAndSweep: a sign-in JWT signs in once, with or without a
// jti, also through a second service on the same database (another node);
// the used tokens are kept until they expire and the sweep then deletes
// them.
func TestSSOReplayAndSweep(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clock := storetest.NewClock(time.Now().Truncate(time.Second))
			cfg := storetest.Config(t, d)
			cfg.Now = clock.Now
			db, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			var m parley.Marketplace
			if err := db.Write(ctx, func(tx *store.Tx) error {
				if m, err = store.EnsureMarketplace(tx, "default", "Default"); err != nil {
					return err
				}
				m.SSOSecret = ssoSecret
				return store.UpdateMarketplaceSettings(tx, m)
			}); err != nil {
				t.Fatal(err)
			}
			svc, other := identity.NewService(db), identity.NewService(db)
			runner := outbox.NewRunner(db, outbox.Options{})
			svc.Register(runner)
			if err := svc.ScheduleSweep(ctx); err != nil {
				t.Fatal(err)
			}

			withJTI, _ := identity.SignHostJWT(ssoSecret, "u1", "u1@example.com", "U One", clock.Now(), 5*time.Minute)
			noJTI, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "iat": clock.Now().Unix(),
				"exp": clock.Now().Add(2 * time.Minute).Unix()}).SignedString([]byte(ssoSecret))
			if err != nil {
				t.Fatal(err)
			}
			for _, tok := range []string{withJTI, noJTI} {
				if _, _, err := svc.SSO(ctx, m, tok); err != nil {
					t.Fatalf("first sign-in: %v", err)
				}
				for name, s := range map[string]*identity.Service{"same node": svc, "other node": other} {
					_, _, err := s.SSO(ctx, m, tok)
					if parley.ErrorCode(err) != parley.EUnauthorized || !strings.Contains(parley.ErrorMessage(err), "used already") {
						t.Errorf("replay on the %s: %v, want unauthorized, used already", name, err)
					}
				}
			}
			if n := usedTokens(t, db); n != 2 {
				t.Fatalf("used tokens = %d, want 2", n)
			}
			// The sweep keeps tokens that could still be accepted...
			if _, err := runner.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			if n := usedTokens(t, db); n != 2 {
				t.Errorf("after a sweep before expiry: used tokens = %d, want 2", n)
			}
			// ...and deletes them once their exp (and the leeway) passed.
			clock.Add(5*time.Minute + identity.JWTLeeway + time.Second)
			clock.Add(10 * time.Minute) // the next sweep's time
			if _, err := runner.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			if n := usedTokens(t, db); n != 0 {
				t.Errorf("after the sweep: used tokens = %d, want 0", n)
			}
		})
	}
}
