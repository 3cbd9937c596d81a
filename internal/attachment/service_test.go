package attachment_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/attachment"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

const maxTestSize = 64 << 10

func TestService_Upload(t *testing.T) {
	text := "Hello, Parley!\nSecond line.\n"
	tests := []struct {
		name     string
		filename string
		content  func(t *testing.T) []byte
		wantType string // "" when refused
		wantName string
		wantCode string
	}{
		{"PNG", "photo.png", pngBytes, "image/png", "photo.png", ""},
		{"JPEG", "IMG_0001.JPG", jpegBytes, "image/jpeg", "IMG_0001.JPG", ""},
		{"GIF", "anim.gif", gifBytes, "image/gif", "anim.gif", ""},
		{"WebP", "pic.webp", bytesOf(webpBytes()), "image/webp", "pic.webp", ""},
		{"PDF", "invoice.pdf", str(pdfBytes), "application/pdf", "invoice.pdf", ""},
		{"Text", "notes.txt", str(text), "text/plain; charset=utf-8", "notes.txt", ""},
		{"TextCSV", "data.csv", str("a,b\n1,2\n"), "text/plain; charset=utf-8", "data.csv", ""},
		{"TextUTF8BOM", "bom.txt", str("\xEF\xBB\xBFcafé\n"), "text/plain; charset=utf-8", "bom.txt", ""},
		{"TextWithTagsLater", "snippet.txt", str("use <script> with care\n"), "text/plain; charset=utf-8", "snippet.txt", ""},
		{"DOCX", "letter.docx", zipOf(contentTypes("/word/document.xml", docxMain), rels, [2]string{"word/document.xml", "<w:document/>"}),
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "letter.docx", ""},
		{"XLSX", "sheet.xlsx", zipOf(contentTypes("/xl/workbook.xml", xlsxMain), rels, [2]string{"xl/workbook.xml", "<workbook/>"}),
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "sheet.xlsx", ""},
		{"PPTX", "deck.pptx", zipOf(contentTypes("/ppt/presentation.xml", pptxMain), rels, [2]string{"ppt/presentation.xml", "<p/>"}),
			"application/vnd.openxmlformats-officedocument.presentationml.presentation", "deck.pptx", ""},

		{"ExtensionAppendedHTMLName", "page.html", str(text), "text/plain; charset=utf-8", "page.html.txt", ""},
		{"ExtensionAppendedNone", "scan", str(pdfBytes), "application/pdf", "scan.pdf", ""},
		{"ExtensionAppendedWrongImage", "photo.png", jpegBytes, "image/jpeg", "photo.png.jpg", ""},
		{"ExtensionAppendedEmptyName", "", pngBytes, "image/png", "file.png", ""},
		{"NameSanitized", `C:\Users\me\..\Ünïcödé\‮gpj.exe`, pngBytes, "image/png", "gpj.exe.png", ""},

		{"ErrSVG", "logo.svg", str(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", "", parley.EUnsupportedType},
		{"ErrSVGBare", "logo.svg", str(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "", "", parley.EUnsupportedType},
		{"ErrSVGDoctype", "logo.txt", str("\n  <!doctype svg><svg/>"), "", "", parley.EUnsupportedType},
		{"ErrHTML", "page.txt", str("<!DOCTYPE html><html><body>hi</body></html>"), "", "", parley.EUnsupportedType},
		{"ErrHTMLUnknownTag", "page.txt", str("<marquee>hi</marquee>"), "", "", parley.EUnsupportedType},
		{"ErrHTMLBOM", "page.txt", str("\xEF\xBB\xBF <html>"), "", "", parley.EUnsupportedType},
		{"ErrXML", "data.xml", str(`<?xml version="1.0"?><a/>`), "", "", parley.EUnsupportedType},
		{"ErrTextBinaryLater", "notes.txt", str(strings.Repeat("a", 600) + "\x00\x01"), "", "", parley.EUnsupportedType},
		{"ErrUTF16", "notes.txt", str("\xFF\xFEh\x00i\x00"), "", "", parley.EUnsupportedType},
		{"ErrExecutable", "setup.pdf", str("MZ\x90\x00\x03\x00\x00\x00"), "", "", parley.EUnsupportedType},
		{"ErrELF", "a.txt", str("\x7FELF\x02\x01\x01\x00"), "", "", parley.EUnsupportedType},
		{"ErrLegacyDoc", "old.doc", str("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 64)), "", "", parley.EUnsupportedType},
		{"ErrZip", "archive.zip", zipOf([2]string{"readme.txt", "hi"}), "", "", parley.EUnsupportedType},
		{"ErrDOCM", "macro.docx", zipOf(contentTypes("/word/document.xml", docmMain), [2]string{"word/document.xml", "<w/>"}), "", "", parley.EUnsupportedType},
		{"ErrDOCXWithVBA", "macro.docx", zipOf(contentTypes("/word/document.xml", docxMain), [2]string{"word/document.xml", "<w/>"}, [2]string{"word/vbaProject.bin", "x"}), "", "", parley.EUnsupportedType},
		{"ErrDOCXMainPartMissing", "x.docx", zipOf(contentTypes("/word/document.xml", docxMain), rels), "", "", parley.EUnsupportedType},
		{"ErrDOCXMainPartElsewhere", "x.docx", zipOf(contentTypes("/evil/document.xml", docxMain), [2]string{"evil/document.xml", "<w/>"}), "", "", parley.EUnsupportedType},
		{"ErrOOXMLTwoMains", "x.docx", zipOf([2]string{"[Content_Types].xml", `<Types><Override PartName="/word/document.xml" ContentType="` + docxMain + `"/><Override PartName="/xl/workbook.xml" ContentType="` + xlsxMain + `"/></Types>`},
			[2]string{"word/document.xml", "<w/>"}, [2]string{"xl/workbook.xml", "<x/>"}), "", "", parley.EUnsupportedType},
		{"ErrOOXMLBadXML", "x.docx", zipOf([2]string{"[Content_Types].xml", "<Types><Override"}, [2]string{"word/document.xml", "<w/>"}), "", "", parley.EUnsupportedType},
		{"ErrTooLarge", "big.txt", str(strings.Repeat("a", maxTestSize+1)), "", "", parley.ETooLarge},
		{"ErrEmpty", "empty.txt", str(""), "", "", parley.EValidation},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := mustEnv(t, db, attachment.Config{MaxSize: maxTestSize})
		ctx := context.Background()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				content := tt.content(t)
				rows, blobs := e.rowCount(t), e.blobCount(t)
				a, err := e.svc.Upload(ctx, e.market, e.user, tt.filename, bytes.NewReader(content))
				defer e.assertNoTemp(t)
				if tt.wantCode != "" {
					if code := parley.ErrorCode(err); code != tt.wantCode {
						t.Fatalf("Upload error = %v (code %q), want code %q", err, code, tt.wantCode)
					}
					if got := e.rowCount(t); got != rows {
						t.Errorf("rows = %d after refusal, want %d", got, rows)
					}
					if got := e.blobCount(t); got != blobs {
						t.Errorf("blobs = %d after refusal, want %d", got, blobs)
					}
					return
				}
				if err != nil {
					t.Fatalf("Upload = %v", err)
				}
				sum := sha256.Sum256(content)
				want := attachment.Attachment{ID: a.ID, MarketplaceID: e.market, UploaderUserID: e.user,
					Name: tt.wantName, Size: int64(len(content)), ContentType: tt.wantType,
					SHA256: hex.EncodeToString(sum[:]), CreatedAt: a.CreatedAt}
				if a != want {
					t.Errorf("Upload = %+v\nwant     %+v", a, want)
				}
				got, err := e.svc.Get(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got != a {
					t.Errorf("Get = %+v, want %+v", got, a)
				}
				f, err := e.svc.Open(ctx, got)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if body, _ := io.ReadAll(f); !bytes.Equal(body, content) {
					t.Errorf("Open content differs from upload")
				}
			})
		}
	})
}

func TestService_UploadLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := mustEnv(t, db, attachment.Config{MaxSize: 1000})
		if _, err := e.svc.Upload(ctx, e.market, e.user, "a.txt", strings.NewReader(strings.Repeat("a", 1000))); err != nil {
			t.Errorf("Upload(exactly the limit) = %v, want nil", err)
		}
		_, err := e.svc.Upload(ctx, e.market, e.user, "a.txt", strings.NewReader(strings.Repeat("b", 1001)))
		if parley.ErrorCode(err) != parley.ETooLarge {
			t.Errorf("Upload(limit+1) = %v, want too_large", err)
		}
		// A body capped by the HTTP handler counts as too large as well.
		req := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("c", 2000)))
		body := http.MaxBytesReader(httptest.NewRecorder(), req.Body, 500)
		if _, err := e.svc.Upload(ctx, e.market, e.user, "a.txt", body); parley.ErrorCode(err) != parley.ETooLarge {
			t.Errorf("Upload(MaxBytesReader) = %v, want too_large", err)
		}
		if n := e.rowCount(t); n != 1 {
			t.Errorf("rows = %d, want 1", n)
		}
		if n := e.blobCount(t); n != 1 {
			t.Errorf("blobs = %d, want 1", n)
		}
		if got, want := parley.ErrorMessage(err), "1000 bytes"; !strings.Contains(got, want) {
			t.Errorf("message = %q, want it to contain %q", got, want)
		}
		e.assertNoTemp(t)

		if got := attachment.NewService(db, nil, attachment.Config{}).MaxSize(); got != 25<<20 {
			t.Errorf("default MaxSize = %d, want %d", got, 25<<20)
		}
	})
}

