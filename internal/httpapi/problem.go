package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley"
)

// statusOf maps error codes to HTTP statuses.
var statusOf = map[string]int{
	parley.EBadRequest:       http.StatusBadRequest,
	parley.EUnauthorized:     http.StatusUnauthorized,
	parley.EForbidden:        http.StatusForbidden,
	parley.ENotFound:         http.StatusNotFound,
	parley.EConflict:         http.StatusConflict,
	parley.EExpired:          http.StatusGone,
	parley.ETooLarge:         http.StatusRequestEntityTooLarge,
	parley.EUnsupportedType:  http.StatusUnsupportedMediaType,
	parley.EValidation:       http.StatusUnprocessableEntity,
	parley.EBlocked:          http.StatusForbidden,
	parley.EChatDisabled:     http.StatusForbidden,
	parley.EInvalidSignature: http.StatusBadRequest,
	parley.ERateLimited:      http.StatusTooManyRequests,
	parley.EInternal:         http.StatusInternalServerError,
}

// Problem is an RFC 9457 problem document with Parley's stable code.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail"`
	Code   string              `json:"code"`
	Errors []parley.FieldError `json:"errors,omitempty"`
}

// writeError answers with the problem document for err. Internal errors
// are logged and shown only as "Internal error.".
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code := parley.ErrorCode(err)
	if code == parley.EInternal {
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := statusOf[code]
	p := Problem{Type: "https://parley.dev/problems/" + code, Title: http.StatusText(status), Status: status,
		Detail: parley.ErrorMessage(err), Code: code}
	var e *parley.Error
	if errors.As(err, &e) {
		p.Errors = e.Fields
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}
