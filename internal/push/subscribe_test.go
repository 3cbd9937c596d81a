package push

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"strings"
	"testing"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/safehttp"
	"github.com/parleyhq/parley/internal/store"
)

func input(endpoint, p256dh, auth string) SubscriptionInput {
	var in SubscriptionInput
	in.Endpoint, in.Keys.P256dh, in.Keys.Auth = endpoint, p256dh, auth
	return in
}

func TestValidate(t *testing.T) {
	priv, _ := ecdh.P256().GenerateKey(rand.Reader)
	pub := priv.PublicKey().Bytes()
	key := base64.RawURLEncoding.EncodeToString(pub)
	auth := base64.RawURLEncoding.EncodeToString(make([]byte, 16))
	notOnCurve := append([]byte{4}, make([]byte, 64)...)
	tests := []struct {
		name  string
		in    SubscriptionInput
		field string // the first field reported; "" when valid
	}{
		{"OK", input("https://fcm.googleapis.com/fcm/send/abc", key, auth), ""},
		{"OKPadded", input("https://push.example/x", base64.URLEncoding.EncodeToString(pub), base64.URLEncoding.EncodeToString(make([]byte, 16))), ""},
		{"OKStdBase64", input("https://push.example/x", base64.StdEncoding.EncodeToString(pub), auth), ""},
		{"ErrEndpointRequired", input("", key, auth), "endpoint"},
		{"ErrEndpointHTTP", input("http://push.example/x", key, auth), "endpoint"},
		{"ErrEndpointNoHost", input("https:///x", key, auth), "endpoint"},
		{"ErrEndpointUserinfo", input("https://u:p@push.example/x", key, auth), "endpoint"},
		{"ErrEndpointLong", input("https://push.example/"+string(make([]byte, 2100)), key, auth), "endpoint"},
		{"ErrKeyMissing", input("https://push.example/x", "", auth), "keys.p256dh"},
		{"ErrKeyShort", input("https://push.example/x", key[:20], auth), "keys.p256dh"},
		{"ErrKeyNotOnCurve", input("https://push.example/x", base64.RawURLEncoding.EncodeToString(notOnCurve), auth), "keys.p256dh"},
		{"ErrAuthShort", input("https://push.example/x", key, "AAAA"), "keys.auth"},
		{"ErrAuthNotBase64", input("https://push.example/x", key, "!!!!!!!!!!!!!!!!!!!!!!"), "keys.auth"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.in.validate()
			switch {
			case tc.field == "" && len(errs) > 0:
				t.Errorf("validate = %v, want valid", errs)
			case tc.field != "" && (len(errs) == 0 || errs[0].Field != tc.field):
				t.Errorf("validate = %v, want an error on %s", errs, tc.field)
			}
		})
	}
}

func TestSubject(t *testing.T) {
	tests := []struct{ name, from, base, want string }{
		{"MailFrom", "Parley <parley@example.com>", "https://chat.example.com", "parley@example.com"},
		{"BareAddress", "ops@example.com", "", "ops@example.com"},
		{"BaseURL", "not an address", "https://chat.example.com", "https://chat.example.com"},
		{"Fallback", "", "http://127.0.0.1:8080", "parley@localhost"},
	}
	for _, tc := range tests {
		if got := subject(tc.from, tc.base); got != tc.want {
			t.Errorf("%s: subject(%q, %q) = %q, want %q", tc.name, tc.from, tc.base, got, tc.want)
		}
	}
}

// FuzzValidate: any input is either refused or holds keys of the right
// sizes and an https endpoint; validate never panics.
func FuzzValidate(f *testing.F) {
	f.Add("https://push.example/x", "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", "tBHItJI5svbpez7KI4CCXg")
	f.Add("", "", "")
	f.Add("https://[::1", "====", "AA")
	f.Fuzz(func(t *testing.T, endpoint, p256dh, auth string) {
		in := input(endpoint, p256dh, auth)
		if len(in.validate()) > 0 {
			return
		}
		k, err1 := decodeKey(p256dh)
		a, err2 := decodeKey(auth)
		if err1 != nil || err2 != nil || len(k) != 65 || len(a) != 16 {
			t.Errorf("accepted keys %q %q", p256dh, auth)
		}
	})
}

// TestSendRefusesInternal: the default client will not push to an address
// inside the network, and no retry changes that.
func TestSendRefusesInternal(t *testing.T) {
	s := &Service{keys: mustKeys(t), subject: "parley@test", log: slog.New(slog.DiscardHandler)}
	s.client.Store(safehttp.NewClient(safehttp.Policy{}))
	priv, _ := ecdh.P256().GenerateKey(rand.Reader)
	sub := store.PushSubscription{Endpoint: "https://127.0.0.1:1/push", P256dh: base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		Auth: base64.RawURLEncoding.EncodeToString(make([]byte, 16))}
	err := s.send(context.Background(), sub, []byte(`{}`), "t")
	if !outbox.IsPermanent(err) || !strings.Contains(err.Error(), safehttp.ClassBlocked) || strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("send to 127.0.0.1 = %v, want a permanent internal-address error", err)
	}
}

func mustKeys(t *testing.T) store.VAPIDKeys {
	t.Helper()
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	return store.VAPIDKeys{PublicKey: pub, PrivateKey: priv}
}
