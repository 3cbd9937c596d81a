// Package app wires Parley together: it turns a Config into running parts
// (store, bus, outbox runner, mailer, blob store, services, HTTP server),
// runs them, and closes them in reverse order. cmd/parley parses flags into
// a Config; end-to-end tests start the real thing through the same App.
package app
