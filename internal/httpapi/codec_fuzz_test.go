package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/parleyhq/parley"
)

// FuzzDecode sends any body and content type to the JSON decoder of the
// request handlers: it answers bad_request, too_large or validation_failed,
// or it decoded exactly one JSON value.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"client_id":"a","body":"hi","seq":3}`, `{"seq":"x"}`, `{} {}`, `{`, ``, `null`, `[1]`, "\xff", `{"body":"\u0000"}`, `{"attachments":[1]}`} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte(`{}`), "text/plain")
	f.Add([]byte(`{}`), "application/merge-patch+json; charset=utf-8")
	f.Add([]byte(`{}`), "application/json; =")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		r := httptest.NewRequest("POST", "/api/v1/conversations/1/messages", bytes.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		var in struct {
			ClientID    string   `json:"client_id"`
			Body        string   `json:"body"`
			Seq         int64    `json:"seq"`
			Attachments []string `json:"attachments"`
		}
		err := decode(httptest.NewRecorder(), r, &in)
		if err != nil {
			switch code := parley.ErrorCode(err); code {
			case parley.EBadRequest, parley.ETooLarge, parley.EValidation:
			default:
				t.Fatalf("decode(%q, %q) = %v (code %s)", body, contentType, err, code)
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		var v any
		if dec.Decode(&v) != nil || dec.More() {
			t.Errorf("decode(%q) accepted a body that is not one JSON value", body)
		}
	})
}
