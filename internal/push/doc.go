// Package push sends Web Push notifications (RFC 8030, payloads encrypted
// per RFC 8291, application server identified per RFC 8292 "VAPID") to
// the browsers of users who are not looking when a message reaches them.
//
// Keys. The installation has one VAPID key pair, made by the first node
// that starts and kept in the database (vapid_keys: an INSERT ... ON
// CONFLICT DO NOTHING, then a read, so nodes starting together agree on
// the pair). Browsers subscribe with its public key, and a subscription
// only works with the key it was made with, so the pair never changes.
//
// Subscriptions. A browser's PushSubscription (endpoint, p256dh, auth) is
// stored for the signed-in user. An endpoint is one browser profile: when
// another user subscribes with it, it moves to that user.
//
// Sending. The conversation service calls MessageSent inside the
// transaction of every message; it enqueues an outbox job per receiving
// side (deduplicated while queued, so a burst is one job). The job runs
// after commit and pushes the newest message of the other side to each
// receiving user (the buyer, or the seller company's members; never the
// author) who has push on in their settings, has not read the message yet
// and has no open WebSocket on any node at that moment (realtime
// Presence). A push service answering 404 or 410 has forgotten the
// subscription: it is deleted. Any other failure is recorded on the
// subscription and retried through its own outbox job (a few attempts:
// a late notification is worth little).
//
// Endpoints are URLs that users hand in, so pushes go through the shared
// guarded client (internal/safehttp): no connection to loopback, private
// or link-local addresses, no redirects, and failures recorded by class,
// not text. Only https endpoints are accepted.
package push
