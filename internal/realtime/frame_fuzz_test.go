package realtime

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzDecodeClientFrame reads any bytes as a client's WebSocket frame: it
// is refused, or it is a small JSON object with a type whose fields say
// what the bytes say.
func FuzzDecodeClientFrame(f *testing.F) {
	for _, s := range []string{`{"type":"ping"}`, `{"type":"delivered","conversation":"12","seq":3}`, `{"type":"typing","conversation":"x"}`,
		`{}`, `null`, `[]`, `{"type":1}`, `{"type":"presence","status":"away","extra":{}}`, `{"seq":1e400}`, "\xff", strings.Repeat(" ", 5000) + `{"type":"ping"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, ok := decodeClientFrame(data)
		if !ok {
			return
		}
		if len(data) > maxClientFrame || fr.Type == "" {
			t.Fatalf("decodeClientFrame(%q) = %+v", data, fr)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("decodeClientFrame(%q) accepted what is no JSON object: %v", data, err)
		}
		again, ok := decodeClientFrame(mustJSON(t, clientFrame{Type: fr.Type, Conversation: fr.Conversation, Seq: fr.Seq, Status: fr.Status}))
		if !ok || again.Type != fr.Type || again.Conversation != fr.Conversation || again.Seq != fr.Seq || again.Status != fr.Status {
			t.Errorf("decodeClientFrame(%q) = %+v, re-encoded %+v", data, fr, again)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzOriginAllowed sends any Origin to a socket opened with the session
// cookie: it is allowed only when it is an origin (scheme and host, nothing
// else) of Parley's own host or one of the allowed origins.
func FuzzOriginAllowed(f *testing.F) {
	for _, s := range []string{"http://parley.test", "https://shop.example", "https://shop.example/", "http://evil.example@parley.test",
		"http://parley.test/path", "null", "", "http://PARLEY.test", "https://shop.example.evil", "//parley.test", "http://parley.test:80"} {
		f.Add(s)
	}
	h := &Hub{AllowedOrigins: []string{"https://shop.example/"}}
	f.Fuzz(func(t *testing.T, origin string) {
		r := httptest.NewRequest("GET", "http://parley.test/api/v1/ws", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if !h.originAllowed(r) {
			return
		}
		u, err := url.Parse(origin)
		if err != nil || u.Scheme == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
			t.Fatalf("origin %q allowed: not an origin", origin)
		}
		if !strings.EqualFold(u.Host, "parley.test") && !strings.EqualFold(u.Scheme+"://"+u.Host, "https://shop.example") {
			t.Errorf("origin %q allowed: neither Parley's host nor an allowed origin", origin)
		}
	})
}
