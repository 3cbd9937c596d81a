-- +goose Up
-- Nothing: on SQLite (one node) the rate limits are kept in memory
-- (internal/ratelimit); the number matches the PostgreSQL migration that
-- adds the shared rate_limits table.
SELECT 1;

-- +goose Down
SELECT 1;
