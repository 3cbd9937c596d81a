package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/locale"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/store"
)

// UserView is a signed-in user as the API shows them.
type UserView struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Email       string           `json:"email,omitempty"`
	Locale      string           `json:"locale"`
	Language    string           `json:"language"` // the language Parley speaks to the user: locale, else the host's; "" for neither
	Operator    bool             `json:"operator"`
	Memberships []MembershipView `json:"memberships"`
}

// MembershipView is a user's role in a company.
type MembershipView struct {
	Organization parley.Ref `json:"organization"`
	Kind         string     `json:"kind"`
	Role         string     `json:"role"`
}

func userView(u parley.User, ms []parley.Membership) UserView {
	v := UserView{ID: u.ExternalID, Name: u.Name, Email: u.Email, Locale: u.Locale, Operator: u.IsOperator, Memberships: []MembershipView{}}
	for _, m := range ms {
		v.Memberships = append(v.Memberships, MembershipView{Organization: parley.Ref{ID: m.Organization.ExternalID, Name: m.Organization.Name},
			Kind: m.Organization.Kind, Role: m.Role})
	}
	return v
}

type signInAnswer struct {
	Token string   `json:"token"`
	User  UserView `json:"user"`
}

func (s *Server) marketplace(r *http.Request, slug string) (parley.Marketplace, error) {
	if slug == "" {
		slug = parley.DefaultMarketplaceSlug
	}
	m, err := store.MarketplaceBySlug(s.DB.Reader(r.Context()), slug)
	if errors.Is(err, store.ErrNotFound) {
		return m, parley.NotFound("marketplace")
	}
	return m, err
}

func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, token string, u parley.User) error {
	p, err := s.Identity.PrincipalForUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(identity.SessionTTL)})
	v, err := s.viewOf(r.Context(), p)
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, signInAnswer{Token: token, User: v})
	return nil
}

func login(s *Server, w http.ResponseWriter, r *http.Request, _ *identity.Principal) error {
	var in struct {
		Email       string `json:"email"`
		Password    string `json:"password"`
		Marketplace string `json:"marketplace"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.marketplace(r, in.Marketplace)
	if err != nil {
		return err
	}
	ticket, err := limitSignIn(r, s.Limits, m.ID, in.Email)
	if err != nil {
		return err
	}
	token, u, err := s.Identity.Login(r.Context(), m.ID, in.Email, in.Password)
	if err != nil {
		return err
	}
	if err := ticket.Return(r.Context()); err != nil {
		return err
	}
	return s.signedIn(w, r, token, u)
}

func sso(s *Server, w http.ResponseWriter, r *http.Request, _ *identity.Principal) error {
	var in struct {
		JWT         string `json:"jwt"`
		Marketplace string `json:"marketplace"`
	}
	if err := s.Limits.Allow(r.Context(), ratelimit.SSOAddress, s.Limits.Address(r)); err != nil {
		return err
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.marketplace(r, in.Marketplace)
	if err != nil {
		return err
	}
	token, u, err := s.Identity.SSO(r.Context(), m, in.JWT)
	if err != nil {
		return err
	}
	return s.signedIn(w, r, token, u)
}

func logout(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	if err := s.Identity.Logout(r.Context(), p.SessionID); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.SecureCookies, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// viewOf is the principal as the API shows them. The locale is the user's
// own choice in their settings ("" follows the browser), not the host's.
func (s *Server) viewOf(ctx context.Context, p *identity.Principal) (UserView, error) {
	v := userView(p.User, p.Memberships)
	if s.Settings != nil {
		l, err := s.Settings.Locale(ctx, p.User.ID)
		if err != nil {
			return v, err
		}
		v.Locale = l
	}
	v.Language, _ = locale.Match(v.Locale)
	if v.Language == "" {
		v.Language = locale.HostLanguage(p.User.Locale)
	}
	return v, nil
}

func me(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	v, err := s.viewOf(r.Context(), p)
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, v)
	return nil
}
