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
// exists whole or not at all. The row's touched_at is the put time; Put's
// refresh and Delete's check are statements on that row, so its lock orders
// them.
type Postgres struct {
	// Now is the clock of put times; nil means time.Now.
	Now func() time.Time

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
	// A Delete that removed the row first makes this touch nothing (it
	// waits for that Delete to commit), and the blob is written again; a
	// Delete after it sees the new time.
	res, err := p.db.ExecContext(ctx, `UPDATE blobs SET touched_at = GREATEST(touched_at, $2) WHERE key = $1`,
		key, clock(p.Now).UnixMicro())
	if err != nil {
		return fmt.Errorf("blob: touch %s: %w", key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("blob: touch %s: %w", key, err)
	} else if n == 1 {
		return nil
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
	now := clock(p.Now).UnixMicro()
	if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (key, size, created_at, touched_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (key) DO UPDATE SET touched_at = GREATEST(blobs.touched_at, excluded.touched_at)`,
		key, size, now); err != nil {
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

// Delete implements Store. The row and the chunks go in one transaction. A
// Put writing the blob anew inserts its chunks after this commits: its
// touch found no row only once this Delete had committed, and an insert
// that meets a chunk this transaction is deleting waits for it.
func (p *Postgres) Delete(ctx context.Context, key string, putBefore time.Time) (bool, error) {
	if !ValidKey(key) {
		return false, ErrInvalidKey
	}
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("blob: %w", err)
	}
	defer tx.Rollback()
	// In READ COMMITTED a DELETE that waited for a concurrent touch checks
	// touched_at again on the touched row, and keeps it.
	res, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE key = $1 AND touched_at < $2`, key, putBefore.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("blob: delete %s: %w", key, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM blob_chunks WHERE key = $1`, key); err != nil {
		return false, fmt.Errorf("blob: delete %s: %w", key, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("blob: commit delete %s: %w", key, err)
	}
	return true, nil
}

// keysPage bounds the keys Keys reads at once; fn runs between pages, with
// no query open.
const keysPage = 1000

// Keys implements Store, by the index on (touched_at, key).
func (p *Postgres) Keys(ctx context.Context, from, to time.Time, fn func(key string) error) error {
	afterT, afterKey := from.UnixMicro(), ""
	for {
		rows, err := p.db.QueryContext(ctx, `SELECT key, touched_at FROM blobs
			WHERE (touched_at, key) > ($1, $2) AND touched_at < $3
			ORDER BY touched_at, key LIMIT $4`, afterT, afterKey, to.UnixMicro(), keysPage)
		if err != nil {
			return fmt.Errorf("blob: keys: %w", err)
		}
		var keys []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k, &afterT); err != nil {
				rows.Close()
				return fmt.Errorf("blob: keys: %w", err)
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("blob: keys: %w", err)
		}
		for _, k := range keys {
			if err := fn(k); err != nil {
				return err
			}
		}
		if len(keys) < keysPage {
			return nil
		}
		afterKey = keys[len(keys)-1]
	}
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
