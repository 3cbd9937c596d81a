-- +goose Up
-- On SQLite the conversations' search text is indexed by FTS5
-- (conversation_fts, 00001), whose trigger runs only when the text
-- changes; PostgreSQL moves its GIN index to a table of its own here. Kept
-- so that both dialects have the same migration numbers.
SELECT 1;

-- +goose Down
SELECT 1;
