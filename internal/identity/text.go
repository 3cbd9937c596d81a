package identity

import (
	"strings"
	"unicode/utf8"
)

// cleanClaims reports whether the sign-in claims that Parley stores are
// UTF-8 text without NUL (the JWT's JSON may carry \u0000, which
// PostgreSQL cannot store).
func cleanClaims(c HostClaims) bool {
	for _, v := range []string{c.Subject, c.Email, c.Name, c.Locale} {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return false
		}
	}
	return true
}
