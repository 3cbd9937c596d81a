package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/blob"
)

func key(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func MustOpenDisk(tb testing.TB) (*blob.Disk, string) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "blobs")
	d, err := blob.NewDisk(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return d, dir
}

func TestDisk_PutOpen(t *testing.T) {
	ctx := context.Background()
	d, dir := MustOpenDisk(t)
	content := []byte("hello, parley")
	k := key(content)

	if ok, err := d.Exists(ctx, k); err != nil || ok {
		t.Fatalf("Exists before Put = %v, %v, want false, nil", ok, err)
	}
	if err := d.Put(ctx, k, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Exists(ctx, k); err != nil || !ok {
		t.Fatalf("Exists after Put = %v, %v, want true, nil", ok, err)
	}
	want := filepath.Join(dir, k[0:2], k[2:4], k)
	if _, err := os.Stat(want); err != nil {
		t.Errorf("blob not at sharded path %s: %v", want, err)
	}

	f, err := d.Open(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(7, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "parley" {
		t.Errorf("read after seek = %q, want %q", got, "parley")
	}

	// A second Put of the same key is a no-op and does not read r.
	if err := d.Put(ctx, k, errReader{}); err != nil {
		t.Errorf("second Put = %v, want nil", err)
	}
	assertNoTemp(t, dir)
}

func TestDisk_Errors(t *testing.T) {
	ctx := context.Background()
	d, dir := MustOpenDisk(t)
	valid := key([]byte("x"))
	for _, tt := range []struct {
		name string
		key  string
		body io.Reader
		want error
	}{
		{"ErrInvalidKeyEmpty", "", strings.NewReader("x"), blob.ErrInvalidKey},
		{"ErrInvalidKeyTraversal", "../../etc/passwd", strings.NewReader("x"), blob.ErrInvalidKey},
		{"ErrInvalidKeyUppercase", strings.ToUpper(valid), strings.NewReader("x"), blob.ErrInvalidKey},
		{"ErrInvalidKeyShort", valid[:63], strings.NewReader("x"), blob.ErrInvalidKey},
		{"ErrInvalidKeyNonHex", "g" + valid[1:], strings.NewReader("x"), blob.ErrInvalidKey},
		{"ErrHashMismatch", valid, strings.NewReader("not x"), blob.ErrHashMismatch},
		{"ReaderError", valid, errReader{}, errBoom},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := d.Put(ctx, tt.key, tt.body); !errors.Is(err, tt.want) {
				t.Errorf("Put = %v, want %v", err, tt.want)
			}
			if tt.want == blob.ErrInvalidKey {
				if _, err := d.Open(ctx, tt.key); !errors.Is(err, blob.ErrInvalidKey) {
					t.Errorf("Open = %v, want ErrInvalidKey", err)
				}
				if _, err := d.Exists(ctx, tt.key); !errors.Is(err, blob.ErrInvalidKey) {
					t.Errorf("Exists = %v, want ErrInvalidKey", err)
				}
			}
		})
	}
	if ok, _ := d.Exists(ctx, valid); ok {
		t.Error("a failed Put left a blob behind")
	}
	if _, err := d.Open(ctx, valid); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open(missing) = %v, want ErrNotFound", err)
	}
	assertNoTemp(t, dir)
}

func TestDisk_PutCanceled(t *testing.T) {
	d, dir := MustOpenDisk(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	content := []byte("x")
	if err := d.Put(ctx, key(content), bytes.NewReader(content)); !errors.Is(err, context.Canceled) {
		t.Errorf("Put = %v, want context.Canceled", err)
	}
	assertNoTemp(t, dir)
}

func TestDisk_ConcurrentPut(t *testing.T) {
	d, dir := MustOpenDisk(t)
	concurrentPut(t, d)
	assertNoTemp(t, dir)
}

// concurrentPut stores one blob from several goroutines at once: each Put
// succeeds and the blob reads back whole.
func concurrentPut(t *testing.T, s blob.Store) {
	t.Helper()
	ctx := context.Background()
	content := bytes.Repeat([]byte("abc"), 500000)
	k := key(content)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if err := s.Put(ctx, k, bytes.NewReader(content)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	f, err := s.Open(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := io.ReadAll(f)
	if !bytes.Equal(got, content) {
		t.Errorf("content after concurrent Put differs (%d bytes, want %d)", len(got), len(content))
	}
}

func TestValidKey(t *testing.T) {
	for _, tt := range []struct {
		key  string
		want bool
	}{
		{key(nil), true},
		{strings.Repeat("0", 64), true},
		{strings.Repeat("0", 65), false},
		{strings.Repeat("A", 64), false},
		{strings.Repeat("/", 64), false},
		{"", false},
	} {
		if got := blob.ValidKey(tt.key); got != tt.want {
			t.Errorf("ValidKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

var errBoom = errors.New("boom")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

// assertNoTemp fails if a temporary file was left anywhere under dir.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
}
