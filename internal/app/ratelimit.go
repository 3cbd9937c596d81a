package app

import (
	"flag"

	"github.com/parleyhq/parley/internal/ratelimit"
)

// rateFlags registers the rate-limit flags (their environment twins are in
// envOf), each defaulting to ratelimit.Defaults, and returns the trusted
// proxies' flag, parsed after the rest.
func rateFlags(fs *flag.FlagSet, s *ratelimit.Settings) *string {
	*s = ratelimit.Defaults
	fs.Var(&s.SignInAccount, "rate-login-email", "failed password sign-ins per account: COUNT/PERIOD or off")
	fs.Var(&s.SignInAddress, "rate-login-addr", "password sign-in attempts per client address: COUNT/PERIOD or off")
	fs.Var(&s.SSOAddress, "rate-sso-addr", "host sign-ins (SSO JWTs) per client address: COUNT/PERIOD or off")
	fs.Var(&s.Starts, "rate-starts", "conversations a user may start: COUNT/PERIOD or off")
	fs.Var(&s.Messages, "rate-messages", "messages (and proposals, quotes) a user may post: COUNT/PERIOD or off")
	fs.Var(&s.Uploads, "rate-uploads", "attachments a user may upload: COUNT/PERIOD or off")
	fs.Var(&s.Webhooks, "rate-webhooks", "webhook registrations per marketplace: COUNT/PERIOD or off")
	return fs.String("trusted-proxies", "", "comma-separated addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For names the client")
}
