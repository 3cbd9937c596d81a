package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

var _ Store = (*Disk)(nil)

// Disk is a Store in a local directory. A blob's put time is its file's
// modification time. The directory belongs to one process (as the SQLite
// database next to it does): Put and Delete exclude each other with a mutex.
type Disk struct {
	// Now is the clock of put times; nil means time.Now.
	Now func() time.Time

	dir string
	// mu makes each change of a key's file atomic with respect to the
	// others: Put's refresh of the modification time, Put's rename of a new
	// file into place, and Delete's check of the time and unlink. Without
	// it a Delete could check an old time, a Put refresh it, and the Delete
	// unlink the file that the Put just promised.
	mu sync.Mutex
}

// NewDisk returns a Disk storing blobs under dir, which is created if needed.
func NewDisk(dir string) (*Disk, error) {
	if dir == "" {
		return nil, errors.New("blob: empty directory")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &Disk{dir: abs}, nil
}

// path returns the shard directory and the file path of key.
func (d *Disk) path(key string) (dir, file string, err error) {
	if !ValidKey(key) {
		return "", "", ErrInvalidKey
	}
	dir = filepath.Join(d.dir, key[0:2], key[2:4])
	return dir, filepath.Join(dir, key), nil
}

// Put implements Store.
func (d *Disk) Put(ctx context.Context, key string, r io.Reader) error {
	dir, file, err := d.path(key)
	if err != nil {
		return err
	}
	now := clock(d.Now)
	d.mu.Lock()
	err = os.Chtimes(file, now, now)
	d.mu.Unlock()
	if err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: touch %s: %w", key, err)
	}
	if err := d.mkdirs(key); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), ctxReader{ctx, r}); err != nil {
		return fmt.Errorf("blob: write %s: %w", key, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != key {
		return ErrHashMismatch
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("blob: sync %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("blob: close %s: %w", key, err)
	}
	now = clock(d.Now)
	if err := os.Chtimes(tmp.Name(), now, now); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	// Rename over an existing blob is fine: a concurrent Put of the same key
	// wrote the same bytes.
	d.mu.Lock()
	err = os.Rename(tmp.Name(), file)
	d.mu.Unlock()
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	done = true
	return syncDir(dir)
}

// Delete implements Store. The shard directories stay: a concurrent Put may
// be writing its temporary file in them.
func (d *Disk) Delete(ctx context.Context, key string, putBefore time.Time) (bool, error) {
	dir, file, err := d.path(key)
	if err != nil {
		return false, err
	}
	if ok, err := d.remove(key, file, putBefore); !ok || err != nil {
		return false, err
	}
	// Durable, so that a crash cannot bring back a file that no later
	// clean-up would look at again.
	return true, syncDir(dir)
}

// remove unlinks file if it was last put before putBefore, under d.mu.
func (d *Disk) remove(key, file string, putBefore time.Time) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fi, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("blob: %w", err)
	}
	if !fi.ModTime().Before(putBefore) {
		return false, nil
	}
	if err := os.Remove(file); err != nil {
		return false, fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return true, nil
}

// Keys implements Store. It walks the whole directory, reading each blob's
// modification time.
func (d *Disk) Keys(ctx context.Context, from, to time.Time, fn func(key string) error) error {
	return filepath.WalkDir(d.dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // deleted while walking
				return nil
			}
			return fmt.Errorf("blob: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() || !ValidKey(e.Name()) {
			return nil // shards, and temporary files of Puts under way
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		} else if err != nil {
			return fmt.Errorf("blob: %w", err)
		}
		if t := fi.ModTime(); !t.Before(from) && t.Before(to) {
			return fn(e.Name())
		}
		return nil
	})
}

// mkdirs creates the two shard directories of key, syncing each parent whose
// entries changed so that a new blob's path survives a crash.
func (d *Disk) mkdirs(key string) error {
	parent := d.dir
	for _, part := range []string{key[0:2], key[2:4]} {
		next := filepath.Join(parent, part)
		err := os.Mkdir(next, 0o750)
		if err == nil {
			if err := syncDir(parent); err != nil {
				return err
			}
		} else if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("blob: %w", err)
		}
		parent = next
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("blob: sync %s: %w", dir, err)
	}
	return nil
}

// Open implements Store.
func (d *Disk) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	_, file, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return f, nil
}

// Exists implements Store.
func (d *Disk) Exists(ctx context.Context, key string) (bool, error) {
	_, file, err := d.path(key)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("blob: %w", err)
	}
	return true, nil
}
