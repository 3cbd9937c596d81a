// Package notify tells people about conversations when they are not
// looking: an email to the seller company's owners when a buyer starts a
// conversation (owners only, not sales managers), and a digest email to a
// party whose messages stay unread for the marketplace's period (one mail
// for many messages: a queued digest job per conversation and side absorbs
// the messages that follow it).
//
// A user who switched email off in their settings (internal/settings) gets
// neither.
//
// Both are outbox jobs enqueued in the transaction of the change, so a mail
// is sent only for a change that committed, and is retried until it goes.
package notify
