// Package loadgen is a load generator for Parley's HTTP API: it measures how
// many messages per second the server acknowledges (2xx on
// POST /api/v1/conversations/{id}/messages) with many concurrent senders, and
// the latency of each send (p50, p95, p99, max).
//
// Run sets up a small marketplace through the host API — one seller company
// with an owner, one product and one buyer per conversation — signs every
// user in with a host SSO JWT, starts one conversation per buyer and then lets
// Options.Senders goroutines send messages, each as the buyer of its own
// conversation (with Options.SellerReplies, every second sender answers as the
// seller in its neighbour's conversation). Every message has a unique
// client_id, so no send is an idempotent replay.
//
// The command "parley loadgen" and scripts/bench-send.sh drive it; the
// figures are in BENCHMARKS.md.
package loadgen
