package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func mustOpenPostgres(t *testing.T) *blob.Postgres {
	t.Helper()
	db := storetest.Open(t, store.Postgres)
	return blob.NewPostgres(db.Pool())
}

// TestPostgres_PutOpen stores a blob of several chunks and reads it whole
// and from positions around the chunk boundaries.
func TestPostgres_PutOpen(t *testing.T) {
	ctx := context.Background()
	p := mustOpenPostgres(t)
	content := make([]byte, 2<<20+12345) // two full chunks and a part
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range content {
		content[i] = byte(rng.IntN(256))
	}
	k := key(content)
	if ok, err := p.Exists(ctx, k); err != nil || ok {
		t.Fatalf("Exists before Put = %v, %v, want false, nil", ok, err)
	}
	if err := p.Put(ctx, k, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if ok, err := p.Exists(ctx, k); err != nil || !ok {
		t.Fatalf("Exists after Put = %v, %v, want true, nil", ok, err)
	}
	f, err := p.Open(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("ReadAll = %d bytes, %v; want the %d bytes stored", len(got), err, len(content))
	}
	for _, tt := range []struct {
		name   string
		offset int64
		whence int
		want   int64 // position
	}{
		{"Start", 0, io.SeekStart, 0},
		{"LastOfFirstChunk", 1<<20 - 1, io.SeekStart, 1<<20 - 1},
		{"SecondChunk", 1 << 20, io.SeekStart, 1 << 20},
		{"FromEnd", -10, io.SeekEnd, int64(len(content)) - 10},
		{"Current", -5, io.SeekCurrent, int64(len(content)) - 15},
	} {
		pos, err := f.Seek(tt.offset, tt.whence)
		if err != nil || pos != tt.want {
			t.Fatalf("%s: Seek = %d, %v, want %d", tt.name, pos, err, tt.want)
		}
		buf := make([]byte, 7)
		n, err := io.ReadFull(f, buf)
		if want := content[pos:min(pos+7, int64(len(content)))]; err != nil && !errors.Is(err, io.ErrUnexpectedEOF) || !bytes.Equal(buf[:n], want) {
			t.Errorf("%s: read %x, %v, want %x", tt.name, buf[:n], err, want)
		}
		if tt.name == "FromEnd" { // leave the position where Current expects it
			f.Seek(int64(len(content))-10, io.SeekStart)
		}
	}
	// A second Put of the same key is a no-op and does not read r.
	if err := p.Put(ctx, k, errReader{}); err != nil {
		t.Errorf("second Put = %v, want nil", err)
	}
}

func TestPostgres_Errors(t *testing.T) {
	ctx := context.Background()
	p := mustOpenPostgres(t)
	other := key([]byte("other"))
	if err := p.Put(ctx, other, bytes.NewReader([]byte("not other"))); !errors.Is(err, blob.ErrHashMismatch) {
		t.Errorf("Put with a wrong key = %v, want ErrHashMismatch", err)
	}
	if ok, _ := p.Exists(ctx, other); ok {
		t.Error("a blob that failed its hash exists")
	}
	if _, err := p.Open(ctx, other); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open of a missing blob = %v, want ErrNotFound", err)
	}
	for _, k := range []string{"", "../../etc/passwd", "ABC"} {
		if err := p.Put(ctx, k, bytes.NewReader(nil)); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", k, err)
		}
		if _, err := p.Open(ctx, k); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", k, err)
		}
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	content := []byte("x")
	if err := p.Put(canceled, key(content), bytes.NewReader(content)); err == nil {
		t.Error("Put with a canceled context = nil, want an error")
	}
	if ok, _ := p.Exists(ctx, key(content)); ok {
		t.Error("a canceled Put left a blob")
	}
}

func TestPostgres_ConcurrentPut(t *testing.T) {
	concurrentPut(t, mustOpenPostgres(t))
}
