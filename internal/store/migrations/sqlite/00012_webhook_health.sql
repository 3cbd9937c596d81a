-- +goose Up
-- Webhook delivery health (docs/host-integration.md): the host lists its
-- registrations with when a delivery last succeeded and failed, the last
-- error, and how many attempts failed in a row since the last success.
ALTER TABLE webhooks ADD COLUMN last_success_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhooks ADD COLUMN last_failure_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhooks ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE webhooks ADD COLUMN failing INTEGER NOT NULL DEFAULT 0;
CREATE INDEX webhooks_marketplace ON webhooks (marketplace_id, id);

-- +goose Down
DROP INDEX webhooks_marketplace;
