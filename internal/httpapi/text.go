package httpapi

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
)

// Every text that reaches the store comes through the edge: a JSON body
// (decode), a path segment or a query parameter (checkText, before
// routing), or a form post (the web app's own check, with CleanText).
// PostgreSQL cannot store NUL in text, and invalid UTF-8 is no text at
// all, so both are refused there, on both databases, and never reach a
// query as a 500.

var (
	errBadText = parley.Invalid(parley.FieldError{Field: "body", Message: "must be UTF-8 text without NUL characters"})
	errTooSlow = parley.Errorf(parley.EBadRequest, "The request body came too slowly.")
)

// CleanText reports whether s is valid UTF-8 without NUL characters: text
// Parley stores.
func CleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// textJSON reports whether a JSON body is valid UTF-8 and has no NUL,
// literal or escaped (\u0000) in any string. (encoding/json would replace
// invalid UTF-8 silently, and decodes \u0000 into a NUL.) Every backslash
// of valid JSON starts an escape, so reading escapes left to right tells
// an escaped NUL from an escaped backslash followed by "u0000".
func textJSON(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case 0:
			return false
		case '\\':
			if i+1 < len(b) && b[i+1] == 'u' {
				if i+5 < len(b) && string(b[i+2:i+6]) == "0000" {
					return false
				}
				i += 5
			} else {
				i++
			}
		}
	}
	return true
}

// checkText refuses, before routing, a path that is not clean text (404:
// no id holds a NUL) and a query parameter that is not (422).
func (s *Server) checkText(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !CleanText(r.URL.Path) {
			writeError(w, r, s.Log, parley.Errorf(parley.ENotFound, "No such endpoint."))
			return
		}
		if q := r.URL.RawQuery; q != "" {
			for name, vs := range r.URL.Query() {
				for _, v := range append(vs, name) {
					if !CleanText(v) {
						writeError(w, r, s.Log, parley.Invalid(parley.FieldError{Field: "query", Message: "must be UTF-8 text without NUL characters"}))
						return
					}
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}
