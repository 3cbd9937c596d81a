package attachment_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/attachment"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// accepted maps the types Upload accepts to the name extensions it gives.
var accepted = map[string][]string{
	"image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"}, "image/png": {".png"}, "image/gif": {".gif"}, "image/webp": {".webp"},
	"application/pdf":           {".pdf"},
	"text/plain; charset=utf-8": {".txt", ".text", ".log", ".md", ".markdown", ".csv", ".tsv", ".json", ".yaml", ".yml", ".ini", ".cfg", ".conf"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {".xlsx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
}

// FuzzUpload uploads any name and bytes to a real service (SQLite, disk
// blobs): the file is refused with a stable code, or stored as one of the
// accepted types under a name with that type's extension, and reads back
// as sent. Markup (HTML, SVG, XML) never passes as text.
func FuzzUpload(f *testing.F) {
	ctx := context.Background()
	db := storetest.Open(f, store.SQLite)
	disk, err := blob.NewDisk(filepath.Join(f.TempDir(), "blobs"))
	if err != nil {
		f.Fatal(err)
	}
	svc := attachment.NewService(db, disk, attachment.Config{MaxSize: 64 << 10, TempDir: f.TempDir()})
	var market, user int64
	if err := db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(`INSERT INTO marketplaces (slug, name, created_at) VALUES ('m', 'M', 0) RETURNING id`).Scan(&market); err != nil {
			return err
		}
		return tx.QueryRow(`INSERT INTO users (marketplace_id, external_id, created_at, updated_at) VALUES (?, 'u1', 0, 0) RETURNING id`, market).Scan(&user)
	}); err != nil {
		f.Fatal(err)
	}
	f.Add("notes.txt", []byte("plain words\n"))
	f.Add("x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	f.Add("x.txt", []byte("\xEF\xBB\xBF  <?xml version=\"1.0\"?><a/>"))
	var png1 bytes.Buffer
	png.Encode(&png1, image.NewGray(image.Rect(0, 0, 2, 2)))
	f.Add("a.png", png1.Bytes())
	f.Add("..\x00/evil.exe", []byte("%PDF-1.4\n"))
	f.Add("", []byte("GIF89a"))
	f.Add("doc.docx", []byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		a, err := svc.Upload(ctx, market, user, name, bytes.NewReader(data))
		if err != nil {
			switch code := parley.ErrorCode(err); code {
			case parley.ETooLarge, parley.EUnsupportedType, parley.EValidation:
			default:
				t.Fatalf("Upload(%q, %d bytes) = %v (code %s)", name, len(data), err, code)
			}
			return
		}
		exts, ok := accepted[a.ContentType]
		if !ok {
			t.Fatalf("Upload(%q) stored type %q, which is not accepted", name, a.ContentType)
		}
		if !slices.ContainsFunc(exts, func(e string) bool { return strings.HasSuffix(strings.ToLower(a.Name), e) }) {
			t.Errorf("Upload(%q) as %s named %q: not one of %v", name, a.ContentType, a.Name, exts)
		}
		if strings.HasPrefix(a.ContentType, "text/") {
			trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\n\r\f")
			if len(trimmed) > 1 && trimmed[0] == '<' {
				t.Errorf("Upload accepted markup %q as text", data)
			}
		}
		rc, err := svc.Open(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		if got, _ := io.ReadAll(rc); !bytes.Equal(got, data) {
			t.Errorf("Upload(%q) reads back %d bytes, sent %d", name, len(got), len(data))
		}
	})
}
