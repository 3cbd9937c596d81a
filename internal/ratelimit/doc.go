// Package ratelimit keeps Parley's rate limits: sign-in attempts per account
// and per client address, host sign-ins (SSO) per address, and per user
// conversation starts, messages and uploads, and host webhook registrations
// per marketplace (docs/security.md, "Rate limits").
//
// Each limit is a token bucket: Count tokens, refilled evenly over Per, so a
// burst of Count and then Count/Per. Every node checks a key in memory first
// (golang.org/x/time/rate, in shards): a node's own count never exceeds the
// cluster's, so a refusal there is always right and costs no round trip. On
// SQLite (one node) that is all. On PostgreSQL (a cluster) an allowed key
// is then checked in the shared table rate_limits with one UPSERT that runs
// GCRA (the generic cell rate algorithm: one theoretical arrival time per
// key), so the limits hold across nodes. The table is UNLOGGED: counters
// need no durability.
//
// A refused check is an *Exceeded error: problem code rate_limited (429)
// with a Retry-After in whole seconds. Run cleans up: buckets that are full
// again are dropped from memory and from the table every minute.
package ratelimit
