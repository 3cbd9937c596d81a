package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"
)

func TestSign(t *testing.T) {
	body := []byte(`{"id":"evt_1","type":"order.proposed"}`)
	at := time.Unix(1767225600, 0)
	got := Sign("whsec_test", at, body)
	mac := hmac.New(sha256.New, []byte("whsec_test"))
	mac.Write([]byte("1767225600." + string(body)))
	if want := "t=1767225600,v1=" + hex.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
	if Sign("other", at, body) == got {
		t.Error("the signature does not depend on the secret")
	}
}

func TestSubscribed(t *testing.T) {
	cases := []struct {
		name, events, event string
		want                bool
	}{
		{"Exact", `["order.proposed"]`, "order.proposed", true},
		{"Star", `["*"]`, "order.proposed", true},
		{"Other", `["quote.accepted"]`, "order.proposed", false},
		{"Empty", `[]`, "order.proposed", false},
		{"Broken", `not json`, "order.proposed", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := subscribed(tc.events, tc.event); got != tc.want {
				t.Errorf("subscribed(%s, %s) = %v, want %v", tc.events, tc.event, got, tc.want)
			}
		})
	}
}
