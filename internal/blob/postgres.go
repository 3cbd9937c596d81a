package blob

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
)

var _ Store = (*Postgres)(nil)

// chunkSize is the size of a blob's rows in blob_chunks: reading a file
// holds one chunk in memory, whatever the file's size.
const chunkSize = 1 << 20

// Postgres is a Store in the database's blobs and blob_chunks tables, so
// that every node of a cluster serves what any node stored. A blob's row in
// blobs is written with its last chunk, in one transaction: a blob either
// exists whole or not at all.
type Postgres struct {
	db *sql.DB
}

// NewPostgres returns a Store on db, a PostgreSQL pool whose schema has the
// blob tables (store migrations).
func NewPostgres(db *sql.DB) *Postgres { return &Postgres{db: db} }

// Put implements Store.
func (p *Postgres) Put(ctx context.Context, key string, r io.Reader) error {
	if !ValidKey(key) {
		return ErrInvalidKey
	}
	if ok, err := p.Exists(ctx, key); err != nil || ok {
		return err
	}
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	defer tx.Rollback()
	h := sha256.New()
	buf := make([]byte, chunkSize)
	var size int64
	for n := 0; ; n++ {
		k, rerr := io.ReadFull(ctxReader{ctx, r}, buf)
		if k > 0 {
			h.Write(buf[:k])
			size += int64(k)
			// A concurrent Put of the same key writes the same bytes.
			if _, err := tx.ExecContext(ctx, `INSERT INTO blob_chunks (key, n, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, key, n, buf[:k]); err != nil {
				return fmt.Errorf("blob: write %s: %w", key, err)
			}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		} else if rerr != nil {
			return fmt.Errorf("blob: write %s: %w", key, rerr)
		}
	}
	if hex.EncodeToString(h.Sum(nil)) != key {
		return ErrHashMismatch
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (key, size, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		key, size, time.Now().UnixMicro()); err != nil {
		return fmt.Errorf("blob: write %s: %w", key, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("blob: commit %s: %w", key, err)
	}
	return nil
}

// Open implements Store. The reader fetches one chunk at a time.
func (p *Postgres) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	if !ValidKey(key) {
		return nil, ErrInvalidKey
	}
	var size int64
	err := p.db.QueryRowContext(ctx, `SELECT size FROM blobs WHERE key = $1`, key).Scan(&size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &chunkReader{ctx: ctx, db: p.db, key: key, size: size, chunk: -1}, nil
}

// Exists implements Store.
func (p *Postgres) Exists(ctx context.Context, key string) (bool, error) {
	if !ValidKey(key) {
		return false, ErrInvalidKey
	}
	var one int
	err := p.db.QueryRowContext(ctx, `SELECT 1 FROM blobs WHERE key = $1`, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("blob: %w", err)
	}
	return true, nil
}

// chunkReader reads a blob from its chunks, seeking by chunk.
type chunkReader struct {
	ctx   context.Context
	db    *sql.DB
	key   string
	size  int64
	pos   int64
	chunk int64  // the chunk in data, -1 for none
	data  []byte // its bytes
}

func (c *chunkReader) Read(b []byte) (int, error) {
	if c.pos >= c.size {
		return 0, io.EOF
	}
	n := c.pos / chunkSize
	if n != c.chunk {
		c.data = c.data[:0]
		if err := c.db.QueryRowContext(c.ctx, `SELECT data FROM blob_chunks WHERE key = $1 AND n = $2`, c.key, n).Scan(&c.data); err != nil {
			return 0, fmt.Errorf("blob: read %s chunk %d: %w", c.key, n, err)
		}
		c.chunk = n
	}
	off := c.pos - n*chunkSize
	if off >= int64(len(c.data)) {
		return 0, fmt.Errorf("blob: %s chunk %d is short", c.key, n)
	}
	k := copy(b, c.data[off:])
	c.pos += int64(k)
	return k, nil
}

func (c *chunkReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += c.pos
	case io.SeekEnd:
		offset += c.size
	default:
		return 0, errors.New("blob: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("blob: negative position")
	}
	c.pos = offset
	return offset, nil
}

func (c *chunkReader) Close() error {
	c.data = nil
	return nil
}
