-- +goose Up
-- The conversations' search text gets a table of its own, so that the GIN
-- index is maintained only when the text changes. On the conversations
-- table it was recomputed for every message: a message moves
-- last_activity_at, which other indexes hold, so the row's new version was
-- never a HOT update and every index, the GIN one included, took an entry.
CREATE TABLE conversation_search (
    conversation_id  BIGINT PRIMARY KEY REFERENCES conversations(id),
    search_text      TEXT NOT NULL
);
INSERT INTO conversation_search (conversation_id, search_text) SELECT id, search_text FROM conversations;
CREATE INDEX conversation_search_fts ON conversation_search USING GIN (to_tsvector('simple', regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g')));
DROP INDEX conversations_fts;

-- +goose StatementBegin
CREATE FUNCTION conversation_search_sync() RETURNS trigger AS $$
BEGIN
    INSERT INTO conversation_search (conversation_id, search_text) VALUES (NEW.id, NEW.search_text)
    ON CONFLICT (conversation_id) DO UPDATE SET search_text = EXCLUDED.search_text;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER conversation_search_insert AFTER INSERT ON conversations
    FOR EACH ROW EXECUTE FUNCTION conversation_search_sync();
CREATE TRIGGER conversation_search_update AFTER UPDATE OF search_text ON conversations
    FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) EXECUTE FUNCTION conversation_search_sync();

-- +goose Down
DROP TRIGGER conversation_search_update ON conversations;
DROP TRIGGER conversation_search_insert ON conversations;
DROP FUNCTION conversation_search_sync();
CREATE INDEX conversations_fts ON conversations USING GIN (to_tsvector('simple', regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g')));
DROP TABLE conversation_search;
