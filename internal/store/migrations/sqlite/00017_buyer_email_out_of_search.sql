-- +goose Up
-- Buyers' emails are private to sellers unless the marketplace shares them
-- (--share-buyer-email, docs/security.md): conversations started before
-- that rule carried the buyer's email in their search text, so an inbox
-- search by email found them. Take it out (the FTS5 index follows through
-- the conversations_fts_update trigger).
UPDATE conversations
SET search_text = REPLACE(search_text, (SELECT email FROM users WHERE users.id = conversations.buyer_user_id), '')
WHERE EXISTS (SELECT 1 FROM users WHERE users.id = conversations.buyer_user_id AND users.email <> ''
              AND instr(conversations.search_text, users.email) > 0);

-- +goose Down
SELECT 1;
