// Package identity signs people in and tells who is calling.
//
// Three kinds of credentials exist. Local accounts (created by `parley user
// add` or the demo seed) sign in with an email and a password hashed with
// argon2id. Host marketplaces sign their users in with an HS256 JWT made with
// the marketplace's SSO secret; validation follows RFC 8725: an algorithm
// allow-list (so "none" and RS/HS key confusion are refused), exp required,
// a small leeway for clock skew. Both give a session: a random bearer token
// whose SHA-256 is stored, so a database leak does not leak sessions;
// revoking the row (logout) ends it at once. Host servers call with API keys,
// also stored only as SHA-256 hashes.
package identity
