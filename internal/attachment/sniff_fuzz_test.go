package attachment

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"
	"testing"
)

// ooxmlSeed is a zip with the given [Content_Types].xml and parts.
func ooxmlSeed(types string, parts ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(types))
	for _, p := range parts {
		w, _ := zw.Create(p)
		w.Write([]byte("<x/>"))
	}
	zw.Close()
	return buf.Bytes()
}

// FuzzOOXMLType reads any bytes as an OOXML package: the answer is one of
// the three document types or "", never a document with macros or without
// its main part, and reading it never panics.
func FuzzOOXMLType(f *testing.F) {
	docx := `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	f.Add(ooxmlSeed(docx, "word/document.xml"))
	f.Add(ooxmlSeed(docx, "word/document.xml", "word/vbaProject.bin"))
	f.Add(ooxmlSeed(docx))
	f.Add(ooxmlSeed(`<Types><Override PartName="/xl/w.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`, "xl/w.xml"))
	f.Add(ooxmlSeed(`<!DOCTYPE x [<!ENTITY a "aaaa">]><Types>&a;</Types>`))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := ooxmlType(bytes.NewReader(data), int64(len(data)))
		switch got {
		case "":
			return
		case typeDOCX, typeXLSX, typePPTX:
		default:
			t.Fatalf("ooxmlType = %q", got)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("ooxmlType = %q for bytes that are no zip: %v", got, err)
		}
		for _, zf := range zr.File {
			if strings.EqualFold(path.Base(zf.Name), "vbaProject.bin") {
				t.Errorf("ooxmlType = %q for a package with macros", got)
			}
		}
	})
}
