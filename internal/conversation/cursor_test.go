package conversation

import (
	"regexp"
	"testing"
)

func TestParseSyncCursor(t *testing.T) {
	tests := []struct {
		in               string
		base, change, id int64
		ok               bool
	}{
		{"0", 0, 0, 0, true},
		{"42", 42, 42, 0, true},
		{"40.42.7", 40, 42, 7, true},
		{"42.40.7", 0, 0, 0, false}, // base after change
		{"40.42.0", 0, 0, 0, false},
		{"-1", 0, 0, 0, false},
		{"1.2", 0, 0, 0, false},
		{"abc", 0, 0, 0, false},
		{"", 0, 0, 0, false},
	}
	for _, tt := range tests {
		b, c, id, ok := parseSyncCursor(tt.in)
		if ok != tt.ok || (ok && (b != tt.base || c != tt.change || id != tt.id)) {
			t.Errorf("parseSyncCursor(%q) = %d %d %d %v, want %d %d %d %v", tt.in, b, c, id, ok, tt.base, tt.change, tt.id, tt.ok)
		}
	}
}

func FuzzParseSyncCursor(f *testing.F) {
	for _, s := range []string{"0", "12", "1.2.3", "x", "9999999999999999999", "+5", "007", "3.3.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, c, id, ok := parseSyncCursor(s)
		if !ok {
			return
		}
		if b < 0 || c < 0 || id < 0 || b > c {
			t.Errorf("parseSyncCursor(%q) = %d %d %d", s, b, c, id)
		}
		// What a cursor says survives formatting it again, and a cursor
		// written without signs or leading zeros is formatted as it was.
		out := formatSyncCursor(b, c, id)
		b2, c2, id2, ok2 := parseSyncCursor(out)
		if !ok2 || b2 != b || c2 != c || id2 != id {
			t.Errorf("parseSyncCursor(%q) = %d %d %d; formatted %q parses as %d %d %d %v", s, b, c, id, out, b2, c2, id2, ok2)
		}
		if canonicalCursor.MatchString(s) && out != s {
			t.Errorf("formatSyncCursor(parseSyncCursor(%q)) = %q", s, out)
		}
	})
}

// canonicalCursor is a sync cursor as formatSyncCursor writes it.
var canonicalCursor = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)\.[1-9][0-9]*)?$`)

func FuzzParseListCursor(f *testing.F) {
	f.Add("1700000000000000.12")
	f.Add(".")
	f.Fuzz(func(t *testing.T, s string) {
		if _, id, ok := parseListCursor(s); ok && id <= 0 {
			t.Errorf("parseListCursor(%q) accepted id %d", s, id)
		}
	})
}

func FuzzMessageInputValidate(f *testing.F) {
	f.Add("c1", "hello", "12")
	f.Add("", "", "x")
	f.Fuzz(func(t *testing.T, clientID, body, att string) {
		in := MessageInput{ClientID: clientID, Body: body, Attachments: []string{att}}
		ids, errs := in.validate("")
		if len(errs) == 0 && (in.ClientID == "" || len([]rune(in.Body)) > 10000) {
			t.Errorf("validate accepted %+v", in)
		}
		for _, id := range ids {
			if id <= 0 {
				t.Errorf("validate returned id %d", id)
			}
		}
	})
}
