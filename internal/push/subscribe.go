package push

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// SubscriptionInput is a browser's PushSubscription as JSON
// (PushSubscription.toJSON()).
type SubscriptionInput struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// Subscription is a stored subscription as the API shows it.
type Subscription struct {
	ID        string    `json:"id"`
	Endpoint  string    `json:"endpoint"`
	CreatedAt time.Time `json:"created_at"`
}

// maxEndpoint bounds an endpoint URL.
const maxEndpoint = 2048

var errNotFound = parley.NotFound("subscription")

// decodeKey reads a base64url key (padded or not; standard base64 too, as
// some browsers' polyfills send it).
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

func (in SubscriptionInput) validate() []parley.FieldError {
	var errs []parley.FieldError
	u, err := url.Parse(in.Endpoint)
	switch {
	case in.Endpoint == "":
		errs = append(errs, parley.FieldError{Field: "endpoint", Message: "is required"})
	case len(in.Endpoint) > maxEndpoint || err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil:
		errs = append(errs, parley.FieldError{Field: "endpoint", Message: "must be an https URL of at most 2048 characters"})
	}
	if key, err := decodeKey(in.Keys.P256dh); err != nil || len(key) != 65 {
		errs = append(errs, parley.FieldError{Field: "keys.p256dh", Message: "must be a base64url uncompressed P-256 public key"})
	} else if _, err := ecdh.P256().NewPublicKey(key); err != nil {
		errs = append(errs, parley.FieldError{Field: "keys.p256dh", Message: "is not a point on P-256"})
	}
	if auth, err := decodeKey(in.Keys.Auth); err != nil || len(auth) != 16 {
		errs = append(errs, parley.FieldError{Field: "keys.auth", Message: "must be a base64url 16-byte secret"})
	}
	return errs
}

func view(s store.PushSubscription) Subscription {
	return Subscription{ID: strconv.FormatInt(s.ID, 10), Endpoint: s.Endpoint, CreatedAt: s.CreatedAt}
}

// Subscribe stores the principal's subscription. It reports created=false
// when the endpoint was already theirs.
func (s *Service) Subscribe(ctx context.Context, p *identity.Principal, in SubscriptionInput) (Subscription, bool, error) {
	if p == nil || p.Host || p.User.ID == 0 {
		return Subscription{}, false, parley.Errorf(parley.EUnauthorized, "Subscriptions belong to a signed-in user.")
	}
	in.Endpoint = strings.TrimSpace(in.Endpoint)
	if errs := in.validate(); len(errs) > 0 {
		return Subscription{}, false, parley.Invalid(errs...)
	}
	p256dh, _ := decodeKey(in.Keys.P256dh)
	auth, _ := decodeKey(in.Keys.Auth)
	var saved store.PushSubscription
	var created bool
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		saved, created, err = store.SavePushSubscription(tx, store.PushSubscription{MarketplaceID: p.Marketplace.ID, UserID: p.User.ID,
			Endpoint: in.Endpoint, P256dh: base64.RawURLEncoding.EncodeToString(p256dh), Auth: base64.RawURLEncoding.EncodeToString(auth)})
		return err
	})
	if err != nil {
		return Subscription{}, false, err
	}
	s.remember(p.Marketplace.ID, true, s.db.Now())
	return view(saved), created, nil
}

// Unsubscribe deletes one of the principal's subscriptions; anyone else's
// is not found.
func (s *Service) Unsubscribe(ctx context.Context, p *identity.Principal, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || p == nil || p.User.ID == 0 {
		return errNotFound
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error { return store.DeleteUserPushSubscription(tx, p.User.ID, n) })
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	return err
}
