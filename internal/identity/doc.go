// Package identity signs people in and tells who is calling.
//
// Three kinds of credentials exist. Local accounts (created by `parley user
// add` or the demo seed) sign in with an email and a password hashed with
// argon2id. Host marketplaces sign their users in with an HS256 JWT made with
// the marketplace's SSO secret; validation follows RFC 8725: an algorithm
// allow-list (so "none" and RS/HS key confusion are refused), strict
// base64url, no crit header, numeric iat and exp with a capped lifetime, iss
// and aud when the marketplace expects them, a small leeway for clock skew,
// and single use: each token's jti (or hash) is recorded in the database
// until it expires, and a periodic job (identity.token_sweep) deletes the
// expired ones (docs/security.md, "Sign-in tokens"). Both give a session: a random bearer token
// whose SHA-256 is stored, so a database leak does not leak sessions;
// revoking the row (logout) ends it at once. Host servers call with API keys,
// also stored only as SHA-256 hashes.
package identity
