package identity

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const secret = "0123456789abcdef0123456789abcdef-secret"

func TestVerifyHostJWT(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	claims := func(mod func(c jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"sub": "u1", "email": "u1@example.com", "name": "U One", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
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
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(&rsaKey.PublicKey))})

	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"OK", sign(jwt.SigningMethodHS256, []byte(secret), claims(nil)), true},
		{"ErrWrongSecret", sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), claims(nil)), false},
		{"ErrExpired", sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() })), false},
		{"ErrNoExp", sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { delete(c, "exp") })), false},
		{"ErrNoSub", sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { delete(c, "sub") })), false},
		{"ErrIssuedInFuture", sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() })), false},
		{"ErrNone", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)), false},
		{"ErrHS512", sign(jwt.SigningMethodHS512, []byte(secret), claims(nil)), false},
		{"ErrRS256", sign(jwt.SigningMethodRS256, rsaKey, claims(nil)), false},
		// Key confusion: an HS256 token "signed" with the RSA public key as
		// the HMAC secret must not pass either.
		{"ErrKeyConfusion", sign(jwt.SigningMethodHS256, pubPEM, claims(nil)), false},
		{"ErrGarbage", "not.a.jwt", false},
		{"ErrEmpty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := VerifyHostJWT(tt.token, secret, now)
			if (err == nil) != tt.ok {
				t.Fatalf("VerifyHostJWT error = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && (c.Subject != "u1" || c.Email != "u1@example.com") {
				t.Errorf("claims = %+v", c)
			}
		})
	}
	if _, err := VerifyHostJWT(sign(jwt.SigningMethodHS256, []byte(""), claims(nil)), "", now); err == nil {
		t.Error("a marketplace without an SSO secret accepted a JWT")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func FuzzVerifyHostJWT(f *testing.F) {
	tok, _ := SignHostJWT(secret, "u", "u@x", "U", time.Now(), time.Hour)
	f.Add(tok)
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := VerifyHostJWT(s, secret, time.Now())
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
