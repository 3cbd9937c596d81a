package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/httpapi"
	"github.com/parleyhq/parley/internal/ratelimit"
)

type loginBody struct {
	Next     string
	Email    string
	Error    string
	Accounts []Account
	Password string
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request) {
	a.showLogin(w, r, http.StatusOK, r.URL.Query().Get("email"), "")
}

func (a *App) showLogin(w http.ResponseWriter, r *http.Request, status int, email, errText string) {
	pg := a.newPage(r, nil, "login", "login.js")
	pg.Title = pg.T("login.title")
	body := loginBody{Next: localPath(r.FormValue("next")), Email: email, Error: errText}
	if a.cfg.Demo {
		body.Accounts, body.Password = a.cfg.DemoAccounts, a.cfg.DemoPassword
	}
	pg.Body = body
	a.render(w, r, status, "login", pg)
}

func (a *App) login(w http.ResponseWriter, r *http.Request) {
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	ticket, err := a.limitSignIn(r, email)
	if err != nil {
		a.signInRefused(w, r, email, err)
		return
	}
	token, _, err := a.cfg.Identity.Login(r.Context(), a.cfg.Marketplace.ID, email, password)
	if err != nil {
		l := a.cat.localizer(a.cat.negotiate(r, ""))
		var e *parley.Error
		if errors.As(err, &e) && e.Code == parley.ERateLimited {
			// Too many sign-ins at once (identity's hashing bound).
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
			a.showLogin(w, r, http.StatusTooManyRequests, email, l.T("login.busy"))
			return
		}
		a.showLogin(w, r, http.StatusUnauthorized, email, l.T("login.failed"))
		return
	}
	if err := ticket.Return(r.Context()); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.setSession(w, token)
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}

func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	if p := a.principal(r); p != nil {
		if err := a.cfg.Identity.Logout(r.Context(), p.SessionID); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: httpapi.SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: a.cfg.SecureCookies, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// sso exchanges a host's sign-in JWT (a form post from the host's page) for
// the session cookie and goes on to next, a path of this site.
func (a *App) sso(w http.ResponseWriter, r *http.Request) {
	// The form comes from the host's pages: Parley's own origin or one of
	// the configured host origins. A form posted from anywhere else is
	// refused: it could sign the visitor in as someone else (login CSRF).
	if !a.ssoOriginAllowed(r) {
		l := a.cat.localizer(a.cat.negotiate(r, ""))
		a.showLogin(w, r, http.StatusForbidden, "", l.T("login.sso_failed"))
		return
	}
	if err := a.cfg.Limits.Allow(r.Context(), ratelimit.SSOAddress, a.cfg.Limits.Address(r)); err != nil {
		a.signInRefused(w, r, "", err)
		return
	}
	token, u, err := a.cfg.Identity.SSO(r.Context(), a.cfg.Marketplace, r.PostFormValue("jwt"))
	if err != nil {
		l := a.cat.localizer(a.cat.negotiate(r, ""))
		a.showLogin(w, r, http.StatusUnauthorized, "", l.T("login.sso_failed"))
		return
	}
	a.setSession(w, token)
	// The host knows the person's language: the pages take it until they
	// choose another (their setting, or the switcher).
	if _, err := r.Cookie(LangCookie); err != nil {
		if lang, _, _ := strings.Cut(strings.ReplaceAll(strings.ToLower(u.Locale), "_", "-"), "-"); supported(lang) {
			http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: lang, Path: "/", Secure: a.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
				Expires: time.Now().Add(365 * 24 * time.Hour)})
		}
	}
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}

// setLang remembers the chosen language in a cookie (signed-in users' pages
// also PATCH their settings from the script) and goes back.
func (a *App) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	if !supported(lang) {
		lang = ""
	}
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: lang, Path: "/", Secure: a.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
		Expires: time.Now().Add(365 * 24 * time.Hour)})
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}

// ssoOriginAllowed reports whether the sign-in form came from Parley's own
// pages or a configured host origin. Requests without an Origin (not from a
// browser form) carry their JWT as their only credential and pass.
func (a *App) ssoOriginAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if u, err := url.Parse(origin); err == nil && u.Host == r.Host {
		return true
	}
	return slices.Contains(a.cfg.HostOrigins, origin)
}
