-- +goose Up
-- The clean-up of uploads never attached (package attachment): unattached
-- rows by age, and the rows that still reference a blob. On SQLite blobs
-- are files whose modification time is their put time (blob.Disk).
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE message_id IS NULL;
CREATE INDEX attachments_sha256 ON attachments (sha256);

-- +goose Down
DROP INDEX attachments_sha256;
DROP INDEX attachments_unattached;
