package app_test

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/app"
)

// TestParseConfig: defaults, environment twins, a flag winning over its
// twin, and bad values refused with the name of the setting.
func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, c app.Config)
		wantErr string
	}{
		{name: "Defaults", check: func(t *testing.T, c app.Config) {
			if c.Addr != "127.0.0.1:8080" || c.DataDir != "./parley-data" || c.BaseURL != "http://127.0.0.1:8080" || c.MaxUpload != 25<<20 || c.UploadRetention != 24*time.Hour || c.Demo {
				t.Errorf("defaults = %+v", c)
			}
		}},
		{name: "EnvTwins", env: map[string]string{"PARLEY_ADDR": "0.0.0.0:9000", "PARLEY_DEMO": "1", "PARLEY_HOST_ORIGINS": "https://shop.example, https://www.shop.example/"},
			check: func(t *testing.T, c app.Config) {
				if c.Addr != "0.0.0.0:9000" || !c.Demo || !slices.Equal(c.HostOrigins, []string{"https://shop.example", "https://www.shop.example"}) {
					t.Errorf("from the environment = %+v", c)
				}
			}},
		{name: "FlagWins", args: []string{"--addr", "127.0.0.1:7000"}, env: map[string]string{"PARLEY_ADDR": "0.0.0.0:9000"},
			check: func(t *testing.T, c app.Config) {
				if c.Addr != "127.0.0.1:7000" {
					t.Errorf("Addr = %q, want the flag's", c.Addr)
				}
			}},
		{name: "UploadRetention", env: map[string]string{"PARLEY_UPLOAD_RETENTION": "2h"},
			check: func(t *testing.T, c app.Config) {
				if c.UploadRetention != 2*time.Hour {
					t.Errorf("UploadRetention = %v, want 2h", c.UploadRetention)
				}
			}},
		{name: "UploadRetentionFlagWins", args: []string{"--upload-retention", "90m"}, env: map[string]string{"PARLEY_UPLOAD_RETENTION": "2h"},
			check: func(t *testing.T, c app.Config) {
				if c.UploadRetention != 90*time.Minute {
					t.Errorf("UploadRetention = %v, want the flag's 90m", c.UploadRetention)
				}
			}},
		{name: "ErrUploadRetention", env: map[string]string{"PARLEY_UPLOAD_RETENTION": "a day"}, wantErr: "PARLEY_UPLOAD_RETENTION"},
		{name: "ErrUploadRetentionZero", args: []string{"--upload-retention", "0s"}, wantErr: "PARLEY_UPLOAD_RETENTION"},
		{name: "ErrBadOrigin", env: map[string]string{"PARLEY_HOST_ORIGINS": "shop.example"}, wantErr: "PARLEY_HOST_ORIGINS"},
		{name: "ErrOriginWithPath", args: []string{"--host-origins", "https://shop.example/x"}, wantErr: "PARLEY_HOST_ORIGINS"},
		{name: "ErrBadDuration", env: map[string]string{"PARLEY_TICKET_AUTOCLOSE_AFTER": "soon"}, wantErr: "PARLEY_TICKET_AUTOCLOSE_AFTER"},
		{name: "ErrShortSecret", env: map[string]string{"PARLEY_SSO_SECRET": "short"}, wantErr: "PARLEY_SSO_SECRET"},
		{name: "ErrDatabaseURL", env: map[string]string{"PARLEY_DATABASE_URL": "mysql://x"}, wantErr: "PARLEY_DATABASE_URL"},
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
			tt.check(t, c)
		})
	}
}
