package app_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/parleyhq/parley/internal/push"
	"github.com/parleyhq/parley/internal/store"
)

// pushBrowser is a browser's side of a Web Push subscription: the key pair
// and auth secret that PushManager.subscribe would make.
type pushBrowser struct {
	endpoint string
	priv     *ecdh.PrivateKey
	auth     []byte
}

func newPushBrowser(t *testing.T, endpoint string) *pushBrowser {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return &pushBrowser{endpoint: endpoint, priv: priv, auth: auth}
}

// body is PushSubscription.toJSON().
func (b *pushBrowser) body() map[string]any {
	return map[string]any{"endpoint": b.endpoint, "expirationTime": nil, "keys": map[string]string{
		"p256dh": base64.RawURLEncoding.EncodeToString(b.priv.PublicKey().Bytes()),
		"auth":   base64.RawURLEncoding.EncodeToString(b.auth)}}
}

// pushSubscriptionBody is a valid subscription body for a new browser.
func pushSubscriptionBody(endpoint string) map[string]any {
	priv, _ := ecdh.P256().GenerateKey(rand.Reader)
	return map[string]any{"endpoint": endpoint, "keys": map[string]string{
		"p256dh": base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		"auth":   base64.RawURLEncoding.EncodeToString(make([]byte, 16))}}
}

// decrypt opens an aes128gcm body (RFC 8188) with the keys of RFC 8291.
func (b *pushBrowser) decrypt(t *testing.T, body []byte) []byte {
	t.Helper()
	if len(body) < 21 {
		t.Fatalf("push body of %d bytes: too short for the aes128gcm header", len(body))
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idlen != 65 || len(body) < 21+idlen {
		t.Fatalf("keyid length = %d, want 65 (the server's ephemeral P-256 key)", idlen)
	}
	keyID, ciphertext := body[21:21+idlen], body[21+idlen:]
	if uint32(len(ciphertext)) > rs {
		t.Fatalf("ciphertext of %d bytes in records of %d: want one record", len(ciphertext), rs)
	}
	serverKey, err := ecdh.P256().NewPublicKey(keyID)
	if err != nil {
		t.Fatalf("server key: %v", err)
	}
	secret, err := b.priv.ECDH(serverKey)
	if err != nil {
		t.Fatal(err)
	}
	info := "WebPush: info\x00" + string(b.priv.PublicKey().Bytes()) + string(keyID)
	ikm, err := hkdf.Key(sha256.New, secret, b.auth, info, 32)
	if err != nil {
		t.Fatal(err)
	}
	cek, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		t.Fatalf("decrypt push: %v", err)
	}
	// The last record ends with the delimiter 0x02 and zero padding.
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 2 {
		t.Fatalf("push record has no last-record delimiter")
	}
	return plain[:end]
}

// pushRequest is one POST the push service received.
type pushRequest struct {
	path   string
	header http.Header
	body   []byte
}

// pushService is a push service: an HTTPS server that takes pushes and
// answers each endpoint's path with the status set for it (201 by
// default).
type pushService struct {
	*httptest.Server
	mu     sync.Mutex
	status map[string]int
	got    chan pushRequest
}

func newPushService(t *testing.T) *pushService {
	ps := &pushService{status: map[string]int{}, got: make(chan pushRequest, 100)}
	ps.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		ps.got <- pushRequest{path: r.URL.Path, header: r.Header.Clone(), body: body}
		ps.mu.Lock()
		status := ps.status[r.URL.Path]
		ps.mu.Unlock()
		if status == 0 {
			status = http.StatusCreated
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(ps.Close)
	return ps
}

func (ps *pushService) answer(path string, status int) {
	ps.mu.Lock()
	ps.status[path] = status
	ps.mu.Unlock()
}

// next waits for the next push.
func (ps *pushService) next(t *testing.T) pushRequest {
	t.Helper()
	select {
	case r := <-ps.got:
		return r
	case <-time.After(patience):
		t.Fatalf("no push within %s", patience)
	}
	return pushRequest{}
}

// none asserts that no push arrived.
func (ps *pushService) none(t *testing.T) {
	t.Helper()
	select {
	case r := <-ps.got:
		t.Fatalf("unexpected push to %s", r.path)
	default:
	}
}

// checkVAPID checks the request's VAPID header (RFC 8292): a JWT signed
// ES256 by the served public key, for the push service's origin.
func (ps *pushService) checkVAPID(t *testing.T, r pushRequest, publicKey string) {
	t.Helper()
	h := r.header.Get("Authorization")
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		t.Fatalf("Authorization = %q, want the vapid scheme", h)
	}
	params := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		params[k] = v
	}
	if params["k"] != publicKey {
		t.Errorf("vapid k = %q, want the served public key %q", params["k"], publicKey)
	}
	raw, err := base64.RawURLEncoding.DecodeString(publicKey)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		t.Fatalf("served public key: %v", err)
	}
	tok, err := jwt.Parse(params["t"], func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithAudience(ps.URL), jwt.WithExpirationRequired())
	if err != nil {
		t.Fatalf("VAPID JWT: %v", err)
	}
	if sub, _ := tok.Claims.GetSubject(); sub != "mailto:parley@test" {
		t.Errorf("VAPID sub = %q, want mailto:parley@test (from PARLEY_MAIL_FROM)", sub)
	}
	if ce := r.header.Get("Content-Encoding"); ce != "aes128gcm" {
		t.Errorf("Content-Encoding = %q, want aes128gcm", ce)
	}
	if r.header.Get("TTL") == "" || r.header.Get("TTL") == "0" {
		t.Errorf("TTL = %q, want a positive time to live", r.header.Get("TTL"))
	}
}

