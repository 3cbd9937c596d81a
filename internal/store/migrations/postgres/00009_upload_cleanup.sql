-- +goose Up
-- The clean-up of uploads never attached (package attachment): unattached
-- rows by age, the rows that still reference a blob, and blobs by when they
-- were last put. A blob's put time starts as its creation time.
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE message_id IS NULL;
CREATE INDEX attachments_sha256 ON attachments (sha256);
ALTER TABLE blobs ADD COLUMN touched_at BIGINT NOT NULL DEFAULT 0;
UPDATE blobs SET touched_at = created_at;
CREATE INDEX blobs_touched ON blobs (touched_at, key);

-- +goose Down
DROP INDEX blobs_touched;
ALTER TABLE blobs DROP COLUMN touched_at;
DROP INDEX attachments_sha256;
DROP INDEX attachments_unattached;
