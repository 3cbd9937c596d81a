package quote

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
)

// FuzzParseToken: a link token is accepted only as Token writes it (so a
// token has one spelling: no padding, no other base64 bits), and what it
// says is what was signed.
func FuzzParseToken(f *testing.F) {
	s := &Service{key: []byte("0123456789abcdef0123456789abcdef")}
	good := s.Token(Claims{Quote: 12, Version: 3, Buyer: 7, Expires: time.Unix(1900000000, 0)})
	for _, seed := range []string{good, good + "=", good[:len(good)-1], strings.Replace(good, ".", "..", 1), "", ".", "cTE.x", good + "A"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := s.ParseToken(token)
		if err != nil {
			if parley.ErrorCode(err) != parley.EInvalidSignature {
				t.Fatalf("ParseToken(%q) = %v, want invalid_signature", token, err)
			}
			return
		}
		if again := s.Token(c); again != token {
			t.Errorf("ParseToken(%q) accepted a token Token writes as %q", token, again)
		}
	})
}

// answerForm has a field of every type.
var answerForm = []Step{{Title: "All", Fields: []Field{
	{Name: "text", Type: FieldText, Required: true},
	{Name: "area", Type: FieldTextarea},
	{Name: "n", Type: FieldNumber, Min: ptr(1.0), Max: ptr(100.0)},
	{Name: "pick", Type: FieldSelect, Options: []string{"a", "b"}},
	{Name: "day", Type: FieldDate},
	{Name: "yes", Type: FieldBoolean},
}}}

func ptr(f float64) *float64 { return &f }

// FuzzCheckAnswers sends any JSON object as a buyer's answers: they are
// refused as validation_failed or come back holding only the form's fields,
// each of its type and within its limits.
func FuzzCheckAnswers(f *testing.F) {
	for _, s := range []string{`{"text":"hi"}`, `{"text":" ","n":0}`, `{"text":"x","n":1e309}`, `{"text":"x","pick":"c","day":"2025-02-30"}`,
		`{"text":"x","yes":"true","extra":1}`, `{"text":"\u0000","area":"\ud800"}`, `{"text":"x","n":50,"pick":"b","day":"2025-06-30","yes":false}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var answers map[string]any
		if json.Unmarshal([]byte(body), &answers) != nil {
			return
		}
		out, err := CheckAnswers(answerForm, answers)
		if err != nil {
			if parley.ErrorCode(err) != parley.EValidation {
				t.Fatalf("CheckAnswers(%s) = %v, want validation_failed", body, err)
			}
			return
		}
		if _, ok := out["text"]; !ok {
			t.Errorf("CheckAnswers(%s) = %v without the required field", body, out)
		}
		for k, v := range out {
			switch k {
			case "text", "area", "day":
				s, ok := v.(string)
				if !ok || !utf8.ValidString(s) || s != strings.TrimSpace(s) || s == "" || utf8.RuneCountInString(s) > 10000 {
					t.Errorf("CheckAnswers(%s)[%s] = %q", body, k, v)
				}
			case "n":
				if n, ok := v.(float64); !ok || n < 1 || n > 100 {
					t.Errorf("CheckAnswers(%s)[n] = %v", body, v)
				}
			case "pick":
				if v != "a" && v != "b" {
					t.Errorf("CheckAnswers(%s)[pick] = %v", body, v)
				}
			case "yes":
				if _, ok := v.(bool); !ok {
					t.Errorf("CheckAnswers(%s)[yes] = %v", body, v)
				}
			default:
				t.Errorf("CheckAnswers(%s) kept %q, which the form does not ask", body, k)
			}
		}
	})
}
