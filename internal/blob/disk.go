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
)

var _ Store = (*Disk)(nil)

// Disk is a Store in a local directory.
type Disk struct {
	dir string
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
	if _, err := os.Stat(file); err == nil {
		return nil
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
	// Rename over an existing blob is fine: a concurrent Put of the same key
	// wrote the same bytes.
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	done = true
	return syncDir(dir)
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
