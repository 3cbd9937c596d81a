-- +goose Up
-- Rate-limit buckets shared by the nodes of a cluster (internal/ratelimit):
-- one row per limited key with its GCRA theoretical arrival time (unix µs)
-- and whether the last check allowed. UNLOGGED: a check writes no WAL and
-- waits for no fsync, and after a crash the buckets start empty, which only
-- forgives. A row whose tat has passed is the same as no row: the clean-up
-- deletes those.
CREATE UNLOGGED TABLE rate_limits (
    key     TEXT PRIMARY KEY,
    tat     BIGINT NOT NULL,
    allowed BOOLEAN NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);

-- +goose Down
DROP TABLE rate_limits;
