// Package safehttp is Parley's one guard for outgoing requests to addresses
// that outsiders give it: host webhooks, Web Push endpoints, and the
// connectors to come.
//
// Such an address may name anything the server can reach: its own loopback
// services, the cloud's metadata service (169.254.169.254), the private
// network. NewClient's dialer therefore checks every address it is about to
// connect to, after name resolution (net.Dialer.Control), so a name that
// resolves to an internal address, or starts to (DNS rebinding), is refused
// as surely as a literal one. The client follows no redirect (a 307 would
// re-send a signed body elsewhere) and uses no proxy from the environment.
//
// CheckURL is the same rule at registration, for what can be seen without
// resolving (literal addresses, localhost). Class turns a failure into a
// short class ("connection refused", "timeout", "blocked address",
// "http 503") that is safe to show to whoever gave the address: the error's
// text would tell them which internal ports are open.
//
// Internal targets are allowed only when the Policy says so, for
// development (the demo shop lives on Parley's own address) and tests.
package safehttp
