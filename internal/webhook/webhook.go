package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/safehttp"
	"github.com/parleyhq/parley/internal/store"
)

// KindDeliver is the outbox job kind of one delivery.
const KindDeliver = "webhook.deliver"

// Dispatcher enqueues and delivers webhook events.
type Dispatcher struct {
	db    *store.DB
	queue *outbox.Queue
	// Client sends the deliveries: New gives a safehttp client that
	// refuses internal addresses; set one that allows them for
	// development only.
	Client *http.Client
	// Log receives what cannot go elsewhere (a delivery's health not
	// recorded); slog.Default when nil.
	Log *slog.Logger
}

// New returns a dispatcher; Register its handler on the runner.
func New(db *store.DB, queue *outbox.Queue) *Dispatcher {
	return &Dispatcher{db: db, queue: queue, Client: safehttp.NewClient(safehttp.Policy{Timeout: 15 * time.Second})}
}

// DropDeliveries deletes, in tx, the deliveries to an endpoint that wait
// for their first try or a retry: the endpoint is being removed, and they
// would never succeed (its secret goes with it). A delivery running now
// finishes; its retry, if any, finds the endpoint gone and ends.
func DropDeliveries(tx *store.Tx, marketplaceID, webhookID int64) (int64, error) {
	return store.DeleteQueuedJobs(tx, marketplaceID, KindDeliver, "webhook", webhookID)
}

// Register installs the delivery handler.
func (d *Dispatcher) Register(r *outbox.Runner) { r.Register(KindDeliver, d.deliver) }

// Event is what an endpoint receives.
type Event struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

type job struct {
	Webhook int64 `json:"webhook"`
	Event   Event `json:"event"`
}

// Emit enqueues the event, in tx, for every endpoint of the marketplace
// subscribed to its type (or to "*").
func (d *Dispatcher) Emit(tx *store.Tx, marketplaceID int64, eventType string, data any) error {
	hooks, err := store.Webhooks(tx, marketplaceID)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	ev := Event{ID: identity.NewToken("evt_"), Type: eventType, CreatedAt: tx.Now().UTC(), Data: raw}
	for _, h := range hooks {
		if !subscribed(h.Events, eventType) {
			continue
		}
		if err := d.queue.Enqueue(tx, outbox.Job{MarketplaceID: marketplaceID, Kind: KindDeliver, Payload: job{Webhook: h.ID, Event: ev}}); err != nil {
			return err
		}
	}
	return nil
}

func subscribed(eventsJSON, eventType string) bool {
	var events []string
	json.Unmarshal([]byte(eventsJSON), &events)
	for _, e := range events {
		if e == "*" || e == eventType {
			return true
		}
	}
	return false
}

// Sign returns the Parley-Signature header value for body at time t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// deliver is the job: one attempt to deliver one event, whose outcome is
// also kept on the endpoint (its delivery health, GET /api/v1/host/webhooks).
func (d *Dispatcher) deliver(ctx context.Context, payload []byte) error {
	var j job
	if err := json.Unmarshal(payload, &j); err != nil {
		return fmt.Errorf("webhook job: %w", err)
	}
	h, err := store.WebhookByID(d.db.Reader(ctx), j.Webhook)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the endpoint was removed: nothing to deliver to
	} else if err != nil {
		return err
	}
	body, err := json.Marshal(j.Event)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Parley-Webhook/1")
	req.Header.Set("Parley-Event-Id", j.Event.ID)
	req.Header.Set("Parley-Signature", Sign(h.Secret, time.Now(), body))
	err = d.post(req)
	d.record(ctx, h.ID, err)
	if err != nil {
		return fmt.Errorf("webhook %d %s: %w", h.ID, j.Event.Type, err)
	}
	return nil
}

// post sends one delivery; any answer but 2xx is an error. The error is
// the failure's class ("connection refused", "http 503"): it is shown to
// the host, and a dial error's text would tell which internal ports are
// open. The full error goes to the log.
func (d *Dispatcher) post(req *http.Request) error {
	res, err := d.Client.Do(req)
	if err != nil {
		d.log().Info("webhook request failed", "url", req.URL.Redacted(), "err", err)
		return errors.New(safehttp.Class(err))
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return errors.New(safehttp.StatusClass(res.StatusCode))
	}
	return nil
}

func (d *Dispatcher) log() *slog.Logger {
	if d.Log == nil {
		return slog.Default()
	}
	return d.Log
}

// record keeps an attempt's outcome on the endpoint. It is best effort: a
// delivery that succeeded is not sent again because its health could not
// be written.
func (d *Dispatcher) record(ctx context.Context, webhookID int64, outcome error) {
	text := ""
	if outcome != nil {
		text = outcome.Error()
	}
	err := d.db.Write(ctx, func(tx *store.Tx) error { return store.RecordWebhookAttempt(tx, webhookID, text) })
	if err != nil {
		d.log().Warn("record webhook delivery health", "webhook", webhookID, "err", err)
	}
}
