package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
)

var errReplayed = parley.Errorf(parley.EUnauthorized,
	"The sign-in token was refused: it was used already. Sign a new token, with its own jti, for every sign-in.")

var errEmailTaken = parley.Errorf(parley.EConflict,
	"The sign-in token's email belongs to another user of this marketplace.")

// SSO verifies a host sign-in JWT, creates or updates the user from its
// claims and opens a session. The claims obey the host API's rules for a
// user (sub is an external id; name, email and locale as in PUT
// /host/users); a name or email the token leaves out keeps the stored one;
// an email another user of the marketplace has is refused. Each token
// signs in once: its jti (or, without one, the token itself) is recorded
// until it expires, in the database, so that no node accepts it again.
func (s *Service) SSO(ctx context.Context, m parley.Marketplace, token string) (string, parley.User, error) {
	pol := JWTPolicy{MaxLifetime: s.JWTMaxLifetime, Issuer: m.SSOIssuer, Audience: m.SSOAudience}
	c, err := VerifyHostJWT(token, m.SSOSecret, pol, s.db.Now())
	if err != nil {
		reason := "the token is not valid"
		if je := (*JWTError)(nil); errors.As(err, &je) {
			reason = je.Reason
		}
		return "", parley.User{}, parley.Errorf(parley.EUnauthorized, "The sign-in token was refused: %s.", reason)
	}
	c.Locale = strings.ReplaceAll(c.Locale, "_", "-")
	if err := checkClaims(c); err != nil {
		return "", parley.User{}, err
	}
	key := replayKey(m.ID, c.ID, token)
	session := NewToken("pst_")
	var u parley.User
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		// Reads first: a refusal then leaves no trace in the batch.
		if used, err := store.SignInTokenUsed(tx, key); err != nil {
			return err
		} else if used {
			return errReplayed
		}
		in := parley.User{MarketplaceID: m.ID, ExternalID: c.Subject, Email: c.Email, Name: c.Name, Locale: c.Locale}
		existing, err := store.UserByExternalID(tx, m.ID, c.Subject)
		switch {
		case err == nil:
			if in.Email == "" {
				in.Email = existing.Email
			}
			if in.Name == "" {
				in.Name = existing.Name
			}
			// A token without a locale keeps the one the host gave
			// before (its user upsert, an earlier token): it is how
			// Parley speaks to them.
			if in.Locale == "" {
				in.Locale = existing.Locale
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if in.Email != "" {
			if taken, err := store.OtherUserWithEmail(tx, m.ID, in.Email, existing.ID); err != nil {
				return err
			} else if taken {
				return errEmailTaken
			}
		}
		if ok, err := store.UseSignInToken(tx, m.ID, key, c.ExpiresAt.Add(JWTLeeway)); err != nil {
			return err
		} else if !ok {
			return errReplayed
		}
		if u, _, err = store.UpsertUser(tx, in); err != nil {
			return err
		}
		_, err = store.CreateSession(tx, u.ID, HashToken(session), tx.Now().Add(SessionTTL))
		return err
	})
	if err != nil {
		return "", parley.User{}, err
	}
	return session, u, nil
}

// checkClaims applies the host API's rules for a user to a token's claims.
func checkClaims(c HostClaims) error {
	var fields []parley.FieldError
	for _, f := range []*parley.FieldError{
		parley.CheckExternalID("jwt.sub", c.Subject),
		parley.CheckName("jwt.name", c.Name, false),
		parley.CheckEmail("jwt.email", c.Email),
		parley.CheckLocale("jwt.locale", c.Locale),
	} {
		if f != nil {
			fields = append(fields, *f)
		}
	}
	if len(fields) > 0 {
		return parley.Invalid(fields...)
	}
	return nil
}

// replayKey names a sign-in token for the replay check: its marketplace and
// jti, or the whole token when it has no jti (strict base64url decoding
// makes the token's text the only spelling of its signature).
func replayKey(marketplaceID int64, jti, token string) string {
	h := sha256.New()
	h.Write([]byte(strconv.FormatInt(marketplaceID, 10)))
	if jti != "" {
		h.Write([]byte("\x00jti\x00" + jti))
	} else {
		h.Write([]byte("\x00token\x00" + token))
	}
	return hex.EncodeToString(h.Sum(nil))
}
