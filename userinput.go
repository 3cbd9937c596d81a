package parley

import (
	"net/mail"
	"regexp"
	"strings"
)

// The rules for a user as a host gives it, the same whether it comes from
// the host API (PUT /host/users/{id}) or from the claims of a sign-in JWT.
const (
	// MaxNameLength is the longest name of a user or company, in bytes.
	MaxNameLength = 200
	// MaxEmailLength is the longest email address (RFC 5321's path limit).
	MaxEmailLength = 254
)

var (
	externalIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:@\-]{1,128}$`)
	localePattern     = regexp.MustCompile(`^[a-z]{2}(-[A-Za-z]{2,4})?$`)
)

// CheckExternalID validates a host id (a path segment, a body field, a
// JWT's sub): 1-128 letters, digits and . _ : @ -.
func CheckExternalID(field, id string) *FieldError {
	if !externalIDPattern.MatchString(id) {
		return &FieldError{Field: field, Message: "must be 1-128 characters of letters, digits and . _ : @ -"}
	}
	// "." and ".." cannot name a thing in a URL path: RFC 3986 removes
	// such segments.
	if id == "." || id == ".." {
		return &FieldError{Field: field, Message: "must not be \".\" or \"..\""}
	}
	return nil
}

// CheckEmail validates an optional email address: empty, or one bare
// address of at most MaxEmailLength bytes.
func CheckEmail(field, v string) *FieldError {
	if v == "" {
		return nil
	}
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v || len(v) > MaxEmailLength {
		return &FieldError{Field: field, Message: "must be an email address"}
	}
	return nil
}

// CheckName validates a person's or company's name: at most MaxNameLength
// bytes, without NUL; required says whether it may be empty.
func CheckName(field, v string, required bool) *FieldError {
	switch {
	case required && strings.TrimSpace(v) == "":
		return &FieldError{Field: field, Message: "is required"}
	case len(v) > MaxNameLength:
		return &FieldError{Field: field, Message: "is too long"}
	case strings.ContainsRune(v, 0):
		return &FieldError{Field: field, Message: "must not contain NUL"}
	}
	return nil
}

// CheckLocale validates an optional language tag like en or sr-Latn.
func CheckLocale(field, v string) *FieldError {
	if v != "" && !localePattern.MatchString(v) {
		return &FieldError{Field: field, Message: "must be a language tag like en or sr-Latn"}
	}
	return nil
}
