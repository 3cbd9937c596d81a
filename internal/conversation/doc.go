// Package conversation owns the rules of talking: who may start a
// conversation and with whom, who is a party and on which side, how a
// message is sent (idempotent by client_id, gapless seq, immutable), how
// read and delivered pointers move, statuses, assignment, blocks, the
// archive and the sync feed.
//
// Every method takes the caller's principal and checks that the caller is a
// party (the buyer, a member of the seller company, or an operator of the
// marketplace) before anything is read or written; anything else is
// parley.ENotFound, never data. Writes go through the store's group-commit
// writer; events go to the bus after commit, and side effects (mail) are
// enqueued by Hooks inside the same transaction.
//
// Order tickets (ticket*.go) are conversations too: completing one, the
// sweep that closes idle ones (TicketCloser, an outbox job) and returns for
// inspection (a proposal by the seller, the buyer's answer) write messages
// under the same rules.
package conversation
