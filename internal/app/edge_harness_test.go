package app_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// eachDBWith is eachDB with the configuration changed by change.
func eachDBWith(t *testing.T, change func(*app.Config), f func(t *testing.T, e *env)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			url := ""
			if d == store.Postgres {
				url = storetest.NewSchema(t)
			}
			f(t, startConfigured(t, func(c *app.Config) { c.DatabaseURL = url; change(c) }))
		})
	}
}

// allowInternal lets webhooks reach the tests' endpoints, which listen on
// 127.0.0.1: Parley refuses internal addresses unless told otherwise.
func allowInternal(c *app.Config) { c.AllowInternalTargets = true }
