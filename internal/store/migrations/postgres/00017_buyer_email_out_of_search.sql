-- +goose Up
-- Buyers' emails are private to sellers unless the marketplace shares them
-- (--share-buyer-email, docs/security.md): conversations started before
-- that rule carried the buyer's email in their search text, so an inbox
-- search by email found them. Take it out (conversation_search, which the
-- search reads, follows through its trigger).
UPDATE conversations c
SET search_text = REPLACE(c.search_text, u.email, '')
FROM users u
WHERE u.id = c.buyer_user_id AND u.email <> '' AND strpos(c.search_text, u.email) > 0;

-- +goose Down
SELECT 1;
