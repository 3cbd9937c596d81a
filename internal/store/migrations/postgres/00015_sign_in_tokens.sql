-- +goose Up
-- Sign-in policy (docs/security.md, "Sign-in tokens (JWT)"): the issuer and
-- audience a marketplace's sign-in JWTs must carry ('' checks nothing), and
-- the sign-in JWTs already used, kept until they expire so that none is
-- accepted twice, on any node. token_key is the hex SHA-256 of the
-- marketplace and the token's jti (or of the whole token without one).
ALTER TABLE marketplaces ADD COLUMN sso_issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE marketplaces ADD COLUMN sso_audience TEXT NOT NULL DEFAULT '';
CREATE TABLE used_sign_in_tokens (
    token_key      TEXT PRIMARY KEY,
    marketplace_id BIGINT NOT NULL REFERENCES marketplaces(id),
    expires_at     BIGINT NOT NULL
);
CREATE INDEX used_sign_in_tokens_expiry ON used_sign_in_tokens (expires_at);

-- +goose Down
DROP TABLE used_sign_in_tokens;
