package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/notify"
)

// TestSettings: defaults, partial changes, validation, /me's locale, and
// email:false keeping the unread digest (and the new-conversation mail)
// away from the user.
func TestSettings(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		defaults := map[string]any{"locale": "", "sound": true, "push": true, "email": true}
		same := func(got, want map[string]any) bool {
			for k, v := range want {
				if got[k] != v {
					return false
				}
			}
			return len(got) == len(want)
		}
		if got := e.must(200, "GET", "/api/v1/me/settings", w.buyer, nil); !same(got, defaults) {
			t.Errorf("default settings = %v, want %v", got, defaults)
		}
		if me := e.must(200, "GET", "/api/v1/me", w.buyer, nil); me["locale"] != "" {
			t.Errorf("me.locale = %v, want \"\" (follow the browser) before a choice", me["locale"])
		}

		tests := []struct {
			name   string
			body   any
			status int
			want   map[string]any
			field  string
		}{
			{"Locale", map[string]any{"locale": "it"}, 200, map[string]any{"locale": "it", "sound": true, "push": true, "email": true}, ""},
			{"Subset", map[string]any{"sound": false, "push": false}, 200, map[string]any{"locale": "it", "sound": false, "push": false, "email": true}, ""},
			{"ErrLocale", map[string]any{"locale": "xx"}, 422, nil, "locale"},
			{"ErrLocaleCase", map[string]any{"locale": "IT"}, 422, nil, "locale"},
			{"ErrType", `{"sound":"loud"}`, 422, nil, "sound"},
			{"ErrJSON", `{"sound":`, 400, nil, ""},
			{"Empty", map[string]any{}, 200, map[string]any{"locale": "it", "sound": false, "push": false, "email": true}, ""},
			{"Back", map[string]any{"locale": "", "sound": true, "push": true}, 200, map[string]any{"locale": "", "sound": true, "push": true, "email": true}, ""},
			{"Serbian", map[string]any{"locale": "sr"}, 200, map[string]any{"locale": "sr", "sound": true, "push": true, "email": true}, ""},
		}
		for _, tc := range tests {
			r := e.call("PATCH", "/api/v1/me/settings", w.buyer, tc.body)
			if r.Status != tc.status {
				t.Fatalf("%s: PATCH = %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
			}
			if tc.want != nil {
				if got := r.json(t); !same(got, tc.want) {
					t.Errorf("%s: PATCH = %v, want %v", tc.name, got, tc.want)
				}
				if got := e.must(200, "GET", "/api/v1/me/settings", w.buyer, nil); !same(got, tc.want) {
					t.Errorf("%s: GET after = %v, want %v", tc.name, got, tc.want)
				}
			}
			if tc.field != "" {
				errs, _ := r.json(t)["errors"].([]any)
				if r.code() != "validation_failed" || len(errs) != 1 || errs[0].(map[string]any)["field"] != tc.field {
					t.Errorf("%s: problem = %s, want validation_failed on %s", tc.name, r.Body, tc.field)
				}
			}
		}
		if me := e.must(200, "GET", "/api/v1/me", w.buyer, nil); me["locale"] != "sr" || me["name"] != "Buyer" {
			t.Errorf("me = %v, want locale sr", me)
		}
		// Signing in answers with the same user view.
		jwt, _ := identity.SignHostJWT(testSSOSecret, "buyer", "buyer@example.com", "Buyer", time.Now(), 5*time.Minute)
		if u := e.must(200, "POST", "/api/v1/auth/sso", "", map[string]any{"jwt": jwt})["user"].(map[string]any); u["locale"] != "sr" {
			t.Errorf("sign-in user.locale = %v, want sr", u["locale"])
		}
		// Settings are each user's own.
		if got := e.must(200, "GET", "/api/v1/me/settings", w.owner, nil); !same(got, defaults) {
			t.Errorf("owner's settings = %v, want the defaults", got)
		}

		// email:false: the owner gets neither the new-conversation mail nor
		// the unread digest; with email back on the next digest comes.
		e.must(200, "PATCH", "/api/v1/me/settings", w.owner, map[string]any{"email": false})
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "message": msg("s-1", "quiet please")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		e.waitJobs(t, notify.KindNewConversation, 1)
		e.waitJobs(t, notify.KindUnreadDigest, 1)
		for _, m := range e.mails(t) {
			for _, to := range m.To {
				if to == "owner@example.com" {
					t.Errorf("owner with email off got %q", m.Subject)
				}
			}
		}
		e.must(200, "PATCH", "/api/v1/me/settings", w.owner, map[string]any{"email": true})
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("s-2", "now you may"))
		m := e.waitMail(t, "owner@example.com", "2 unread messages")
		if !strings.Contains(m.Text, "now you may") {
			t.Errorf("digest = %q, want the new message", m.Text)
		}
	})
}
