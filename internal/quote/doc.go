// Package quote owns quotes (docs/design.md, docs/api.md "Quotes"): the forms a
// marketplace sets per category path and per service product, the buyer's
// answers stored with a quote conversation, the seller's priced offers
// (inputs × unit price plus the marketplace's pricing parameters, in
// integer minor units of the currency) with versions and states, and the
// signed link in the buyer's mail that accepts an offer.
//
// Offers are messages of kind "quote" in the conversation (so every party's
// socket hears of them through the conversation's own events) plus rows in
// quotes / quote_versions. A new offer on an offered quote is a new version
// of it; older versions stay readable. Expiry is read, not written: an
// offered version past its valid_until is reported as expired and refuses
// acceptance, with no timer to run.
//
// The buyer's mail and the host's quote.accepted webhook are outbox jobs
// enqueued in the offer's or the acceptance's transaction. The link token
// is HMAC-SHA256 over quote, version, buyer and expiry with a key kept in
// the database (quote_keys, made by the first node that starts).
package quote
