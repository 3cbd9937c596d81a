-- +goose Up
-- Order tickets (docs/tickets.md). Returns for inspection: a seller
-- proposes one in a ticket, the buyer accepts or declines it; at most one
-- proposal of a ticket waits for an answer at a time. The messages that
-- tell of them are immutable: the state lives here.
CREATE TABLE return_proposals (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace_id   INTEGER NOT NULL REFERENCES marketplaces(id),
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id),
    message_id       INTEGER REFERENCES messages(id),
    state            TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    proposed_by      INTEGER NOT NULL REFERENCES users(id),
    answered_by      INTEGER REFERENCES users(id),
    answer_note      TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    answered_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX return_proposals_conversation ON return_proposals (conversation_id, id);
CREATE UNIQUE INDEX return_proposals_open ON return_proposals (conversation_id) WHERE state = 'proposed';
-- The auto-close sweep: a marketplace's open tickets by last activity.
CREATE INDEX conversations_open_tickets ON conversations (marketplace_id, last_activity_at, id) WHERE kind = 'ticket' AND status <> 'closed';

-- +goose Down
DROP INDEX conversations_open_tickets;
DROP TABLE return_proposals;
