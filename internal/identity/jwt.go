package identity

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// HostClaims are the claims a host's sign-in JWT carries.
type HostClaims struct {
	Email  string `json:"email"`
	Name   string `json:"name"`
	Locale string `json:"locale,omitempty"`
	jwt.RegisteredClaims
}

// ErrBadJWT is any refused JWT: the caller answers 401 without details.
var ErrBadJWT = errors.New("identity: invalid sign-in token")

// VerifyHostJWT checks a host sign-in JWT against the marketplace's HS256
// secret and returns its claims. Only HS256 is accepted (RFC 8725 §3.1):
// "none" and asymmetric algorithms, which an attacker could use for key
// confusion, are refused before any key is used.
func VerifyHostJWT(token, secret string, now time.Time) (HostClaims, error) {
	var c HostClaims
	if secret == "" || len(token) > 8192 {
		return c, ErrBadJWT
	}
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	_, err := p.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		if t.Method != jwt.SigningMethodHS256 {
			return nil, ErrBadJWT
		}
		return []byte(secret), nil
	})
	if err != nil || c.Subject == "" {
		return HostClaims{}, ErrBadJWT
	}
	return c, nil
}

// SignHostJWT makes a sign-in JWT the way a host does; used by the demo
// marketplace and by tests.
func SignHostJWT(secret, sub, email, name string, now time.Time, ttl time.Duration) (string, error) {
	c := HostClaims{Email: email, Name: name, RegisteredClaims: jwt.RegisteredClaims{
		Subject:   sub,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
}
