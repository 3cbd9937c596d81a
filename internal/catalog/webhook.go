package catalog

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
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
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.URL) > 2048 {
		return Webhook{}, parley.Invalid(parley.FieldError{Field: "url", Message: "must be an http(s) URL"})
	}
	if len(in.Events) == 0 || len(in.Events) > 50 {
		return Webhook{}, parley.Invalid(parley.FieldError{Field: "events", Message: "name 1 to 50 event types, or \"*\""})
	}
	secret := identity.NewToken("whsec_")
	events, _ := json.Marshal(in.Events)
	var id int64
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertWebhook(tx, mid, in.URL, string(events), secret)
		return err
	})
	if err != nil {
		return Webhook{}, err
	}
	return Webhook{ID: strconv.FormatInt(id, 10), URL: in.URL, Events: in.Events, Secret: secret}, nil
}
