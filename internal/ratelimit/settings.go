package ratelimit

import (
	"net/netip"
	"time"
)

// Class is what a limit counts.
type Class int

// The limited actions.
const (
	// SignInAccount counts failed password sign-ins per account (marketplace
	// and email): every attempt takes a token, one that succeeds gives it
	// back.
	SignInAccount Class = iota
	// SignInAddress counts password sign-in attempts per client address.
	SignInAddress
	// SSOAddress counts host sign-ins (a JWT exchanged for a session) per
	// client address.
	SSOAddress
	// Starts counts conversations a user starts.
	Starts
	// Messages counts what a user posts into conversations: messages, order
	// and return proposals, quotes.
	Messages
	// Uploads counts a user's attachment uploads.
	Uploads
	// Webhooks counts a marketplace's webhook registrations.
	Webhooks
	numClasses
)

var classNames = [numClasses]string{"signin_account", "signin_address", "sso_address", "starts", "messages", "uploads", "webhooks"}

// String is the class's name (the prefix of its keys in rate_limits).
func (c Class) String() string { return classNames[c] }

// Settings are the limits and the proxies whose X-Forwarded-For is
// believed. A zero Limit takes its default.
type Settings struct {
	SignInAccount Limit
	SignInAddress Limit
	SSOAddress    Limit
	Starts        Limit
	Messages      Limit
	Uploads       Limit
	Webhooks      Limit
	// TrustedProxies are the addresses of reverse proxies in front of
	// Parley: a request from one of them is from the address it names in
	// X-Forwarded-For. Empty: the connection's address is the client's.
	TrustedProxies []netip.Prefix
}

// Defaults are limits no person reaches by hand; docs/security.md explains
// each.
var Defaults = Settings{
	SignInAccount: Limit{Count: 5, Per: 15 * time.Minute},
	SignInAddress: Limit{Count: 20, Per: time.Minute},
	SSOAddress:    Limit{Count: 60, Per: time.Minute},
	Starts:        Limit{Count: 10, Per: time.Minute},
	Messages:      Limit{Count: 30, Per: 15 * time.Second},
	Uploads:       Limit{Count: 30, Per: time.Minute},
	Webhooks:      Limit{Count: 10, Per: time.Minute},
}

// Generous are limits for tests and load runs that send far more than a
// person: the checks still run, and nothing is refused.
var Generous = Settings{
	SignInAccount: Limit{Count: 1_000_000, Per: time.Second},
	SignInAddress: Limit{Count: 1_000_000, Per: time.Second},
	SSOAddress:    Limit{Count: 1_000_000, Per: time.Second},
	Starts:        Limit{Count: 1_000_000, Per: time.Second},
	Messages:      Limit{Count: 1_000_000, Per: time.Second},
	Uploads:       Limit{Count: 1_000_000, Per: time.Second},
	Webhooks:      Limit{Count: 1_000_000, Per: time.Second},
}

func (s Settings) limits() [numClasses]Limit {
	ls, def := s.list(), Defaults.list()
	for i, l := range ls {
		if l.IsZero() {
			ls[i] = def[i]
		}
	}
	return ls
}

func (s Settings) list() [numClasses]Limit {
	return [numClasses]Limit{s.SignInAccount, s.SignInAddress, s.SSOAddress, s.Starts, s.Messages, s.Uploads, s.Webhooks}
}
