-- +goose Up
-- Quotes (DESIGN §1, API.md "Quotes"). The marketplace's quote forms: a
-- form for a category path (scope 'category', path the lower-cased path
-- joined with '/', applying to its subcategories unless they have their
-- own) or for one product (scope 'product', path its external id). steps is
-- the JSON of the form's steps.
CREATE TABLE quote_forms (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id  INTEGER NOT NULL REFERENCES marketplaces(id),
    scope           TEXT NOT NULL,
    path            TEXT NOT NULL,
    steps           TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (marketplace_id, scope, path)
);

-- A marketplace's quote settings: where the buyer's cart is (the signed
-- link's confirmation leads there) and the pricing parameters sellers may
-- add to an offer (JSON list of {name,label,kind,value}).
CREATE TABLE quote_settings (
    marketplace_id  INTEGER PRIMARY KEY REFERENCES marketplaces(id),
    cart_url        TEXT NOT NULL DEFAULT '',
    parameters      TEXT NOT NULL DEFAULT '[]',
    updated_at      INTEGER NOT NULL
);

-- A quote conversation's request: the product and the buyer's form
-- answers (JSON), the latest the buyer sent.
CREATE TABLE quote_requests (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
    product_id      INTEGER NOT NULL REFERENCES products(id),
    answers         TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- A seller's quote: its current version and state. Amounts are integers in
-- the currency's minor units.
CREATE TABLE quotes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id   INTEGER NOT NULL REFERENCES marketplaces(id),
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id),
    product_id       INTEGER NOT NULL REFERENCES products(id),
    buyer_user_id    INTEGER NOT NULL REFERENCES users(id),
    seller_org_id    INTEGER NOT NULL REFERENCES organizations(id),
    state            TEXT NOT NULL,
    version          INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX quotes_conversation ON quotes (conversation_id, id);

-- Every version of a quote stays readable.
CREATE TABLE quote_versions (
    quote_id        INTEGER NOT NULL REFERENCES quotes(id),
    version         INTEGER NOT NULL,
    inputs          TEXT NOT NULL,
    lines           TEXT NOT NULL,
    adjustments     TEXT NOT NULL,
    total_minor     INTEGER NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    valid_until     INTEGER NOT NULL,
    author_user_id  INTEGER NOT NULL REFERENCES users(id),
    message_id      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (quote_id, version)
);

-- The HMAC key of the signed quote links: one row, made by the first node
-- that starts (INSERT ... ON CONFLICT DO NOTHING), read by every other.
CREATE TABLE quote_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- +goose Down
SELECT 1;
