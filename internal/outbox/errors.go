package outbox

import "errors"

// Permanent marks a handler's error as one that no retry can fix (a
// malformed payload, an address that does not exist): the job fails at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, came from
// Permanent or says so itself with a Permanent() bool method (as a mail the
// relay refused does, without this package knowing mail).
func IsPermanent(err error) bool {
	var p *permanentError
	if errors.As(err, &p) {
		return true
	}
	var s interface{ Permanent() bool }
	return errors.As(err, &s) && s.Permanent()
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
