-- +goose Up
-- Times are unix microseconds and flags are 0/1 integers in both dialects
-- so that one hand-written query serves SQLite and PostgreSQL.

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('change', 0);

CREATE TABLE marketplaces (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    slug                   TEXT NOT NULL UNIQUE,
    name                   TEXT NOT NULL,
    sso_secret             TEXT NOT NULL DEFAULT '',
    archive_after_us       INTEGER NOT NULL DEFAULT 604800000000,
    ticket_autoclose_us    INTEGER NOT NULL DEFAULT 2592000000000,
    unread_mail_after_us   INTEGER NOT NULL DEFAULT 900000000,
    created_at             INTEGER NOT NULL
);

CREATE TABLE api_keys (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    name           TEXT NOT NULL,
    key_hash       TEXT NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    external_id    TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL DEFAULT '',
    locale         TEXT NOT NULL DEFAULT 'en',
    password_hash  TEXT NOT NULL DEFAULT '',
    is_operator    INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (marketplace_id, external_id)
);
CREATE INDEX users_email ON users (marketplace_id, email);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE organizations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    external_id    TEXT NOT NULL,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    chat_enabled   INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (marketplace_id, external_id)
);

CREATE TABLE memberships (
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE products (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id  INTEGER NOT NULL REFERENCES marketplaces(id),
    external_id     TEXT NOT NULL,
    seller_org_id   INTEGER NOT NULL REFERENCES organizations(id),
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    code            TEXT NOT NULL DEFAULT '',
    tags            TEXT NOT NULL DEFAULT '[]',
    category        TEXT NOT NULL DEFAULT '[]',
    price_amount    TEXT NOT NULL DEFAULT '',
    price_currency  TEXT NOT NULL DEFAULT '',
    price_unit      TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL DEFAULT '',
    agents          TEXT NOT NULL DEFAULT '[]',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (marketplace_id, external_id)
);

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id  INTEGER NOT NULL REFERENCES marketplaces(id),
    external_id     TEXT NOT NULL,
    buyer_user_id   INTEGER NOT NULL REFERENCES users(id),
    seller_org_id   INTEGER NOT NULL REFERENCES organizations(id),
    status          TEXT NOT NULL,
    items           TEXT NOT NULL DEFAULT '[]',
    placed_at       INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (marketplace_id, external_id)
);
CREATE INDEX orders_buyer ON orders (buyer_user_id);

CREATE TABLE order_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id  INTEGER NOT NULL REFERENCES orders(id),
    type      TEXT NOT NULL,
    at        INTEGER NOT NULL,
    data      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX order_events_order ON order_events (order_id, at);

CREATE TABLE conversations (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id        INTEGER NOT NULL REFERENCES marketplaces(id),
    kind                  TEXT NOT NULL,
    status                TEXT NOT NULL,
    subject               TEXT NOT NULL DEFAULT '',
    buyer_user_id         INTEGER NOT NULL REFERENCES users(id),
    seller_org_id         INTEGER NOT NULL REFERENCES organizations(id),
    product_id            INTEGER REFERENCES products(id),
    order_id              INTEGER REFERENCES orders(id),
    page_url              TEXT NOT NULL DEFAULT '',
    assignee_user_id      INTEGER REFERENCES users(id),
    closed_reason         TEXT NOT NULL DEFAULT '',
    last_seq              INTEGER NOT NULL DEFAULT 0,
    last_activity_at      INTEGER NOT NULL,
    buyer_delivered_seq   INTEGER NOT NULL DEFAULT 0,
    buyer_read_seq        INTEGER NOT NULL DEFAULT 0,
    seller_delivered_seq  INTEGER NOT NULL DEFAULT 0,
    seller_read_seq       INTEGER NOT NULL DEFAULT 0,
    change_seq            INTEGER NOT NULL,
    search_text           TEXT NOT NULL DEFAULT '',
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
-- A buyer has few conversations: their list sorts in memory, and each message
-- updates one index fewer.
CREATE INDEX conversations_buyer ON conversations (buyer_user_id);
CREATE INDEX conversations_seller ON conversations (seller_org_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_market ON conversations (marketplace_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_open_key ON conversations (buyer_user_id, seller_org_id, kind, status);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id   INTEGER NOT NULL REFERENCES conversations(id),
    seq               INTEGER NOT NULL,
    author_user_id    INTEGER REFERENCES users(id),
    side              TEXT NOT NULL,
    organization_id   INTEGER REFERENCES organizations(id),
    kind              TEXT NOT NULL,
    body              TEXT NOT NULL,
    page_url          TEXT NOT NULL DEFAULT '',
    data              TEXT NOT NULL DEFAULT '',
    client_id         TEXT,
    change_seq        INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    UNIQUE (conversation_id, seq)
);
CREATE UNIQUE INDEX messages_client ON messages (author_user_id, client_id) WHERE client_id IS NOT NULL;

CREATE VIRTUAL TABLE message_fts USING fts5(
    body, content='messages', content_rowid='id',
    tokenize = "unicode61 remove_diacritics 2"
);
-- Messages are indexed by the group-commit writer once per batch (writer.go),
-- not by a trigger: FTS5 flushes its pending terms at every statement of a
-- transaction, and a flush per message would write a tiny segment each time.

CREATE VIRTUAL TABLE conversation_fts USING fts5(
    search_text, content='conversations', content_rowid='id',
    tokenize = "unicode61 remove_diacritics 2"
);
-- +goose StatementBegin
CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER conversations_fts_update AFTER UPDATE OF search_text ON conversations BEGIN
    INSERT INTO conversation_fts (conversation_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO conversation_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd

CREATE TABLE read_states (
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id),
    user_id          INTEGER NOT NULL REFERENCES users(id),
    read_seq         INTEGER NOT NULL DEFAULT 0,
    marked_unread    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, user_id)
);

CREATE TABLE attachments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id   INTEGER NOT NULL REFERENCES marketplaces(id),
    uploader_user_id INTEGER NOT NULL REFERENCES users(id),
    message_id       INTEGER REFERENCES messages(id),
    conversation_id  INTEGER REFERENCES conversations(id),
    name             TEXT NOT NULL,
    size             INTEGER NOT NULL,
    content_type     TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);

CREATE TABLE blocks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id   INTEGER NOT NULL REFERENCES marketplaces(id),
    blocker_user_id  INTEGER REFERENCES users(id),
    blocker_org_id   INTEGER REFERENCES organizations(id),
    blocked_user_id  INTEGER REFERENCES users(id),
    blocked_org_id   INTEGER REFERENCES organizations(id),
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX blocks_pair ON blocks (
    COALESCE(blocker_user_id, 0), COALESCE(blocker_org_id, 0),
    COALESCE(blocked_user_id, 0), COALESCE(blocked_org_id, 0));
CREATE INDEX blocks_blocked_user ON blocks (blocked_user_id);
CREATE INDEX blocks_blocked_org ON blocks (blocked_org_id);

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    dedupe_key    TEXT,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL DEFAULT 10,
    run_at        INTEGER NOT NULL,
    locked_until  INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'queued';

CREATE TABLE dev_mails (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    mail_to     TEXT NOT NULL,
    mail_from   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    body_html   TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);

CREATE TABLE webhooks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    url            TEXT NOT NULL,
    events         TEXT NOT NULL DEFAULT '[]',
    secret         TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

-- +goose Down
SELECT 1;
