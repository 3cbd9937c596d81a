-- +goose Up
-- Who is connected, per node: a node writes a row when a user's first socket
-- opens on it, refreshes its rows while they stay, and deletes the row when
-- the last socket closes. Rows of a node that died expire (updated_at).
CREATE TABLE presence (
    user_id     INTEGER NOT NULL REFERENCES users(id),
    node        TEXT NOT NULL,
    status      TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, node)
);
CREATE INDEX presence_node ON presence (node);

-- +goose Down
SELECT 1;
