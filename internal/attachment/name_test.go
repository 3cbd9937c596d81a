package attachment_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/attachment"
)

func TestSanitizeName(t *testing.T) {
	long := strings.Repeat("a", 300)
	longUnicode := strings.Repeat("é", 150) // 300 bytes
	for _, tt := range []struct {
		name, in, want string
	}{
		{"OK", "report.pdf", "report.pdf"},
		{"Unicode", "Überweisung – 東京 📎.pdf", "Überweisung – 東京 📎.pdf"},
		{"UnixPath", "/etc/passwd", "passwd"},
		{"WindowsPath", `C:\Users\me\Desktop\cv.docx`, "cv.docx"},
		{"Traversal", "../../../secret.txt", "secret.txt"},
		{"TrailingSlash", "dir/", "file"},
		{"Empty", "", "file"},
		{"OnlyDots", "...", "file"},
		{"DotDot", "..", "file"},
		{"HiddenFile", ".htaccess", "htaccess"},
		{"TrailingDotsSpaces", "name.txt. . ", "name.txt"},
		{"ControlChars", "a\x00b\x07c\x1b.txt", "abc.txt"},
		{"NewlinesToSpace", "a\r\nb\tc.txt", "a b c.txt"},
		{"SpacesCollapsed", "  a    b  .txt", "a b .txt"},
		{"BidiOverride", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"ZeroWidth", "a\u200Bb\uFEFF.txt", "ab.txt"},
		{"InvalidUTF8", "a\xff\xfeb.txt", "ab.txt"},
		{"WindowsForbidden", `a<b>c:d"e|f?g*h.txt`, "a_b_c_d_e_f_g_h.txt"},
		{"ReservedCON", "con.txt", "_con.txt"},
		{"ReservedCOM1", "COM1", "_COM1"},
		{"ReservedLPT9", "lpt9.tar.gz", "_lpt9.tar.gz"},
		{"NotReserved", "console.txt", "console.txt"},
		{"LongKeepsExtension", long + ".pdf", strings.Repeat("a", attachment.MaxNameBytes-4) + ".pdf"},
		{"LongNoExtension", long, strings.Repeat("a", attachment.MaxNameBytes)},
		{"LongUnicodeNotSplit", longUnicode + ".txt", strings.Repeat("é", (attachment.MaxNameBytes-4)/2) + ".txt"},
		{"LongExtensionDropped", "a." + long, "a." + strings.Repeat("a", attachment.MaxNameBytes-2)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := attachment.SanitizeName(tt.in); got != tt.want {
				t.Errorf("SanitizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzSanitizeName(f *testing.F) {
	for _, s := range []string{"report.pdf", "../../x", `C:\a\b.txt`, "con.txt", "a\u202Eb", ". .", "\xff", strings.Repeat("é", 150) + ".txt", "東京.docx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := attachment.SanitizeName(in)
		if got == "" {
			t.Fatalf("SanitizeName(%q) is empty", in)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("SanitizeName(%q) = %q, not UTF-8", in, got)
		}
		if len(got) > attachment.MaxNameBytes {
			t.Fatalf("SanitizeName(%q) is %d bytes, want at most %d", in, len(got), attachment.MaxNameBytes)
		}
		if strings.ContainsAny(got, `/\<>:"|?*`) {
			t.Fatalf("SanitizeName(%q) = %q, contains a forbidden character", in, got)
		}
		for _, r := range got {
			if r != ' ' && (!unicode.IsGraphic(r) || unicode.IsSpace(r)) {
				t.Fatalf("SanitizeName(%q) = %q, contains %U", in, got, r)
			}
		}
		if strings.HasPrefix(got, ".") || strings.HasPrefix(got, " ") || strings.HasSuffix(got, ".") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("SanitizeName(%q) = %q, has stray dots or spaces", in, got)
		}
		if again := attachment.SanitizeName(got); again != got {
			t.Fatalf("SanitizeName not idempotent: %q -> %q -> %q", in, got, again)
		}
	})
}
