// Package metrics owns Parley's Prometheus metrics: one registry per App
// (never the global one, so that tests can run several nodes in a process),
// the HTTP middleware that counts requests by route and status and times
// them, and the hooks the other parts report through (job runs, group-commit
// batches, rate-limit refusals). Parts that must not depend on Prometheus
// (the store, the job runner) expose plain callbacks that the app wires to
// this package; gauges that a part already counts (open sockets, queue
// depths) are read when Prometheus scrapes, so they cost nothing between
// scrapes.
//
// The metrics are served on their own listen address (--metrics-addr), not
// on the public one: they name routes and volumes that are nobody else's
// business. docs/metrics.md lists them, and docs/grafana-dashboard.json is a
// dashboard over them.
package metrics
