-- +goose Up
-- Attachment contents when Parley runs on PostgreSQL: every node reads what
-- any node stored. A blob is its chunks (1 MiB each, in order) and a row
-- that exists once all of them are written.
CREATE TABLE blobs (
    key         TEXT PRIMARY KEY,
    size        BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE TABLE blob_chunks (
    key   TEXT NOT NULL,
    n     INTEGER NOT NULL,
    data  BYTEA NOT NULL,
    PRIMARY KEY (key, n)
);

-- +goose Down
DROP TABLE blob_chunks;
DROP TABLE blobs;
