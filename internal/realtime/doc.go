// Package realtime carries events to clients over WebSocket
// (GET /api/v1/ws).
//
// A node runs one Hub. The Hub takes every event from the bus (published
// after commit by the services, on this node or, with NATS, on any node) and
// hands it to the sockets of the users it concerns: the buyer
// ("user.<id>"), the members of the seller company ("org.<id>") and the
// marketplace's operators ("ops.<id>"). What a socket sends is rendered for
// its user: a conversation.updated event is read as that user sees the
// conversation (their unread count, their pointers).
//
// Memory is bounded per socket. A socket has no goroutine while idle except
// its reader; outgoing frames wait in a small queue drained by a writer
// goroutine that exists only while there is something to write. When the
// queue is full, typing and presence frames are dropped first; if a message
// or an update still does not fit, the socket is sent "resync" and closed
// with code 4000: the client reconnects and syncs from its cursor. Nothing
// is lost: the bus is only a fast path in front of GET /api/v1/sync.
//
// What a client sends is bounded too (limits.go): a frame header claiming
// more than MaxClientMessage, or fragments adding up to more, close the
// socket with 1009 before the payload is read; a user and a session may
// hold only so many sockets (Limits), and one more is refused with 429
// before the upgrade.
//
// Every few seconds the Hub checks each socket's credentials again, so a
// revoked session or a removed membership stops the events within seconds.
package realtime
