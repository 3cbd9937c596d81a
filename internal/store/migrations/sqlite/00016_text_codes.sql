-- +goose Up
-- A subject the server made, stored as meaning (a code and its
-- parameters, JSON: {"code":"ticket.order","params":{"order":"ORD-1001"}})
-- and said in each reader's language; '' for a subject someone wrote.
-- The subject column keeps the English words, for search and old clients.
ALTER TABLE conversations ADD COLUMN subject_code TEXT NOT NULL DEFAULT '';
-- Tickets stored before codes existed say "Order <id>" in English: those
-- whose subject is exactly that get the code.
UPDATE conversations SET subject_code = json_object('code', 'ticket.order', 'params', json_object('order', (SELECT o.external_id FROM orders o WHERE o.id = conversations.order_id)))
WHERE kind = 'ticket' AND order_id IS NOT NULL
  AND subject = 'Order ' || (SELECT o.external_id FROM orders o WHERE o.id = conversations.order_id);
-- A product's category path in other languages, as the host translates
-- it: {"it": ["Servizi professionali", ...], ...}, each path as long as
-- category (which stays the path forms are looked up by).
ALTER TABLE products ADD COLUMN category_translations TEXT NOT NULL DEFAULT '{}';
