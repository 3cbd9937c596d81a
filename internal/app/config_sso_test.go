package app_test

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
)

// TestParseConfigSSO: the sign-in policy settings, their default and their
// limits.
func TestParseConfigSSO(t *testing.T) {
	parse := func(args []string, env map[string]string) (app.Config, error) {
		fs := flag.NewFlagSet("parley", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		return app.ParseConfig(fs, args, func(k string) string { return env[k] })
	}
	c, err := parse(nil, nil)
	if err != nil || c.SSOMaxLifetime != 10*time.Minute || c.SSOIssuer != "" || c.SSOAudience != "" {
		t.Errorf("defaults = %v %v/%q/%q, want 10m and no issuer or audience", err, c.SSOMaxLifetime, c.SSOIssuer, c.SSOAudience)
	}
	c, err = parse(nil, map[string]string{"PARLEY_SSO_MAX_LIFETIME": "2m", "PARLEY_SSO_ISSUER": "https://shop.example", "PARLEY_SSO_AUDIENCE": "parley"})
	if err != nil || c.SSOMaxLifetime != 2*time.Minute || c.SSOIssuer != "https://shop.example" || c.SSOAudience != "parley" {
		t.Errorf("from the environment = %v %v/%q/%q", err, c.SSOMaxLifetime, c.SSOIssuer, c.SSOAudience)
	}
	for _, bad := range []string{"0s", "-1m", "25h"} {
		if _, err := parse([]string{"--sso-max-lifetime", bad}, nil); err == nil || !strings.Contains(err.Error(), "PARLEY_SSO_MAX_LIFETIME") {
			t.Errorf("--sso-max-lifetime %s: %v, want an error naming PARLEY_SSO_MAX_LIFETIME", bad, err)
		}
	}
	if _, err := parse([]string{"--sso-issuer", strings.Repeat("i", 256)}, nil); err == nil {
		t.Error("an issuer of 256 characters was taken")
	}
}
