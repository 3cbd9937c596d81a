package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/webhook"
)

var signatureForm = regexp.MustCompile(`^t=(-?[0-9]+),v1=([0-9a-f]{64})$`)

// FuzzSign checks the Parley-Signature header for any secret, time and
// body: one well-formed value, whose MAC is the HMAC-SHA256 of "<t>.<body>"
// and changes when the body does.
func FuzzSign(f *testing.F) {
	f.Add("whsec_1", int64(1700000000), []byte(`{"type":"quote.accepted"}`))
	f.Add("", int64(0), []byte{})
	f.Add("s\x00", int64(-1), []byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, secret string, unix int64, body []byte) {
		sig := webhook.Sign(secret, time.Unix(unix, 0), body)
		m := signatureForm.FindStringSubmatch(sig)
		if m == nil {
			t.Fatalf("Sign = %q: not t=<unix>,v1=<64 hex>", sig)
		}
		if m[1] != strconv.FormatInt(unix, 10) {
			t.Errorf("Sign t = %s, want %d", m[1], unix)
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(m[1] + "."))
		mac.Write(body)
		if m[2] != hex.EncodeToString(mac.Sum(nil)) {
			t.Errorf("Sign v1 = %s, not the HMAC of t.body", m[2])
		}
		if other := webhook.Sign(secret, time.Unix(unix, 0), append([]byte("x"), body...)); other == sig {
			t.Errorf("Sign gives %q for two bodies", sig)
		}
	})
}
