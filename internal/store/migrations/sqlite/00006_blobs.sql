-- +goose Up
-- On SQLite attachment contents are files in the data dir (blob.Disk); the
-- blob tables exist on PostgreSQL only (see the postgres folder). Kept so
-- that both dialects have the same migration numbers.
SELECT 1;

-- +goose Down
SELECT 1;
