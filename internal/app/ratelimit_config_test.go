package app_test

import (
	"flag"
	"io"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/ratelimit"
)

// TestParseRateLimits: the rate limits default to ratelimit.Defaults, take
// their environment twins and flags, can be switched off, and bad values
// are refused with the setting's name; so are bad trusted proxies.
func TestParseRateLimits(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, s ratelimit.Settings)
		wantErr string
	}{
		{name: "Defaults", check: func(t *testing.T, s ratelimit.Settings) {
			want := ratelimit.Defaults
			if !slices.Equal(s.TrustedProxies, nil) {
				t.Errorf("TrustedProxies = %v, want none", s.TrustedProxies)
			}
			s.TrustedProxies = nil
			if s.SignInAccount != want.SignInAccount || s.Messages != want.Messages || s.Starts != want.Starts || s.Uploads != want.Uploads ||
				s.SignInAddress != want.SignInAddress || s.SSOAddress != want.SSOAddress || s.Webhooks != want.Webhooks {
				t.Errorf("limits = %+v, want the defaults %+v", s, want)
			}
		}},
		{name: "EnvTwins", env: map[string]string{"PARLEY_RATE_MESSAGES": "60/30s", "PARLEY_RATE_LOGIN_EMAIL": "off", "PARLEY_RATE_STARTS": "3/h",
			"PARLEY_RATE_LOGIN_ADDR": "50/1m", "PARLEY_RATE_SSO_ADDR": "off", "PARLEY_RATE_UPLOADS": "5/1m", "PARLEY_RATE_WEBHOOKS": "1/1m",
			"PARLEY_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7"},
			check: func(t *testing.T, s ratelimit.Settings) {
				if s.Messages != (ratelimit.Limit{Count: 60, Per: 30 * time.Second}) || !s.SignInAccount.IsOff() || s.Starts != (ratelimit.Limit{Count: 3, Per: time.Hour}) ||
					s.SignInAddress.Count != 50 || !s.SSOAddress.IsOff() || s.Uploads.Count != 5 || s.Webhooks.Count != 1 {
					t.Errorf("from the environment = %+v", s)
				}
				want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}
				if !slices.Equal(s.TrustedProxies, want) {
					t.Errorf("TrustedProxies = %v, want %v", s.TrustedProxies, want)
				}
			}},
		{name: "FlagWins", args: []string{"--rate-messages", "10/1s"}, env: map[string]string{"PARLEY_RATE_MESSAGES": "60/30s"},
			check: func(t *testing.T, s ratelimit.Settings) {
				if s.Messages != (ratelimit.Limit{Count: 10, Per: time.Second}) {
					t.Errorf("Messages = %v, want the flag's 10/1s", s.Messages)
				}
			}},
		{name: "ErrEnv", env: map[string]string{"PARLEY_RATE_UPLOADS": "lots"}, wantErr: "PARLEY_RATE_UPLOADS"},
		{name: "ErrZero", env: map[string]string{"PARLEY_RATE_STARTS": "0/1m"}, wantErr: "PARLEY_RATE_STARTS"},
		{name: "ErrFlag", args: []string{"--rate-webhooks", "5"}, wantErr: "rate-webhooks"},
		{name: "ErrProxies", env: map[string]string{"PARLEY_TRUSTED_PROXIES": "proxy.internal"}, wantErr: "PARLEY_TRUSTED_PROXIES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("parley serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c, err := app.ParseConfig(fs, tt.args, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseConfig = %v, want an error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c.RateLimits)
		})
	}
}
