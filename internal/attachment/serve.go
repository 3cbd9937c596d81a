package attachment

import (
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Serve writes the attachment's content body as the answer to r, with
// headers that keep a browser from running it: the sniffed Content-Type and
// nosniff, Content-Disposition attachment (inline only for the image types)
// with the name in both an ASCII fallback and RFC 6266 filename*, and a CSP
// that sandboxes the document should it be opened anyway. Responses are
// privately cacheable for good: an attachment never changes, and its hash is
// the ETag. Ranges and conditional requests are handled by http.ServeContent.
// Access must have been checked before.
func Serve(w http.ResponseWriter, r *http.Request, a Attachment, body io.ReadSeeker) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	disposition := "attachment"
	if a.Inline() {
		disposition = "inline"
	}
	h.Set("Content-Disposition", ContentDisposition(disposition, a.Name))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("ETag", `"`+a.SHA256+`"`)
	http.ServeContent(w, r, "", a.CreatedAt, body)
}

// ContentDisposition returns a Content-Disposition value of the given type
// ("inline" or "attachment") naming the file name: filename="…" with an
// ASCII rendering for old clients, and filename*=UTF-8”… (RFC 6266, RFC
// 8187) with the exact name when it is not plain ASCII.
func ContentDisposition(disposition, name string) string {
	fallback := asciiName(name)
	v := mime.FormatMediaType(disposition, map[string]string{"filename": fallback})
	if v == "" {
		v = disposition
	}
	if fallback != name {
		v += "; filename*=UTF-8''" + encodeExtValue(name)
	}
	return v
}

// asciiName replaces everything but printable ASCII, and the quote and
// backslash that a quoted string would have to escape, with "_".
func asciiName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7E || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, strings.ToValidUTF8(name, "_"))
}

// encodeExtValue percent-encodes s as the value-chars of an RFC 8187
// ext-value: attr-chars stay, every other byte of its UTF-8 becomes %XX.
func encodeExtValue(s string) string {
	const hex = "0123456789ABCDEF"
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "_")
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// isAttrChar reports whether c is an RFC 8187 attr-char.
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
