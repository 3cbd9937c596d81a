package shop

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func header(secret string, ts time.Time, body string) string {
	return fmt.Sprintf("t=%d,v1=%s", ts.Unix(), hex.EncodeToString(Sign(secret, ts.Unix(), []byte(body))))
}

func TestVerifySignature(t *testing.T) {
	const secret = "whsec_test_secret"
	body := `{"id":"evt_1","type":"quote.accepted","data":{}}`
	good := header(secret, testNow.Add(-time.Minute), body)
	tests := []struct {
		name   string
		secret string
		header string
		body   string
		want   error
	}{
		{"OK", secret, good, body, nil},
		{"OKWithRotatedSecondSignature", secret, "t=" + fmt.Sprint(testNow.Unix()) + ",v1=00ff," + strings.SplitN(header(secret, testNow, body), ",", 2)[1], body, nil},
		{"ErrTamperedBody", secret, good, strings.Replace(body, "evt_1", "evt_2", 1), errBadSignature},
		{"ErrOtherSecret", "whsec_other", good, body, errBadSignature},
		{"ErrTimestampChanged", secret, strings.Replace(good, fmt.Sprint(testNow.Add(-time.Minute).Unix()), fmt.Sprint(testNow.Unix()), 1), body, errBadSignature},
		{"ErrStale", secret, header(secret, testNow.Add(-6*time.Minute), body), body, errStaleSignature},
		{"ErrFromTheFuture", secret, header(secret, testNow.Add(6*time.Minute), body), body, errStaleSignature},
		{"ErrMissing", secret, "", body, errNoSignature},
		{"ErrNoV1", secret, fmt.Sprintf("t=%d", testNow.Unix()), body, errNoSignature},
		{"ErrBadTime", secret, "t=soon,v1=abcd", body, errNoSignature},
		{"ErrNoSecret", "", good, body, errNoSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifySignature(tt.secret, tt.header, []byte(tt.body), testNow); got != tt.want {
				t.Errorf("VerifySignature = %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzVerifySignature(f *testing.F) {
	f.Add("t=1,v1=00", []byte("{}"))
	f.Add(header("s", testNow, "x"), []byte("x"))
	f.Fuzz(func(t *testing.T, h string, body []byte) {
		if VerifySignature("whsec_fuzz", h, body, testNow) == nil {
			// Only a real signature of this body passes.
			want := header("whsec_fuzz", testNow, string(body))
			if !strings.Contains(h, strings.SplitN(want, ",", 2)[1][3:]) {
				t.Fatalf("forged header %q accepted", h)
			}
		}
	})
}