func TestService_Dedup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := mustEnv(t, db, attachment.Config{})
		content := pngBytes(t)
		a1, err := e.svc.Upload(ctx, e.market, e.user, "one.png", bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		a2, err := e.svc.Upload(ctx, e.market, e.another, "two.png", bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		if a1.ID == a2.ID {
			t.Errorf("both uploads got id %d, want one row each", a1.ID)
		}
		if a1.SHA256 != a2.SHA256 {
			t.Errorf("hashes %s, %s differ for the same content", a1.SHA256, a2.SHA256)
		}
		if a2.Name != "two.png" || a2.UploaderUserID != e.another {
			t.Errorf("second upload = %+v, want its own name and uploader", a2)
		}
		if n := e.blobCount(t); n != 1 {
			t.Errorf("blobs = %d, want 1", n)
		}
	})
}

func TestService_Get(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := mustEnv(t, db, attachment.Config{})
		_, err := e.svc.Get(context.Background(), 12345)
		var perr *parley.Error
		if !errors.As(err, &perr) || perr.Code != parley.ENotFound {
			t.Errorf("Get(missing) = %v, want not_found", err)
		}
	})
}

func TestService_Attach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := mustEnv(t, db, attachment.Config{})
		mine, err := e.svc.Upload(ctx, e.market, e.user, "mine.txt", strings.NewReader("mine"))
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := e.svc.Upload(ctx, e.market, e.another, "theirs.txt", strings.NewReader("theirs"))
		if err != nil {
			t.Fatal(err)
		}
		var conv, msg int64
		if err := db.Write(ctx, func(tx *store.Tx) error {
			var org int64
			if err := tx.QueryRow(`INSERT INTO organizations (marketplace_id, external_id, name, kind, created_at, updated_at) VALUES (?, 's', 'S', 'seller', 0, 0) RETURNING id`, e.market).Scan(&org); err != nil {
				return err
			}
			if err := tx.QueryRow(`INSERT INTO conversations (marketplace_id, kind, status, buyer_user_id, seller_org_id, last_activity_at, change_seq, created_at, updated_at)
				VALUES (?, 'chat', 'open', ?, ?, 0, 0, 0, 0) RETURNING id`, e.market, e.user, org).Scan(&conv); err != nil {
				return err
			}
			return tx.QueryRow(`INSERT INTO messages (conversation_id, seq, author_user_id, side, kind, body, change_seq, created_at)
				VALUES (?, 1, ?, 'buyer', 'text', '', 0, 0) RETURNING id`, conv, e.user).Scan(&msg)
		}); err != nil {
			t.Fatal(err)
		}
		attach := func(ids ...int64) error {
			return db.Write(ctx, func(tx *store.Tx) error {
				_, err := store.AttachToMessage(tx, e.user, msg, conv, ids)
				return err
			})
		}
		if err := attach(mine.ID, theirs.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("attach another user's upload = %v, want ErrNotFound", err)
		}
		if err := attach(mine.ID); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.Get(ctx, mine.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Attached() || got.MessageID != msg || got.ConversationID != conv {
			t.Errorf("after attach = %+v, want message %d of conversation %d", got, msg, conv)
		}
		if other, _ := e.svc.Get(ctx, theirs.ID); other.Attached() {
			t.Errorf("another user's upload was attached: %+v", other)
		}
	})
}

func str(s string) func(*testing.T) []byte { return func(*testing.T) []byte { return []byte(s) } }

func bytesOf(b []byte) func(*testing.T) []byte { return func(*testing.T) []byte { return b } }

func zipOf(files ...[2]string) func(*testing.T) []byte {
	return func(t *testing.T) []byte { return zipBytes(t, files...) }
}
