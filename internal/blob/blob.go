package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// Store holds content-addressed blobs. Implementations are safe for
// concurrent use.
//
// Every blob records when it was last put. Put of a key that exists
// refreshes that time (without reading r), and Delete only removes a blob
// not put since a given time; the two are atomic with respect to each
// other. This is what lets a clean-up delete unreferenced blobs while
// uploads of the same content keep coming (see package attachment).
type Store interface {
	// Put stores the content of r under key, the lowercase hex SHA-256 of
	// that content, and records now as the blob's put time. If the blob
	// exists, Put only refreshes its put time and does not read r. It
	// fails with ErrHashMismatch when the content does not hash to key, and
	// stores nothing then. Once Put returns, the blob exists until a Delete
	// with a putBefore later than this put time.
	Put(ctx context.Context, key string, r io.Reader) error
	// Open returns the blob for reading, or ErrNotFound.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	// Exists reports whether the blob is stored.
	Exists(ctx context.Context, key string) (bool, error)
	// Delete removes the blob if it was last put before putBefore and
	// reports whether it did; a missing blob is (false, nil). A concurrent
	// Put of the key either refreshes the blob first (and Delete keeps it)
	// or finds it gone and writes it again.
	Delete(ctx context.Context, key string, putBefore time.Time) (bool, error)
	// Keys calls fn with the key of every blob last put at or after from and
	// before to, in no particular order, and stops at fn's first error.
	// fn may use the store.
	Keys(ctx context.Context, from, to time.Time, fn func(key string) error) error
}

// Errors returned by every Store.
var (
	ErrNotFound     = errors.New("blob: not found")
	ErrInvalidKey   = errors.New("blob: key is not a lowercase hex SHA-256")
	ErrHashMismatch = errors.New("blob: content does not match its key")
)

// ValidKey reports whether key is 64 lowercase hex digits. Keys become file
// paths (and object names later), so anything else is refused before it gets
// near a file system.
func ValidKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// clock returns now, or time.Now when now is nil.
func clock(now func() time.Time) time.Time {
	if now == nil {
		return time.Now()
	}
	return now()
}

// ctxReader stops a long copy once its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
