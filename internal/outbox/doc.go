// Package outbox owns Parley's side effects: e-mails, pushes, webhooks,
// connector replies and timers are jobs, recorded in the jobs table by the
// same write transaction as the change that causes them, and run afterwards
// by a Runner.
//
// Because the job row commits or rolls back with the change, nothing is sent
// for a change that rolled back, and nothing is lost when a node dies between
// the commit and the send. Queue.Enqueue also registers an after-commit hook
// that wakes the local Runner, so that a job normally starts a few
// milliseconds after its transaction commits; a poll (Options.PollInterval)
// catches jobs enqueued by other nodes and jobs whose run_at has come.
//
// The Runner claims due jobs with a lease (store.ClaimJobs: FOR UPDATE SKIP
// LOCKED on PostgreSQL, the single writer on SQLite) and runs them on a
// small pool of workers, each handler under a context that ends with the
// lease. A job whose runner dies stays "running" until its lease expires and
// is then retaken by any node, so delivery is at least once: handlers must be
// idempotent or tolerate a repeat. A failed attempt is retried after an
// exponential backoff with jitter (Backoff); after the job's max attempts, or
// at once when the handler returns Permanent(err), the job is "failed" with
// its last error kept for the operator (Runner.Failed, Runner.Requeue).
// Done jobs are pruned after Options.KeepDone.
//
// A job's DedupeKey makes enqueueing idempotent while a job is waiting: a
// second job with the key of a queued one is dropped. Once the first one has
// started, a new job with the key is queued again, so a change that happens
// during a send still gets its own send.
package outbox
