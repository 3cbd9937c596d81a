package identity

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
)

// SessionTTL is how long a session lasts without signing in again.
const SessionTTL = 30 * 24 * time.Hour

// Service signs people in and resolves credentials to principals.
type Service struct {
	db    *store.DB
	cache principalCache
}

// NewService returns the identity service.
func NewService(db *store.DB) *Service { return &Service{db: db} }

var errBadCredentials = parley.Errorf(parley.EUnauthorized, "Wrong email or password.")

// Login checks a local account's password and opens a session.
func (s *Service) Login(ctx context.Context, marketplaceID int64, email, password string) (string, parley.User, error) {
	u, err := store.UserByEmail(s.db.Reader(ctx), marketplaceID, email)
	if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real check so that timing does not tell
		// which emails have accounts.
		CheckPassword(dummyHash, password)
		return "", parley.User{}, errBadCredentials
	} else if err != nil {
		return "", parley.User{}, err
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil || !ok {
		return "", parley.User{}, errBadCredentials
	}
	token, err := s.openSession(ctx, u.ID)
	return token, u, err
}

var dummyHash, _ = HashPassword("parley-dummy-password")

// SSO verifies a host sign-in JWT, creates or updates the user from its
// claims and opens a session.
func (s *Service) SSO(ctx context.Context, m parley.Marketplace, token string) (string, parley.User, error) {
	c, err := VerifyHostJWT(token, m.SSOSecret, s.db.Now())
	if err != nil {
		return "", parley.User{}, parley.Errorf(parley.EUnauthorized, "The sign-in token is invalid or expired.")
	}
	var u parley.User
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		// A token without a locale keeps the one the host gave before (its
		// user upsert, an earlier token): it is how Parley speaks to them.
		loc := c.Locale
		if loc == "" {
			if old, err := store.UserByExternalID(tx, m.ID, c.Subject); err == nil {
				loc = old.Locale
			}
		}
		var err error
		u, _, err = store.UpsertUser(tx, parley.User{MarketplaceID: m.ID, ExternalID: c.Subject, Email: c.Email, Name: c.Name, Locale: loc})
		return err
	})
	if err != nil {
		return "", parley.User{}, err
	}
	token, err = s.openSession(ctx, u.ID)
	return token, u, err
}

func (s *Service) openSession(ctx context.Context, userID int64) (string, error) {
	token := NewToken("pst_")
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := store.CreateSession(tx, userID, HashToken(token), tx.Now().Add(SessionTTL))
		return err
	})
	return token, err
}

// Logout revokes a session.
func (s *Service) Logout(ctx context.Context, sessionID int64) error {
	err := s.db.Write(ctx, func(tx *store.Tx) error { return store.RevokeSession(tx, sessionID) })
	s.cache.dropSession(sessionID)
	return err
}

var errUnauthorized = parley.Errorf(parley.EUnauthorized, "Sign in first: the credentials are missing, invalid or expired.")

// Authenticate resolves a bearer token (session or API key) to a principal.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 200 {
		return nil, errUnauthorized
	}
	hash := HashToken(token)
	if p := s.cache.get(hash, s.db.Now()); p != nil {
		return p, nil
	}
	p, err := s.resolve(ctx, hash)
	if err == nil {
		s.cache.put(hash, p, s.db.Now())
	}
	return p, err
}

func (s *Service) resolve(ctx context.Context, hash string) (*Principal, error) {
	q := s.db.Reader(ctx)
	sess, err := store.SessionByTokenHash(q, hash)
	if errors.Is(err, store.ErrNotFound) {
		// Not a session: perhaps a host API key.
		mid, err := store.APIKeyMarketplace(q, hash)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errUnauthorized
		} else if err != nil {
			return nil, err
		}
		m, err := store.MarketplaceByID(q, mid)
		if err != nil {
			return nil, err
		}
		return &Principal{Marketplace: m, Host: true}, nil
	} else if err != nil {
		return nil, err
	}
	return s.principal(q, sess.UserID, sess.ID)
}

// PrincipalForUser loads a user's principal (used by tests and the CLI).
func (s *Service) PrincipalForUser(ctx context.Context, userID int64) (*Principal, error) {
	return s.principal(s.db.Reader(ctx), userID, 0)
}

func (s *Service) principal(q store.Querier, userID, sessionID int64) (*Principal, error) {
	u, err := store.UserByID(q, userID)
	if err != nil {
		return nil, err
	}
	m, err := store.MarketplaceByID(q, u.MarketplaceID)
	if err != nil {
		return nil, err
	}
	ms, err := store.Memberships(q, u.ID)
	if err != nil {
		return nil, err
	}
	return &Principal{Marketplace: m, User: u, Memberships: ms, SessionID: sessionID}, nil
}

// CreateLocalUser adds (or updates) a local account with a password.
func (s *Service) CreateLocalUser(ctx context.Context, marketplaceID int64, email, name, password string, operator bool) (parley.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var fields []parley.FieldError
	if !strings.Contains(email, "@") {
		fields = append(fields, parley.FieldError{Field: "email", Message: "must be an email address"})
	}
	if len(password) < 8 {
		fields = append(fields, parley.FieldError{Field: "password", Message: "must be at least 8 characters"})
	}
	if len(fields) > 0 {
		return parley.User{}, parley.Invalid(fields...)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return parley.User{}, err
	}
	if name == "" {
		name = email
	}
	var u parley.User
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		u, _, err = store.UpsertUser(tx, parley.User{MarketplaceID: marketplaceID, ExternalID: "local:" + email, Email: email,
			Name: name, PasswordHash: hash, IsOperator: operator})
		return err
	})
	return u, err
}
