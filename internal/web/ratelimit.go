package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/ratelimit"
)

// limitSignIn counts a sign-in form's attempt for the client's address and
// for the account, like POST /api/v1/auth/login (the two share the
// buckets); the ticket's Return forgives the account's token on success.
func (a *App) limitSignIn(r *http.Request, email string) (ratelimit.Ticket, error) {
	l := a.cfg.Limits
	if err := l.Allow(r.Context(), ratelimit.SignInAddress, l.Address(r)); err != nil {
		return ratelimit.Ticket{}, err
	}
	return l.Take(r.Context(), ratelimit.SignInAccount, ratelimit.AccountKey(a.cfg.Marketplace.ID, email))
}

// signInRefused answers a sign-in the limits refused: the sign-in page
// with 429, Retry-After and the wait in the reader's language.
func (a *App) signInRefused(w http.ResponseWriter, r *http.Request, email string, err error) {
	var ex *ratelimit.Exceeded
	if !errors.As(err, &ex) {
		a.serverError(w, r, err)
		return
	}
	w.Header().Set("Retry-After", strconv.Itoa(ex.Seconds()))
	l := a.cat.localizer(a.cat.negotiate(r, ""))
	a.showLogin(w, r, http.StatusTooManyRequests, email, l.T("login.rate_limited", "Count", ex.Seconds()))
}
