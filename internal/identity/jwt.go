package identity

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The sign-in policy's fixed limits (docs/security.md, "Sign-in tokens").
const (
	// DefaultJWTMaxLifetime is the longest exp - iat a sign-in JWT may have
	// when JWTPolicy.MaxLifetime is 0.
	DefaultJWTMaxLifetime = 10 * time.Minute
	// JWTLeeway is the clock skew allowed between the host and Parley on
	// exp, iat and nbf.
	JWTLeeway = 30 * time.Second
	// MaxJWTLength bounds a sign-in JWT, in bytes.
	MaxJWTLength = 8192
	// MaxJTILength bounds a sign-in JWT's jti, in bytes.
	MaxJTILength = 255
)

// HostClaims are the claims a host's sign-in JWT carries.
type HostClaims struct {
	Email  string `json:"email"`
	Name   string `json:"name"`
	Locale string `json:"locale,omitempty"`
	jwt.RegisteredClaims
}

// UnmarshalJSON decodes the claims, refusing times that are not JSON
// numbers: RFC 7519 makes exp, iat and nbf NumericDates, and the library
// would also take a number in a string ("exp": "253402300799").
func (c *HostClaims) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for _, k := range []string{"exp", "iat", "nbf"} {
		if v, ok := raw[k]; ok && !isJSONNumber(v) {
			return &JWTError{Reason: k + " must be a number (seconds since 1970)"}
		}
	}
	type plain HostClaims // without this method
	return json.Unmarshal(b, (*plain)(c))
}

func isJSONNumber(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9'))
}

// JWTPolicy is what a sign-in JWT must meet besides its signature.
type JWTPolicy struct {
	// MaxLifetime is the longest exp - iat (0: DefaultJWTMaxLifetime).
	MaxLifetime time.Duration
	// Issuer, when set, is the iss the JWT must carry.
	Issuer string
	// Audience, when set, is a value the JWT's aud must hold.
	Audience string
}

// ErrBadJWT is any refused JWT; errors.Is(err, ErrBadJWT) holds for every
// *JWTError.
var ErrBadJWT = errors.New("identity: invalid sign-in token")

// JWTError is a refused sign-in JWT. Reason says why, in words safe to show
// to the caller: it names the rule the token broke, never the secret nor
// what a valid signature would have been.
type JWTError struct{ Reason string }

func (e *JWTError) Error() string        { return "identity: invalid sign-in token: " + e.Reason }
func (e *JWTError) Is(target error) bool { return target == ErrBadJWT }

func badJWT(format string, args ...any) *JWTError {
	return &JWTError{Reason: fmt.Sprintf(format, args...)}
}

// VerifyHostJWT checks a host sign-in JWT against the marketplace's HS256
// secret and the policy, and returns its claims. It follows RFC 8725: only
// HS256 is accepted (§3.1: "none" and asymmetric algorithms, which an
// attacker could use for key confusion, are refused before any key is
// used); the base64url parts must be canonical (a signature with other
// trailing bits would be a second token with the same meaning, escaping the
// replay check); a crit header is refused (Parley understands no
// extension, RFC 7515 §4.1.11); exp and iat are required numbers, and the
// lifetime they give is capped; iss and aud are checked when the
// marketplace expects them (§3.8, §3.9). Whether the token was used before
// is the caller's check (Service.SSO).
func VerifyHostJWT(token, secret string, pol JWTPolicy, now time.Time) (HostClaims, error) {
	var c HostClaims
	if secret == "" {
		return c, badJWT("this marketplace does not accept sign-in tokens (it has no SSO secret)")
	}
	if len(token) > MaxJWTLength {
		return c, badJWT("the token is longer than %d bytes", MaxJWTLength)
	}
	maxLife := pol.MaxLifetime
	if maxLife <= 0 {
		maxLife = DefaultJWTMaxLifetime
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithStrictDecoding(),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(JWTLeeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
	}
	if pol.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(pol.Issuer))
	}
	if pol.Audience != "" {
		opts = append(opts, jwt.WithAudience(pol.Audience))
	}
	_, err := jwt.NewParser(opts...).ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		if t.Method != jwt.SigningMethodHS256 {
			return nil, badJWT("only HS256 is accepted")
		}
		if _, ok := t.Header["crit"]; ok {
			return nil, badJWT("a crit header is not accepted")
		}
		return []byte(secret), nil
	})
	if err != nil {
		return HostClaims{}, jwtReason(err, c, pol)
	}
	switch {
	case c.IssuedAt == nil:
		return HostClaims{}, badJWT("iat is required")
	case c.ExpiresAt.Sub(c.IssuedAt.Time) > maxLife:
		return HostClaims{}, badJWT("exp is more than %s after iat", maxLife)
	case c.Subject == "":
		return HostClaims{}, badJWT("sub is required")
	case len(c.ID) > MaxJTILength:
		return HostClaims{}, badJWT("jti is longer than %d bytes", MaxJTILength)
	}
	return c, nil
}

// jwtReason turns the library's error into a JWTError saying which rule
// the token broke. Claims are only judged once the signature held, so a
// forged token learns nothing about them.
func jwtReason(err error, c HostClaims, pol JWTPolicy) *JWTError {
	var je *JWTError
	missing := "exp is required"
	switch {
	case c.ExpiresAt == nil:
	case pol.Issuer != "" && c.Issuer == "":
		missing = "iss is required by this marketplace"
	case pol.Audience != "" && len(c.Audience) == 0:
		missing = "aud is required by this marketplace"
	}
	reasons := []struct {
		err    error
		reason string
	}{
		{jwt.ErrTokenMalformed, "the token is not a well-formed JWT (three canonical base64url parts without padding, JSON header and claims)"},
		{jwt.ErrTokenSignatureInvalid, "the signature is not HS256 by this marketplace's SSO secret"},
		{jwt.ErrTokenRequiredClaimMissing, missing},
		{jwt.ErrTokenExpired, "the token has expired"},
		{jwt.ErrTokenUsedBeforeIssued, "iat is in the future"},
		{jwt.ErrTokenNotValidYet, "nbf is in the future"},
		{jwt.ErrTokenInvalidIssuer, "iss is not the issuer this marketplace expects"},
		{jwt.ErrTokenInvalidAudience, "aud does not name the audience this marketplace expects"},
	}
	if errors.As(err, &je) {
		return je
	}
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return badJWT("%s", r.reason)
		}
	}
	return badJWT("the token is not valid")
}

// SignHostJWT makes a sign-in JWT the way a host should: HS256, with iat,
// exp ttl later and a random jti, so that every sign-in has a token of its
// own. Used by the load generator and by tests.
func SignHostJWT(secret, sub, email, name string, now time.Time, ttl time.Duration) (string, error) {
	c := HostClaims{Email: email, Name: name, RegisteredClaims: jwt.RegisteredClaims{
		Subject:   sub,
		ID:        NewJTI(),
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
}

// NewJTI returns a random JWT id (128 bits, hex).
func NewJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
