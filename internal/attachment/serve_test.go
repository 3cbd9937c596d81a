package attachment_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/attachment"
)

func TestServe(t *testing.T) {
	const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	body := "0123456789"
	for _, tt := range []struct {
		name            string
		contentType     string
		fileName        string
		wantDisposition string
	}{
		{"PNGInline", "image/png", "photo.png", "inline; filename=photo.png"},
		{"JPEGInline", "image/jpeg", "a b.jpg", `inline; filename="a b.jpg"`},
		{"GIFInline", "image/gif", "x.gif", "inline; filename=x.gif"},
		{"WebPInline", "image/webp", "x.webp", "inline; filename=x.webp"},
		{"PDFAttachment", "application/pdf", "invoice.pdf", "attachment; filename=invoice.pdf"},
		{"TextAttachment", "text/plain; charset=utf-8", "notes.txt", "attachment; filename=notes.txt"},
		{"DOCXAttachment", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "cv.docx", "attachment; filename=cv.docx"},
		{"UnicodeName", "application/pdf", "Überweisung 東京.pdf",
			`attachment; filename="_berweisung __.pdf"; filename*=UTF-8''%C3%9Cberweisung%20%E6%9D%B1%E4%BA%AC.pdf`},
		{"QuotesAndSemicolons", "application/pdf", `a";b=c.pdf`, `attachment; filename="a_;b=c.pdf"; filename*=UTF-8''a%22%3Bb%3Dc.pdf`},
		{"HeaderInjection", "application/pdf", "a\r\nSet-Cookie: x.pdf", `attachment; filename="a__Set-Cookie: x.pdf"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x.pdf`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := attachment.Attachment{ID: 1, Name: tt.fileName, Size: int64(len(body)), ContentType: tt.contentType,
				SHA256: hash, CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
			w := httptest.NewRecorder()
			attachment.Serve(w, httptest.NewRequest("GET", "/api/v1/attachments/1", nil), a, strings.NewReader(body))
			if w.Code != http.StatusOK {
				t.Fatalf("Status = %d, want %d", w.Code, http.StatusOK)
			}
			for h, want := range map[string]string{
				"Content-Type":            tt.contentType,
				"X-Content-Type-Options":  "nosniff",
				"Content-Disposition":     tt.wantDisposition,
				"Content-Security-Policy": "default-src 'none'; sandbox",
				"Cache-Control":           "private, max-age=31536000, immutable",
				"ETag":                    `"` + hash + `"`,
				"Content-Length":          "10",
				"Accept-Ranges":           "bytes",
				"Last-Modified":           "Thu, 02 Jan 2025 03:04:05 GMT",
			} {
				if got := w.Header().Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			if w.Body.String() != body {
				t.Errorf("Body = %q, want %q", w.Body.String(), body)
			}
		})
	}
}

func TestServe_Conditional(t *testing.T) {
	const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	a := attachment.Attachment{ID: 1, Name: "notes.txt", Size: 10, ContentType: "text/plain; charset=utf-8", SHA256: hash}
	for _, tt := range []struct {
		name       string
		method     string
		header     [2]string
		wantStatus int
		wantBody   string
	}{
		{"Range", "GET", [2]string{"Range", "bytes=2-4"}, http.StatusPartialContent, "234"},
		{"RangeUnsatisfiable", "GET", [2]string{"Range", "bytes=20-30"}, http.StatusRequestedRangeNotSatisfiable, ""},
		{"IfNoneMatch", "GET", [2]string{"If-None-Match", `"` + hash + `"`}, http.StatusNotModified, ""},
		{"IfNoneMatchOther", "GET", [2]string{"If-None-Match", `"other"`}, http.StatusOK, "0123456789"},
		{"Head", "HEAD", [2]string{}, http.StatusOK, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/api/v1/attachments/1", nil)
			if tt.header[0] != "" {
				r.Header.Set(tt.header[0], tt.header[1])
			}
			w := httptest.NewRecorder()
			attachment.Serve(w, r, a, strings.NewReader("0123456789"))
			if w.Code != tt.wantStatus {
				t.Errorf("Status = %d, want %d", w.Code, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusRequestedRangeNotSatisfiable && w.Body.String() != tt.wantBody {
				t.Errorf("Body = %q, want %q", w.Body.String(), tt.wantBody)
			}
			if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
		})
	}
}
