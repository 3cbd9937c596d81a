package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/safehttp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// WebhookInput registers an endpoint of the host for events.
type WebhookInput struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// Webhook is a registered endpoint with the secret its deliveries are
// signed with (shown once, at creation).
type Webhook struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Secret string   `json:"secret"`
}

// AddWebhook registers a webhook endpoint and returns its signing secret.
func (s *Service) AddWebhook(ctx context.Context, mid int64, in WebhookInput) (Webhook, error) {
	if len(in.URL) > 2048 {
		return Webhook{}, parley.Invalid(parley.FieldError{Field: "url", Message: "must be at most 2048 characters"})
	}
	if err := safehttp.CheckURL(in.URL, s.AllowInternalTargets); err != nil {
		return Webhook{}, parley.Invalid(parley.FieldError{Field: "url", Message: err.Error()})
	}
	if len(in.Events) == 0 || len(in.Events) > 50 {
		return Webhook{}, parley.Invalid(parley.FieldError{Field: "events", Message: "name 1 to 50 event types, or \"*\""})
	}
	secret := identity.NewToken("whsec_")
	events, _ := json.Marshal(in.Events)
	var id int64
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertWebhook(tx, mid, in.URL, string(events), secret)
		return err
	})
	if err != nil {
		return Webhook{}, err
	}
	return Webhook{ID: strconv.FormatInt(id, 10), URL: in.URL, Events: in.Events, Secret: secret}, nil
}

// WebhookInfo is a registered endpoint as its host lists it: never its
// secret.
type WebhookInfo struct {
	ID        string          `json:"id"`
	URL       string          `json:"url"`
	Events    []string        `json:"events"`
	CreatedAt time.Time       `json:"created_at"`
	Delivery  WebhookDelivery `json:"delivery"`
}

// WebhookDelivery is the health of an endpoint's deliveries: when one last
// succeeded and failed, the last failure's error, and how many attempts
// failed in a row since the last success (0: healthy).
type WebhookDelivery struct {
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
	LastFailureAt *time.Time `json:"last_failure_at,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	Failing       int        `json:"failing"`
}

// Webhooks lists the marketplace's webhook endpoints, oldest first.
func (s *Service) Webhooks(ctx context.Context, mid int64) ([]WebhookInfo, error) {
	rows, err := store.Webhooks(s.db.Reader(ctx), mid)
	if err != nil {
		return nil, err
	}
	out := make([]WebhookInfo, 0, len(rows))
	for _, h := range rows {
		info := WebhookInfo{ID: strconv.FormatInt(h.ID, 10), URL: h.URL, CreatedAt: h.CreatedAt.UTC(), Events: []string{},
			Delivery: WebhookDelivery{LastError: h.LastError, Failing: h.Failing}}
		json.Unmarshal([]byte(h.Events), &info.Events)
		if !h.LastSuccessAt.IsZero() {
			at := h.LastSuccessAt.UTC()
			info.Delivery.LastSuccessAt = &at
		}
		if !h.LastFailureAt.IsZero() {
			at := h.LastFailureAt.UTC()
			info.Delivery.LastFailureAt = &at
		}
		out = append(out, info)
	}
	return out, nil
}

// RemoveWebhook removes one of the marketplace's webhook endpoints and,
// in the same transaction, the deliveries to it that wait for a try or a
// retry. An id that is not the marketplace's is not found.
func (s *Service) RemoveWebhook(ctx context.Context, mid int64, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return parley.NotFound("webhook")
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if err := store.DeleteWebhook(tx, mid, n); err != nil {
			return err
		}
		_, err := webhook.DropDeliveries(tx, mid, n)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return parley.NotFound("webhook")
	}
	return err
}
