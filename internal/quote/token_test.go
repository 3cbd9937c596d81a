package quote

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley"
)

// respell changes the last character of a base64url part in the bits the
// encoding leaves unused: a lenient decoder reads the same bytes.
func respell(t *testing.T, part string) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, part[len(part)-1])
	other := part[:len(part)-1] + string(alphabet[last^1])
	a, err1 := base64.RawURLEncoding.DecodeString(part)
	b, err2 := base64.RawURLEncoding.DecodeString(other)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		t.Fatalf("%q and %q do not decode to the same bytes leniently", part, other)
	}
	return other
}

// TestParseTokenStrict: a link token has one spelling. The attack run
// changed the MAC's (or the payload's) unused trailing bits and the link
// still opened: a second link for the same quote.
func TestParseTokenStrict(t *testing.T) {
	s := &Service{key: []byte("0123456789abcdef0123456789abcdef")}
	tok := s.Token(Claims{Quote: 1, Version: 2, Buyer: 3, Expires: time.Unix(1700000000, 0)})
	if _, err := s.ParseToken(tok); err != nil {
		t.Fatalf("ParseToken(own token) = %v", err)
	}
	p, m, _ := strings.Cut(tok, ".")
	for name, bad := range map[string]string{
		"ErrMACRespelled":     p + "." + respell(t, m),
		"ErrPayloadRespelled": respell(t, p) + "." + m,
		"ErrPadded":           tok + "=",
	} {
		if _, err := s.ParseToken(bad); parley.ErrorCode(err) != parley.EInvalidSignature {
			t.Errorf("%s: ParseToken(%q) = %v, want invalid_signature", name, bad, err)
		}
	}
}
