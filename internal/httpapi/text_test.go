package httpapi

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestTextJSON(t *testing.T) {
	cases := []struct {
		name, body string
		ok         bool
	}{
		{"Plain", `{"body":"hello"}`, true},
		{"Unicode", `{"body":"zdravo, 世界 \u00e9"}`, true},
		{"EscapedBackslashThenU0000", `{"body":"a\\u0000b"}`, true},
		{"EscapedQuote", `{"body":"\"\\"}`, true},
		{"EscapedNUL", `{"body":"a\u0000b"}`, false},
		{"EscapedNULAfterBackslash", `{"body":"\\\u0000"}`, false},
		{"EscapedNULInKey", `{"a\u0000":1}`, false},
		{"RawNUL", "{\"body\":\"a\x00b\"}", false},
		{"InvalidUTF8", "{\"body\":\"a\xffb\"}", false},
		{"TruncatedEscape", `{"body":"\u00`, true}, // left to the decoder
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := textJSON([]byte(tc.body)); got != tc.ok {
				t.Errorf("textJSON(%q) = %v, want %v", tc.body, got, tc.ok)
			}
		})
	}
}

func FuzzTextJSON(f *testing.F) {
	f.Add([]byte(`{"a":"b\\u0000"}`))
	f.Add([]byte(`{"a":"\u0000"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !textJSON(b) {
			return
		}
		// What passes decodes to no NUL anywhere.
		var v any
		if err := jsonUnmarshal(b, &v); err == nil && hasNUL(v) {
			t.Fatalf("textJSON passed %q, which decodes to a NUL", b)
		}
	})
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func hasNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.ContainsRune(x, 0)
	case []any:
		for _, e := range x {
			if hasNUL(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if strings.ContainsRune(k, 0) || hasNUL(e) {
				return true
			}
		}
	}
	return false
}
