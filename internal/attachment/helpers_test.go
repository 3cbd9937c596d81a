package attachment_test

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/internal/attachment"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/store"
)

// env is a Service over a fresh database with one marketplace and two users.
type env struct {
	svc           *attachment.Service
	db            *store.DB
	blobDir       string
	tempDir       string
	market        int64
	user, another int64
}

func mustEnv(t *testing.T, db *store.DB, cfg attachment.Config) *env {
	t.Helper()
	e := &env{db: db, blobDir: filepath.Join(t.TempDir(), "blobs"), tempDir: t.TempDir()}
	disk, err := blob.NewDisk(e.blobDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TempDir = e.tempDir
	e.svc = attachment.NewService(db, disk, cfg)
	err = db.Write(context.Background(), func(tx *store.Tx) error {
		if err := tx.QueryRow(`INSERT INTO marketplaces (slug, name, created_at) VALUES ('m', 'M', 0) RETURNING id`).Scan(&e.market); err != nil {
			return err
		}
		if err := tx.QueryRow(`INSERT INTO users (marketplace_id, external_id, created_at, updated_at) VALUES (?, 'u1', 0, 0) RETURNING id`, e.market).Scan(&e.user); err != nil {
			return err
		}
		return tx.QueryRow(`INSERT INTO users (marketplace_id, external_id, created_at, updated_at) VALUES (?, 'u2', 0, 0) RETURNING id`, e.market).Scan(&e.another)
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// blobCount counts the files under the blob directory.
func (e *env) blobCount(t *testing.T) int {
	t.Helper()
	n := 0
	filepath.WalkDir(e.blobDir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func (e *env) rowCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.Reader(context.Background()).QueryRow(`SELECT COUNT(*) FROM attachments`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// assertNoTemp fails if an upload left its temporary file behind.
func (e *env) assertNoTemp(t *testing.T) {
	t.Helper()
	if ents, _ := os.ReadDir(e.tempDir); len(ents) != 0 {
		t.Errorf("temporary files left behind: %d", len(ents))
	}
}

func testImage() image.Image {
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	img.SetColorIndex(1, 1, 1)
	return img
}

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpBytes is a minimal lossless WebP: RIFF header, VP8L chunk.
func webpBytes() []byte {
	vp8l := []byte{0x2f, 0x00, 0x00, 0x00, 0x00, 0x88, 0x88, 0x08, 0x08, 0x00, 0x00, 0x00}
	var b bytes.Buffer
	b.WriteString("RIFF")
	b.Write(le32(4 + 8 + len(vp8l)))
	b.WriteString("WEBPVP8L")
	b.Write(le32(len(vp8l)))
	b.Write(vp8l)
	return b.Bytes()
}

func le32(n int) []byte { return []byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)} }

const pdfBytes = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// zipBytes builds a zip of the given files, in order.
func zipBytes(t *testing.T, files ...[2]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// contentTypes is an OOXML [Content_Types].xml declaring part as mainType.
func contentTypes(part, mainType string) [2]string {
	return [2]string{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="` + part + `" ContentType="` + mainType + `"/>
</Types>`}
}

var rels = [2]string{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`}

const (
	docxMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	xlsxMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	pptxMain = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
	docmMain = "application/vnd.ms-word.document.macroEnabled.main+xml"
)
