package attachment

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
)

// Content types Upload accepts.
const (
	typeText = "text/plain; charset=utf-8"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	typePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

// extensions lists, per accepted type, the file name extensions that fit it;
// the first is appended to a name that has none of them.
var extensions = map[string][]string{
	"image/jpeg":      {".jpg", ".jpeg", ".jpe", ".jfif"},
	"image/png":       {".png"},
	"image/gif":       {".gif"},
	"image/webp":      {".webp"},
	"application/pdf": {".pdf"},
	typeText: {".txt", ".text", ".log", ".md", ".markdown", ".csv", ".tsv",
		".json", ".yaml", ".yml", ".ini", ".cfg", ".conf"},
	typeDOCX: {".docx"},
	typeXLSX: {".xlsx"},
	typePPTX: {".pptx"},
}

// sniffLen is how much of the file http.DetectContentType looks at.
const sniffLen = 512

// detect returns the accepted content type of the file f of the given size,
// or "" if it is not one. allText says whether every byte of the file passed
// textCheck.
func detect(f *os.File, size int64, allText bool) (string, error) {
	head := make([]byte, sniffLen)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return "", err
	}
	head = head[:n]
	switch ct := http.DetectContentType(head); ct {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf":
		return ct, nil
	case typeText:
		if !allText || startsWithMarkup(head) {
			return "", nil
		}
		return ct, nil
	case "application/zip":
		return ooxmlType(f, size), nil
	}
	return "", nil
}

// textCheck is an io.Writer that remembers whether it saw a byte that
// http.DetectContentType considers binary, so that a file is text throughout
// and not only in its first 512 bytes.
type textCheck struct{ binary bool }

func (c *textCheck) Write(p []byte) (int, error) {
	if !c.binary {
		for _, b := range p {
			if b <= 0x08 || b == 0x0B || (0x0E <= b && b <= 0x1A) || (0x1C <= b && b <= 0x1F) {
				c.binary = true
				break
			}
		}
	}
	return len(p), nil
}

// startsWithMarkup reports whether text begins, after a BOM and white space,
// like an HTML, SVG or XML document. http.DetectContentType recognises only
// some HTML tags, so "<svg" or "<!doctype svg" would otherwise pass as text.
func startsWithMarkup(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	head = bytes.TrimLeft(head, " \t\n\r\f")
	if len(head) < 2 || head[0] != '<' {
		return false
	}
	c := head[1]
	return c == '!' || c == '?' || c == '/' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// ooxmlMain maps the content type of an OOXML package's main part to the
// document's content type and the folder the part lives in.
var ooxmlMain = map[string]struct{ contentType, dir string }{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   {typeDOCX, "word/"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         {typeXLSX, "xl/"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": {typePPTX, "ppt/"},
}

// maxContentTypesXML bounds how much of [Content_Types].xml is read: real
// ones are a few kilobytes, and a zip bomb must not get further.
const maxContentTypesXML = 1 << 20

// ooxmlType returns the content type of a macro-free Word, Excel or
// PowerPoint OOXML document, or "" (see doc.go for the rules).
func ooxmlType(f io.ReaderAt, size int64) string {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return ""
	}
	parts := make(map[string]bool, len(zr.File))
	var types *zip.File
	for _, zf := range zr.File {
		parts[zf.Name] = true
		if strings.EqualFold(path.Base(zf.Name), "vbaProject.bin") {
			return ""
		}
		if zf.Name == "[Content_Types].xml" {
			types = zf
		}
	}
	if types == nil {
		return ""
	}
	rc, err := types.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	var doc struct {
		XMLName   xml.Name `xml:"Types"`
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, maxContentTypesXML)).Decode(&doc); err != nil {
		return ""
	}
	found := ""
	for _, o := range doc.Overrides {
		main, ok := ooxmlMain[o.ContentType]
		if !ok {
			continue
		}
		name := strings.TrimPrefix(o.PartName, "/")
		if found != "" || !strings.HasPrefix(name, main.dir) || !parts[name] {
			return ""
		}
		found = main.contentType
	}
	return found
}