// payload decrypts and decodes a push.
func (b *pushBrowser) payload(t *testing.T, r pushRequest) push.Payload {
	t.Helper()
	var p push.Payload
	plain := b.decrypt(t, r.body)
	dec := json.NewDecoder(strings.NewReader(string(plain)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("push payload %q: %v", plain, err)
	}
	return p
}

// waitJobs waits until n jobs of the kind are done.
func (e *env) waitJobs(t *testing.T, kind string, n int) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		jobs, err := store.Jobs(e.app.DB.Reader(context.Background()), store.AllMarketplaces, store.JobDone, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, j := range jobs {
			if j.Kind == kind {
				done++
			}
		}
		if done >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d %s jobs done within 10s, want %d", done, kind, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWebPush: a new message is pushed, encrypted and VAPID-signed, to the
// other side's users who have no open socket and push on; a subscription
// the push service forgot is deleted; a failure is retried.
func TestWebPush(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		ps := newPushService(t)
		e.app.Push.SetHTTPClient(ps.Client())
		key := e.must(200, "GET", "/api/v1/push/vapid-key", w.buyer, nil)["public_key"].(string)

		owner, manager, buyer := newPushBrowser(t, ps.URL+"/owner"), newPushBrowser(t, ps.URL+"/manager"), newPushBrowser(t, ps.URL+"/buyer")
		sub := e.must(201, "POST", "/api/v1/push/subscriptions", w.owner, owner.body())
		if again := e.must(200, "POST", "/api/v1/push/subscriptions", w.owner, owner.body()); again["id"] != sub["id"] || again["endpoint"] != owner.endpoint {
			t.Errorf("subscribing again = %v, want %v", again, sub)
		}
		e.must(201, "POST", "/api/v1/push/subscriptions", w.manager, manager.body())
		buyerSub := e.must(201, "POST", "/api/v1/push/subscriptions", w.buyer, buyer.body())["id"].(string)

		// The buyer writes: both seller members get it, the buyer does not.
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("p-1", "  Is the drill in stock?  ")})
		conv := st["conversation"].(map[string]any)["id"].(string)
		got := map[string]pushRequest{}
		for range 2 {
			r := ps.next(t)
			got[r.path] = r
		}
		e.waitJobs(t, push.KindMessage, 1)
		ps.none(t)
		for path, b := range map[string]*pushBrowser{"/owner": owner, "/manager": manager} {
			r, ok := got[path]
			if !ok {
				t.Fatalf("no push to %s (got %v)", path, got)
			}
			ps.checkVAPID(t, r, key)
			want := push.Payload{Type: "message", Conversation: conv, Title: "Buyer", Body: "Is the drill in stock?", URL: "/app/c/" + conv, Tag: "conversation-" + conv}
			if p := b.payload(t, r); p != want {
				t.Errorf("push to %s = %+v, want %+v", path, p, want)
			}
		}

		// The owner answers at length: the buyer gets the first 200
		// characters; the manager, on the author's side, gets nothing.
		long := strings.Repeat("é", 300)
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.owner, msg("p-2", long))
		r := ps.next(t)
		e.waitJobs(t, push.KindMessage, 2)
		ps.none(t)
		if r.path != "/buyer" {
			t.Fatalf("push went to %s, want /buyer", r.path)
		}
		p := buyer.payload(t, r)
		if p.Title != "Owner" || utf8.RuneCountInString(p.Body) != 200 || !strings.HasSuffix(p.Body, "…") || p.URL != "/app/c/"+conv {
			t.Errorf("buyer's push = %+v (%d characters), want Owner's text cut to 200", p, utf8.RuneCountInString(p.Body))
		}

		// With a socket open the owner is not pushed; the manager still is.
		ws := e.mustDial(t, w.owner, "")
		ws.want("presence", func(d map[string]any) bool { return d["user"] == "owner" && d["status"] == "online" })
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("p-3", "hello?"))
		if r := ps.next(t); r.path != "/manager" {
			t.Errorf("push went to %s, want /manager only", r.path)
		}
		e.waitJobs(t, push.KindMessage, 3)
		ps.none(t)
		ws.conn.Close()
		waitFor(t, "the owner's socket to close", func() bool {
			on, err := e.app.Hub.Presence.Connected(context.Background(), []int64{userID(t, e, "owner")})
			return err == nil && !on[userID(t, e, "owner")]
		})

		// push:false stops pushes; a message read already is not pushed.
		e.must(200, "PATCH", "/api/v1/me/settings", w.owner, map[string]any{"push": false})
		e.must(200, "PATCH", "/api/v1/me/settings", w.manager, map[string]any{"push": false})
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("p-4", "anyone?"))
		e.waitJobs(t, push.KindMessage, 4)
		ps.none(t)
		e.must(200, "PATCH", "/api/v1/me/settings", w.owner, map[string]any{"push": true})

		// 410 Gone: the subscription is deleted.
		ps.answer("/owner", http.StatusGone)
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.buyer, msg("p-5", "still there?"))
		if r := ps.next(t); r.path != "/owner" {
			t.Fatalf("push went to %s, want /owner", r.path)
		}
		e.waitJobs(t, push.KindMessage, 5)
		if _, err := store.PushSubscriptionByID(e.app.DB.Reader(context.Background()), mustID(t, sub["id"].(string))); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("subscription answered 410 = %v, want deleted", err)
		}
		e.must(404, "DELETE", "/api/v1/push/subscriptions/"+sub["id"].(string), w.owner, nil)

		// 503: the failure is kept and the push retried by its own job.
		ps.answer("/buyer", http.StatusServiceUnavailable)
		e.must(201, "POST", "/api/v1/conversations/"+conv+"/messages", w.owner, msg("p-6", "back soon"))
		if r := ps.next(t); r.path != "/buyer" {
			t.Fatalf("push went to %s, want /buyer", r.path)
		}
		e.waitJobs(t, push.KindMessage, 6)
		q := e.app.DB.Reader(context.Background())
		if s, err := store.PushSubscriptionByID(q, mustID(t, buyerSub)); err != nil || s.LastFailureAt.IsZero() || !strings.Contains(s.LastError, "503") {
			t.Errorf("buyer's subscription after a 503 = %+v %v, want the failure recorded", s, err)
		}
		ps.answer("/buyer", http.StatusCreated)
		retryNow(t, e, push.KindSend)
		r = ps.next(t)
		if p := buyer.payload(t, r); r.path != "/buyer" || p.Body != "back soon" {
			t.Errorf("retried push to %s = %+v, want the buyer's %q", r.path, p, "back soon")
		}
		e.waitJobs(t, push.KindSend, 1)

		// Only the owner of a subscription deletes it.
		e.must(404, "DELETE", "/api/v1/push/subscriptions/"+buyerSub, w.owner, nil)
		e.must(404, "DELETE", "/api/v1/push/subscriptions/"+buyerSub, w.foreign, nil)
		e.must(204, "DELETE", "/api/v1/push/subscriptions/"+buyerSub, w.buyer, nil)
		e.must(404, "DELETE", "/api/v1/push/subscriptions/"+buyerSub, w.buyer, nil)
	})
}

// retryNow makes the queued jobs of the kind due at once.
func retryNow(t *testing.T, e *env, kind string) {
	t.Helper()
	err := e.app.DB.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE jobs SET run_at = 0 WHERE kind = ? AND state = ?`, kind, store.JobQueued)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func userID(t *testing.T, e *env, externalID string) int64 {
	t.Helper()
	u, err := store.UserByExternalID(e.app.DB.Reader(context.Background()), e.app.Marketplace.ID, externalID)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
