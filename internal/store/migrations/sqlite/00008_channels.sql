-- +goose Up
-- A conversation's channel (DESIGN §4): native (started on this
-- marketplace) or a connector (brought in from an external marketplace).
-- The external marketplaces that a tenant's connectors reach are named here
-- once: slug is stable ("ebay") and is the inbox's filter value, name is
-- what people read. A connector conversation points at its external
-- marketplace; NULL is native, so every existing conversation is native.
CREATE TABLE external_marketplaces (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id  INTEGER NOT NULL REFERENCES marketplaces(id),
    slug            TEXT NOT NULL,
    name            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (marketplace_id, slug)
);

ALTER TABLE conversations ADD COLUMN external_marketplace_id INTEGER REFERENCES external_marketplaces(id);
-- Only connector conversations take an entry: the list of marketplaces in
-- an inbox probes it once per external marketplace.
CREATE INDEX conversations_external ON conversations (external_marketplace_id, seller_org_id) WHERE external_marketplace_id IS NOT NULL;

-- +goose Down
SELECT 1;
