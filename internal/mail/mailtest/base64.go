package mailtest

import (
	"encoding/base64"
	"io"
)

// base64Reader decodes a base64 body, whose lines are wrapped.
func base64Reader(r io.Reader) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, newlineFilter{r})
}

// newlineFilter drops CR and LF bytes.
type newlineFilter struct{ r io.Reader }

func (f newlineFilter) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	j := 0
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' {
			p[j] = b
			j++
		}
	}
	return j, err
}
