package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/locale"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/safehttp"
	"github.com/parleyhq/parley/internal/store"
)

// Payload is what the service worker receives (decrypted).
type Payload struct {
	Type         string `json:"type"`
	Conversation string `json:"conversation"`
	Title        string `json:"title"`
	Body         string `json:"body"`
	URL          string `json:"url"`
	Tag          string `json:"tag"`
}

// maxBody bounds the message text in a push.
const maxBody = 200

// ttl is how long a push service keeps an undelivered push (seconds).
const ttl = 24 * 60 * 60

// sendJob is a KindSend payload: one delivery to retry.
type sendJob struct {
	SubscriptionID int64           `json:"subscription_id"`
	Topic          string          `json:"topic"`
	Payload        json.RawMessage `json:"payload"`
}

// errGone marks a subscription the push service no longer knows.
var errGone = errors.New("push: subscription gone")

func (s *Service) runMessage(ctx context.Context, raw []byte) error {
	var job messageJob
	if err := json.Unmarshal(raw, &job); err != nil {
		return outbox.Permanent(err)
	}
	q := s.db.Reader(ctx)
	c, err := store.ConversationByID(q, job.ConversationID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	m, ok, err := newestFromOthers(q, c, job.Side)
	if err != nil || !ok {
		return err
	}
	users, err := s.recipients(ctx, q, c, job.Side, m)
	if err != nil || len(users) == 0 {
		return err
	}
	subs, err := store.PushSubscriptionsOf(q, users)
	if err != nil || len(subs) == 0 {
		return err
	}
	// Each recipient reads the push in their language (a quote's offer is
	// a server-made text).
	langs, err := pushLanguages(q, users)
	if err != nil {
		return err
	}
	payloads := map[string][]byte{}
	for _, l := range langs {
		if payloads[l] != nil {
			continue
		}
		if payloads[l], err = json.Marshal(payloadOf(l, c, m)); err != nil {
			return outbox.Permanent(err)
		}
	}
	topic := "conversation-" + strconv.FormatInt(c.ID, 10)
	var gone []int64
	var failed []sendJob
	failures := map[int64]string{}
	for _, sub := range subs {
		data := payloads[langs[sub.UserID]]
		err := s.send(ctx, sub, data, topic)
		switch {
		case err == nil:
		case errors.Is(err, errGone):
			gone = append(gone, sub.ID)
		default:
			s.log.Info("push failed", "subscription", sub.ID, "err", err)
			failures[sub.ID] = err.Error()
			if !outbox.IsPermanent(err) {
				failed = append(failed, sendJob{SubscriptionID: sub.ID, Topic: topic, Payload: data})
			}
		}
	}
	if len(gone) == 0 && len(failures) == 0 {
		return nil
	}
	// What could not go now goes through its own retrying job: retrying
	// this one would push again to those who got it.
	return s.db.Write(ctx, func(tx *store.Tx) error {
		for _, id := range gone {
			if err := store.DeletePushSubscription(tx, id); err != nil {
				return err
			}
		}
		for id, msg := range failures {
			if err := store.RecordPushFailure(tx, id, msg); err != nil {
				return err
			}
		}
		for _, f := range failed {
			if err := s.queue.Enqueue(tx, outbox.Job{MarketplaceID: c.MarketplaceID, Kind: KindSend, Payload: f, MaxAttempts: 5,
				RunAt: tx.Now().Add(outbox.Backoff(1))}); err != nil {
				return err
			}
		}
		return nil
	})
}

// newestFromOthers is the conversation's newest message that the side
// did not write (system messages aside).
func newestFromOthers(q store.Querier, c store.ConversationRow, side string) (store.MessageRow, bool, error) {
	ms, err := store.MessagesBefore(q, c.ID, c.LastSeq+1, 20)
	if err != nil {
		return store.MessageRow{}, false, err
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Side != side && ms[i].Side != parley.SideSystem {
			return ms[i], true, nil
		}
	}
	return store.MessageRow{}, false, nil
}

// recipients are the side's users to push m to: not its author, push on
// in their settings, m not read yet, and no open socket anywhere.
func (s *Service) recipients(ctx context.Context, q store.Querier, c store.ConversationRow, side string, m store.MessageRow) ([]int64, error) {
	var ids []int64
	sideRead := c.BuyerReadSeq
	switch side {
	case parley.SideBuyer:
		ids = []int64{c.BuyerUserID}
	case parley.SideSeller:
		sideRead = c.SellerReadSeq
		members, err := store.OrgMembers(q, c.SellerOrgID)
		if err != nil {
			return nil, err
		}
		for _, u := range members {
			ids = append(ids, u.ID)
		}
	default:
		return nil, nil
	}
	if sideRead >= m.Seq {
		return nil, nil
	}
	settings, err := store.UserSettingsFor(q, ids)
	if err != nil {
		return nil, err
	}
	var want []int64
	for _, id := range ids {
		if id == m.AuthorUserID || !settings[id].Push {
			continue
		}
		rs, err := store.GetReadState(q, c.ID, id)
		if err != nil {
			return nil, err
		}
		if rs.ReadSeq < m.Seq {
			want = append(want, id)
		}
	}
	if len(want) == 0 || s.opts.Online == nil {
		return want, nil
	}
	online, err := s.opts.Online(ctx, want)
	if err != nil {
		return nil, err
	}
	out := want[:0]
	for _, id := range want {
		if !online[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// pushLanguages is each user's language: their setting, else the locale
// their host gave them.
func pushLanguages(q store.Querier, users []int64) (map[int64]string, error) {
	settings, err := store.UserSettingsFor(q, users)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(users))
	for _, id := range users {
		u, err := store.UserByID(q, id)
		if err != nil {
			return nil, err
		}
		out[id] = locale.Pick(settings[id].Locale, u.Locale)
	}
	return out, nil
}

func payloadOf(lang string, c store.ConversationRow, m store.MessageRow) Payload {
	id := strconv.FormatInt(c.ID, 10)
	body := strings.TrimSpace(conversation.BodyIn(lang, m))
	if r := []rune(body); len(r) > maxBody {
		body = strings.TrimSpace(string(r[:maxBody-1])) + "…"
	}
	if body == "" {
		body = "📎"
	}
	title := m.AuthorName
	if title == "" {
		title = m.OrgName
	}
	return Payload{Type: "message", Conversation: id, Title: title, Body: body, URL: "/app/c/" + id, Tag: "conversation-" + id}
}

// send delivers one encrypted push. It returns errGone when the service
// forgot the subscription, Permanent for an answer no retry changes.
func (s *Service) send(ctx context.Context, sub store.PushSubscription, data []byte, topic string) error {
	res, err := webpush.SendNotificationWithContext(ctx, data, &webpush.Subscription{Endpoint: sub.Endpoint,
		Keys: webpush.Keys{Auth: sub.Auth, P256dh: sub.P256dh}}, &webpush.Options{
		HTTPClient:      s.client.Load(),
		Subscriber:      s.subject,
		VAPIDPublicKey:  s.keys.PublicKey,
		VAPIDPrivateKey: s.keys.PrivateKey,
		TTL:             ttl,
		Urgency:         webpush.UrgencyHigh,
		Topic:           topic,
	})
	if err != nil {
		// The error's text may name internal hosts and ports: only its
		// class is kept where the subscriber can read it.
		s.log.Info("push request failed", "subscription", sub.ID, "err", err)
		class := fmt.Errorf("push service: %s", safehttp.Class(err))
		if errors.Is(err, safehttp.ErrBlocked) {
			return outbox.Permanent(class)
		}
		return class
	}
	defer res.Body.Close()
	detail, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone:
		return errGone
	case res.StatusCode == http.StatusBadRequest || res.StatusCode == http.StatusRequestEntityTooLarge:
		return outbox.Permanent(fmt.Errorf("push service answered %s: %s", res.Status, strings.TrimSpace(string(detail))))
	}
	return fmt.Errorf("push service answered %s: %s", res.Status, strings.TrimSpace(string(detail)))
}

func (s *Service) runSend(ctx context.Context, raw []byte) error {
	var job sendJob
	if err := json.Unmarshal(raw, &job); err != nil {
		return outbox.Permanent(err)
	}
	sub, err := store.PushSubscriptionByID(s.db.Reader(ctx), job.SubscriptionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // unsubscribed meanwhile
	} else if err != nil {
		return err
	}
	err = s.send(ctx, sub, job.Payload, job.Topic)
	if err == nil {
		return nil
	}
	werr := s.db.Write(ctx, func(tx *store.Tx) error {
		if errors.Is(err, errGone) {
			return store.DeletePushSubscription(tx, sub.ID)
		}
		return store.RecordPushFailure(tx, sub.ID, err.Error())
	})
	if errors.Is(err, errGone) {
		return werr
	}
	if werr != nil {
		s.log.Warn("push: record failure", "err", werr)
	}
	return err
}
