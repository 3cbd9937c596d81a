package shop

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SignatureTolerance is how old (or how far ahead) a webhook's signature
// time may be: docs/api.md asks receivers to refuse older than 5 minutes.
const SignatureTolerance = 5 * time.Minute

var (
	errBadSignature   = errors.New("signature does not match")
	errStaleSignature = errors.New("signature time is outside the 5-minute window")
	errNoSignature    = errors.New("missing or malformed Parley-Signature")
)

// VerifySignature checks a Parley-Signature header ("t=<unix>,v1=<hex>",
// several v1 allowed while a secret rotates) against the body: v1 is the
// HMAC-SHA256 of "<t>.<body>" with the webhook's secret.
func VerifySignature(secret, header string, body []byte, now time.Time) error {
	var ts int64 = -1
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return errNoSignature
			}
			ts = n
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	if ts < 0 || len(sigs) == 0 || secret == "" {
		return errNoSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > SignatureTolerance || d < -SignatureTolerance {
		return errStaleSignature
	}
	want := Sign(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return errBadSignature
}

// Sign is the v1 signature of a body at time ts (what Parley sends).
func Sign(secret string, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%d.", ts)
	m.Write(body)
	return m.Sum(nil)
}

// Event is a webhook delivery: {"id","type","created_at","data"}.
type Event struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// QuoteAccepted is the data of quote.accepted: the buyer accepted a
// seller's quote; the shop puts it in the buyer's cart at the quoted total.
type QuoteAccepted struct {
	Quote        string `json:"quote"`
	Version      int    `json:"version"`
	Conversation string `json:"conversation"`
	Buyer        string `json:"buyer"`
	Seller       string `json:"seller"`
	Product      string `json:"product"`
	Lines        []struct {
		Title     string      `json:"title"`
		Quantity  json.Number `json:"quantity"`
		Unit      string      `json:"unit"`
		UnitPrice string      `json:"unit_price"`
		Amount    string      `json:"amount"`
	} `json:"lines"`
	Total Money `json:"total"`
}

// OrderProposed is the data of order.proposed: a seller made an order from
// a chat; the shop creates it (and pushes it back to Parley).
type OrderProposed struct {
	Order        string      `json:"order"` // optional: the shop numbers it otherwise
	Conversation string      `json:"conversation"`
	Message      string      `json:"message"` // the order_proposal message
	Buyer        string      `json:"buyer"`
	Seller       string      `json:"seller"`
	Currency     string      `json:"currency"`
	Items        []OrderItem `json:"items"`
}

func (s *Shop) webhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		problem(w, http.StatusRequestEntityTooLarge, "too_large", "The body is too large.")
		return
	}
	var secret string
	s.state.view(func(st *state) {
		if st.Webhook != nil {
			secret = st.Webhook.Secret
		}
	})
	if secret == "" {
		problem(w, http.StatusServiceUnavailable, "not_ready", "The shop has not registered its webhook yet.")
		return
	}
	if err := VerifySignature(secret, r.Header.Get("Parley-Signature"), body, s.now()); err != nil {
		problem(w, http.StatusBadRequest, "invalid_signature", "Parley-Signature: "+err.Error()+".")
		return
	}
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil || ev.Type == "" {
		problem(w, http.StatusBadRequest, "bad_request", "The body is not a Parley event.")
		return
	}
	id := r.Header.Get("Parley-Event-Id")
	if id == "" {
		id = ev.ID
	}
	var seen bool
	s.state.view(func(st *state) {
		for _, e := range st.SeenEvent {
			seen = seen || (id != "" && e == id)
		}
	})
	if seen {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "duplicate": true})
		return
	}
	var result map[string]any
	switch ev.Type {
	case "quote.accepted":
		result, err = s.onQuoteAccepted(ev.Data)
	case "order.proposed":
		result, err = s.onOrderProposed(r, ev.Data)
	case "return.accepted":
		result, err = s.onReturnAccepted(ev.Data)
	case "return.proposed", "return.declined", "return.withdrawn":
		result, err = s.onProposal(ev.Type, ev.Data)
	case "ticket.closed":
		result, err = s.onTicketClosed(ev.Data)
	default:
		writeJSON(w, http.StatusAccepted, map[string]any{"ok": true, "ignored": ev.Type})
		return
	}
	if err != nil {
		problem(w, http.StatusUnprocessableEntity, "validation_failed", err.Error())
		return
	}
	if id != "" {
		s.state.update(func(st *state) error {
			st.SeenEvent = append(st.SeenEvent, id)
			if n := len(st.SeenEvent); n > 1000 {
				st.SeenEvent = st.SeenEvent[n-1000:]
			}
			return nil
		})
	}
	result["ok"] = true
	writeJSON(w, http.StatusOK, result)
}

