// Package webhook delivers events to the host marketplace's webhook
// endpoints (registered with POST /api/v1/host/webhooks).
//
// Emit runs inside the transaction of the change that causes the event: it
// enqueues one outbox job per subscribed endpoint, so an event is sent only
// for a change that committed and is never lost when a node dies. The job
// POSTs the event as JSON, signed as docs/design.md says:
//
//	Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" with the endpoint's secret>
//	Parley-Event-Id: <stable across retries>
//
// Any answer but 2xx is retried by the outbox with backoff; the job list of
// the operator endpoints (/api/v1/admin/jobs) is the delivery log. Each
// attempt's outcome is also kept on the endpoint (last success, last
// failure and its error, failures in a row), which the host reads in
// GET /api/v1/host/webhooks. Removing an endpoint drops its deliveries
// still waiting (DropDeliveries, in the removal's transaction); a delivery
// whose endpoint is gone ends without a request.
//
// Deliveries go through the shared guarded client (internal/safehttp): no
// internal addresses (unless Parley is started with
// --allow-internal-targets), no redirects, and the recorded error is the
// failure's class ("connection refused", "timeout", "blocked address",
// "http 503"), never its text.
package webhook
