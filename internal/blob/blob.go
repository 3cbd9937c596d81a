package blob

import (
	"context"
	"errors"
	"io"
)

// Store holds content-addressed blobs. Implementations are safe for
// concurrent use; putting a key that already exists is a no-op.
type Store interface {
	// Put stores the content of r under key, the lowercase hex SHA-256 of
	// that content. It fails with ErrHashMismatch when the content does not
	// hash to key, and stores nothing then.
	Put(ctx context.Context, key string, r io.Reader) error
	// Open returns the blob for reading, or ErrNotFound.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	// Exists reports whether the blob is stored.
	Exists(ctx context.Context, key string) (bool, error)
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
