package parley

import (
	"errors"
	"fmt"
	"time"
)

// Error codes are stable: clients switch on them, so they never change once
// published (docs/api.md lists them with their HTTP status).
const (
	EBadRequest       = "bad_request"
	EUnauthorized     = "unauthorized"
	EForbidden        = "forbidden"
	ENotFound         = "not_found"
	EConflict         = "conflict"
	EExpired          = "expired"
	ETooLarge         = "too_large"
	EUnsupportedType  = "unsupported_type"
	EValidation       = "validation_failed"
	EBlocked          = "blocked"
	EChatDisabled     = "chat_disabled"
	EInvalidSignature = "invalid_signature"
	ERateLimited      = "rate_limited"
	EInternal         = "internal"
)

// FieldError names one invalid field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an application error whose Message is safe to show to the caller.
// Anything that is not an *Error is internal and is never shown.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// RetryAfter, when set, tells the caller when to try again (the
	// Retry-After header of a rate_limited answer).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	return fmt.Sprintf("parley error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an application error with a formatted, showable message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a validation error for the given field errors.
func Invalid(fields ...FieldError) *Error {
	msg := "the request has invalid fields"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: EValidation, Message: msg, Fields: fields}
}

// ErrorCode returns the code of an application error, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the showable message of an application error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// NotFound is the answer for anything missing or not the caller's to see.
func NotFound(what string) *Error {
	return Errorf(ENotFound, "%s not found", what)
}
