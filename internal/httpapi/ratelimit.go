package httpapi

import (
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/ratelimit"
)

type handlerFunc = func(*Server, http.ResponseWriter, *http.Request, *identity.Principal) error

// limited takes a token of the class for the caller before h runs: per user
// for a user, per marketplace for a host. A refusal is 429 rate_limited
// with Retry-After (writeError).
func limited(c ratelimit.Class, h handlerFunc) handlerFunc {
	return func(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
		key := "u" + strconv.FormatInt(p.User.ID, 10)
		if p.Host {
			key = "m" + strconv.FormatInt(p.Marketplace.ID, 10)
		}
		if err := s.Limits.Allow(r.Context(), c, key); err != nil {
			return err
		}
		return h(s, w, r, p)
	}
}

// limitSignIn counts a password sign-in attempt for the client's address
// and for the account; ticket.Return forgives the account's token when the
// sign-in succeeds. The address is counted first, so one address cannot
// fill memory with accounts.
func limitSignIn(r *http.Request, l *ratelimit.Limiter, marketplaceID int64, email string) (ratelimit.Ticket, error) {
	if err := l.Allow(r.Context(), ratelimit.SignInAddress, l.Address(r)); err != nil {
		return ratelimit.Ticket{}, err
	}
	return l.Take(r.Context(), ratelimit.SignInAccount, ratelimit.AccountKey(marketplaceID, email))
}