func (s *Shop) onQuoteAccepted(data json.RawMessage) (map[string]any, error) {
	var q QuoteAccepted
	if err := json.Unmarshal(data, &q); err != nil {
		return nil, fmt.Errorf("quote.accepted: %v", err)
	}
	p := s.catalog.Product(q.Product)
	switch {
	case s.catalog.Person(q.Buyer) == nil:
		return nil, fmt.Errorf("quote.accepted: unknown buyer %q", q.Buyer)
	case p == nil:
		return nil, fmt.Errorf("quote.accepted: unknown product %q", q.Product)
	case q.Seller != "" && q.Seller != p.Seller:
		return nil, fmt.Errorf("quote.accepted: %q is not the seller of %q", q.Seller, q.Product)
	}
	if _, ok := cents(q.Total.Amount); !ok {
		return nil, fmt.Errorf("quote.accepted: total.amount %q is not a decimal amount", q.Total.Amount)
	}
	line := CartLine{Product: p.ID, Quantity: 1, Price: centsString(mustCents(q.Total.Amount)), Quote: q.Quote}
	if len(q.Lines) > 0 {
		l := q.Lines[0]
		line.QuoteLine = &CartQuoteLine{Quantity: l.Quantity.String(), Unit: l.Unit, UnitPrice: l.UnitPrice, Currency: q.Total.Currency}
	}
	err := s.state.update(func(st *state) error {
		for _, l := range st.Carts[q.Buyer] {
			if l.Quote == q.Quote && q.Quote != "" {
				return nil // a second delivery of the same quote
			}
		}
		st.Carts[q.Buyer] = append(st.Carts[q.Buyer], line)
		return nil
	})
	return map[string]any{"cart": q.Buyer}, err
}

func (s *Shop) onOrderProposed(r *http.Request, data json.RawMessage) (map[string]any, error) {
	var in OrderProposed
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("order.proposed: %v", err)
	}
	if s.catalog.Person(in.Buyer) == nil || s.catalog.Seller(in.Seller) == nil || len(in.Items) == 0 {
		return nil, errors.New("order.proposed: a known buyer, seller and at least one item are needed")
	}
	for _, it := range in.Items {
		p := s.catalog.Product(it.Product)
		if p == nil || p.Seller != in.Seller || quantityMilli(it.Quantity) <= 0 {
			return nil, fmt.Errorf("order.proposed: item %q is not a product of %s with a quantity", it.Product, in.Seller)
		}
		if _, ok := cents(it.Price); !ok {
			return nil, fmt.Errorf("order.proposed: price %q of %q is not a decimal amount", it.Price, it.Product)
		}
	}
	var id string
	err := s.state.update(func(st *state) error {
		id = in.Order
		if id != "" && st.order(id) != nil {
			return nil // already made
		}
		if id == "" {
			id = fmt.Sprintf("ORD-%d", st.NextOrder)
			st.NextOrder++
		}
		cur := in.Currency
		if cur == "" {
			cur = s.catalog.Product(in.Items[0].Product).Price.Currency
		}
		st.Orders = append(st.Orders, &Order{ID: id, Buyer: in.Buyer, Seller: in.Seller, Status: "placed", Items: in.Items,
			Currency: cur, PlacedAt: s.now().UTC(), Source: "parley", Conversation: in.Conversation, Proposal: in.Message})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.syncOrders(r.Context()); err != nil {
		s.log.Warn("shop: pushing a proposed order", "order", id, "err", err)
	}
	return map[string]any{"order": id}, nil
}

// removeOldWebhooks removes, once the shop has registered reg, what its
// earlier registrations left with Parley: the one it replaced (old, at
// another address or for other events) and any other at reg's address (a
// shop whose state was lost). Their deliveries are signed with secrets the
// shop no longer keeps, so they would only fail. A failure here is logged:
// the new registration works either way.
func (s *Shop) removeOldWebhooks(ctx context.Context, reg, old webhookReg) {
	var list struct {
		Items []struct {
			ID  string `json:"id"`
			URL string `json:"url"`
		} `json:"items"`
	}
	if err := s.client.host(ctx, http.MethodGet, "webhooks", nil, &list); err != nil {
		s.log.Warn("shop: listing its webhooks", "err", err)
		return
	}
	for _, h := range list.Items {
		if h.ID == reg.ID || (h.ID != old.ID && h.URL != reg.URL) {
			continue
		}
		err := s.client.host(ctx, http.MethodDelete, "webhooks/"+url.PathEscape(h.ID), nil, nil)
		var apiErr *apiError
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
			err = nil // gone already
		}
		if err != nil {
			s.log.Warn("shop: removing its old webhook", "webhook", h.ID, "url", h.URL, "err", err)
			continue
		}
		s.log.Info("shop: removed its old webhook", "webhook", h.ID, "url", h.URL)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func problem(w http.ResponseWriter, status int, code, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "code": code, "detail": detail})
}
