package conversation

import (
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
)

// MessageInput is what a client sends.
type MessageInput struct {
	ClientID    string   `json:"client_id"`
	Body        string   `json:"body"`
	Attachments []string `json:"attachments"`
	PageURL     string   `json:"-"`
	Data        string   `json:"-"`
	// Kind is the message kind (default text); set by features, never by
	// clients.
	Kind string `json:"-"`
}

const maxClientID = 128

// validate trims the body and checks the message; it returns the parsed
// attachment ids.
func (in *MessageInput) validate(prefix string) ([]int64, []parley.FieldError) {
	var errs []parley.FieldError
	in.Body = strings.TrimSpace(in.Body)
	in.ClientID = strings.TrimSpace(in.ClientID)
	if in.ClientID == "" {
		errs = append(errs, parley.FieldError{Field: prefix + "client_id", Message: "is required: a client-generated id that makes retries safe"})
	} else if len(in.ClientID) > maxClientID {
		errs = append(errs, parley.FieldError{Field: prefix + "client_id", Message: "must be at most 128 bytes"})
	}
	n := utf8.RuneCountInString(in.Body)
	if n == 0 && len(in.Attachments) == 0 {
		errs = append(errs, parley.FieldError{Field: prefix + "body", Message: "must not be empty"})
	} else if n > parley.MaxBodyRunes {
		errs = append(errs, parley.FieldError{Field: prefix + "body", Message: "must be at most 10000 characters"})
	}
	if !utf8.ValidString(in.Body) {
		errs = append(errs, parley.FieldError{Field: prefix + "body", Message: "must be valid UTF-8"})
	}
	if len(in.Attachments) > 20 {
		errs = append(errs, parley.FieldError{Field: prefix + "attachments", Message: "at most 20 files per message"})
	}
	var ids []int64
	for _, a := range in.Attachments {
		id, ok := ParseID(a)
		if !ok {
			errs = append(errs, parley.FieldError{Field: prefix + "attachments", Message: "unknown attachment id " + strconvQuote(a)})
			continue
		}
		ids = append(ids, id)
	}
	return ids, errs
}

func strconvQuote(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return "\"" + strings.ReplaceAll(s, "\"", "'") + "\""
}
