-- +goose Up
-- A user's own notification settings; a user without a row has the
-- defaults (locale '' = follow the browser, everything on).
CREATE TABLE user_settings (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id),
    locale      TEXT NOT NULL DEFAULT '',
    sound       INTEGER NOT NULL DEFAULT 1,
    push        INTEGER NOT NULL DEFAULT 1,
    email       INTEGER NOT NULL DEFAULT 1,
    updated_at  INTEGER NOT NULL
);

-- Web Push subscriptions of browsers (RFC 8030 endpoints). An endpoint
-- belongs to one browser profile, so it is unique: the last user to
-- subscribe with it owns it.
CREATE TABLE push_subscriptions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id   INTEGER NOT NULL REFERENCES marketplaces(id),
    user_id          INTEGER NOT NULL REFERENCES users(id),
    endpoint         TEXT NOT NULL UNIQUE,
    p256dh           TEXT NOT NULL,
    auth             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    last_failure_at  INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
CREATE INDEX push_subscriptions_marketplace ON push_subscriptions (marketplace_id);

-- The VAPID key pair (RFC 8292) of the whole installation: one row, made
-- by the first node that starts (INSERT ... ON CONFLICT DO NOTHING), read
-- by every other.
CREATE TABLE vapid_keys (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    public_key   TEXT NOT NULL,
    private_key  TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);

-- +goose Down
SELECT 1;
