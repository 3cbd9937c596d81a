-- +goose Up
-- Jobs and dev mails belong to the marketplace whose change caused them, so
-- that its operators see their own outbox and mailbox. 0: not tied to a
-- marketplace (jobs and mails from before this migration, system jobs).

ALTER TABLE jobs ADD COLUMN marketplace_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_marketplace_state ON jobs (marketplace_id, state, id);
CREATE INDEX jobs_marketplace ON jobs (marketplace_id, id);

ALTER TABLE dev_mails ADD COLUMN marketplace_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX dev_mails_marketplace ON dev_mails (marketplace_id, id);

-- +goose Down
SELECT 1;
