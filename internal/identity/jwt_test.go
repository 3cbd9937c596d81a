package identity

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const secret = "0123456789abcdef0123456789abcdef-secret"

func TestVerifyHostJWT(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	claims := func(mod func(c jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"sub": "u1", "email": "u1@example.com", "name": "U One", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": "j1"}
		if mod != nil {
			mod(c)
		}
		return c
	}
	sign := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	signHeader := func(header map[string]any, c jwt.MapClaims) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
		for k, v := range header {
			tok.Header[k] = v
		}
		s, err := tok.SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(&rsaKey.PublicKey))})
	valid := sign(jwt.SigningMethodHS256, []byte(secret), claims(nil))
	hs := []byte(secret)
	withIss := JWTPolicy{Issuer: "https://shop.example", Audience: "parley"}

	tests := []struct {
		name   string
		token  string
		policy JWTPolicy
		reason string // a part of the refusal's reason; "" means accepted
	}{
		{"OK", valid, JWTPolicy{}, ""},
		{"OKNoJTI", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { delete(c, "jti") })), JWTPolicy{}, ""},
		{"OKLifetimeAtCap", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(10 * time.Minute).Unix() })), JWTPolicy{}, ""},
		{"ErrWrongSecret", sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), claims(nil)), JWTPolicy{}, "signature"},
		{"ErrExpired", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() })), JWTPolicy{}, "expired"},
		{"ErrNoExp", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { delete(c, "exp") })), JWTPolicy{}, "exp is required"},
		{"ErrNoSub", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { delete(c, "sub") })), JWTPolicy{}, "sub is required"},
		{"ErrIssuedInFuture", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() })), JWTPolicy{}, "iat is in the future"},
		// RFC 8725 §3.10 and the attack run: exp in year 9999 was accepted.
		{"ErrExpYear9999", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["exp"] = int64(253402300799) })), JWTPolicy{}, "more than 10m0s after iat"},
		{"ErrLifetimeOverCap", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(10*time.Minute + time.Second).Unix() })), JWTPolicy{}, "after iat"},
		{"ErrLifetimeOverSetting", valid, JWTPolicy{MaxLifetime: time.Minute}, "more than 1m0s after iat"},
		{"ErrNoIat", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { delete(c, "iat") })), JWTPolicy{}, "iat is required"},
		// exp as a string: the library's NumericDate takes "253402300799".
		{"ErrExpString", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["exp"] = strconv.FormatInt(now.Add(time.Minute).Unix(), 10) })), JWTPolicy{}, "exp must be a number"},
		{"ErrIatString", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["iat"] = strconv.FormatInt(now.Unix(), 10) })), JWTPolicy{}, "iat must be a number"},
		{"ErrNbfString", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["nbf"] = "0" })), JWTPolicy{}, "nbf must be a number"},
		{"ErrCrit", signHeader(map[string]any{"crit": []string{"exp"}}, claims(nil)), JWTPolicy{}, "crit"},
		{"ErrCritEmpty", signHeader(map[string]any{"crit": []string{}}, claims(nil)), JWTPolicy{}, "crit"},
		// The signature's last character carries 2 unused bits: another
		// value of them decodes to the same signature unless decoding is
		// strict, which made a second token (a second replay key).
		{"ErrNonCanonicalSignature", nonCanonical(t, valid), JWTPolicy{}, "well-formed"},
		{"ErrPaddedSignature", valid + "=", JWTPolicy{}, "well-formed"},
		{"ErrJTITooLong", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["jti"] = strings.Repeat("j", MaxJTILength+1) })), JWTPolicy{}, "jti is longer"},
		{"ErrTooLong", valid + strings.Repeat("A", MaxJWTLength), JWTPolicy{}, "longer than"},
		{"OKIssuerAudience", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["iss"] = "https://shop.example"; c["aud"] = []string{"parley", "other"} })), withIss, ""},
		{"ErrIssuerMissing", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["aud"] = "parley" })), withIss, "iss"},
		{"ErrIssuerWrong", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.example"; c["aud"] = "parley" })), withIss, "iss"},
		{"ErrAudienceMissing", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["iss"] = "https://shop.example" })), withIss, "aud"},
		{"ErrAudienceWrong", sign(jwt.SigningMethodHS256, hs, claims(func(c jwt.MapClaims) { c["iss"] = "https://shop.example"; c["aud"] = "another-service" })), withIss, "aud"},
		{"ErrNone", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)), JWTPolicy{}, ""},
		{"ErrHS512", sign(jwt.SigningMethodHS512, hs, claims(nil)), JWTPolicy{}, ""},
		{"ErrRS256", sign(jwt.SigningMethodRS256, rsaKey, claims(nil)), JWTPolicy{}, ""},
		// Key confusion: an HS256 token "signed" with the RSA public key as
		// the HMAC secret must not pass either.
		{"ErrKeyConfusion", sign(jwt.SigningMethodHS256, pubPEM, claims(nil)), JWTPolicy{}, "signature"},
		{"ErrGarbage", "not.a.jwt", JWTPolicy{}, "well-formed"},
		{"ErrEmpty", "", JWTPolicy{}, "well-formed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := VerifyHostJWT(tt.token, secret, tt.policy, now)
			wantOK := strings.HasPrefix(tt.name, "OK")
			if (err == nil) != wantOK {
				t.Fatalf("VerifyHostJWT error = %v, want ok=%v", err, wantOK)
			}
			if wantOK {
				if c.Subject != "u1" || c.Email != "u1@example.com" {
					t.Errorf("claims = %+v", c)
				}
				return
			}
			if !errors.Is(err, ErrBadJWT) {
				t.Errorf("error %v is not ErrBadJWT", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error = %q, want the reason %q", err, tt.reason)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
	if _, err := VerifyHostJWT(sign(jwt.SigningMethodHS256, []byte(""), claims(nil)), "", JWTPolicy{}, now); err == nil {
		t.Error("a marketplace without an SSO secret accepted a JWT")
	}
}

// nonCanonical returns the token with its signature's last character
// changed in the bits base64 does not use: the same signature bytes for a
// lenient decoder.
func nonCanonical(t *testing.T, token string) string {
	t.Helper()
	i := strings.LastIndexByte(token, '.')
	sig := token[i+1:]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, sig[len(sig)-1])
	other := sig[:len(sig)-1] + string(alphabet[last^1])
	a, err1 := base64.RawURLEncoding.DecodeString(sig)
	b, err2 := base64.RawURLEncoding.DecodeString(other)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		t.Fatalf("the changed signature does not decode to the same bytes leniently: %v %v", err1, err2)
	}
	return token[:i+1] + other
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func FuzzVerifyHostJWT(f *testing.F) {
	tok, _ := SignHostJWT(secret, "u", "u@x", "U", time.Now(), 5*time.Minute)
	f.Add(tok)
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := VerifyHostJWT(s, secret, JWTPolicy{}, time.Now())
		if err == nil && c.Subject == "" {
			t.Errorf("accepted a token without subject: %q", s)
		}
	})
}

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := CheckPassword(h, "correct horse battery"); !ok || err != nil {
		t.Errorf("CheckPassword(right) = %v, %v", ok, err)
	}
	if ok, _ := CheckPassword(h, "wrong"); ok {
		t.Error("CheckPassword(wrong) = true")
	}
	if _, err := CheckPassword("$argon2id$garbage", "x"); err == nil {
		t.Error("malformed hash accepted")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
}
