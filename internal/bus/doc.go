// Package bus carries events between the code that changes state and the
// code that pushes it to clients (the real-time sockets). Events are
// published after the change has committed; the bus may drop them (clients
// detect a seq gap and sync), so nothing durable depends on it.
//
// Topics name who should hear an event: "user.<id>" for one user,
// "org.<id>" for every member of a seller company, "ops.<marketplace id>"
// for a marketplace's operators. A Subscription hears one topic on its
// channel C, with a bounded buffer: publishing never blocks, and when the
// buffer is full the event is dropped and Dropped is set, telling the
// subscriber to resync. Close closes C; events already in it can still be
// read.
//
// Two implementations, chosen at start-up:
//
//   - Memory, the default, hands events to the subscribers of this process
//     synchronously inside Publish. It serves a single node.
//   - NATS joins the nodes of a cluster through a NATS server
//     (PARLEY_NATS_URL), with core NATS: at most once, which is all the
//     design asks. An event goes to the subject "parley.ev.<topic>" as
//     JSON, one message per distinct topic. Each node holds one NATS
//     subscription per topic that has local subscribers, fans its messages
//     out to them without blocking, and unsubscribes when the last one
//     closes. A node's own events come back through the server (echo is
//     on) and are delivered only then, so each reaches a subscriber once.
//     The connection reconnects forever with backoff; losing it flags every
//     subscriber as Dropped, since events published meanwhile are gone.
package bus
