package store

import (
	"fmt"
	"slices"
	"time"
)

// ExpireUploads deletes up to limit attachments that no message took and
// that were created before the time, oldest first, and returns how many it
// deleted and the distinct blob keys (sorted) those rows referenced. A
// concurrent send that attaches one of them first keeps it: the DELETE
// checks message_id again on the row it deletes.
func ExpireUploads(tx *Tx, createdBefore time.Time, limit int) (int, []string, error) {
	rows, err := tx.Query(`DELETE FROM attachments
		WHERE id IN (SELECT id FROM attachments WHERE message_id IS NULL AND created_at < ? ORDER BY created_at, id LIMIT ?)
		  AND message_id IS NULL
		RETURNING sha256`, Micros(createdBefore), limit)
	if err != nil {
		return 0, nil, fmt.Errorf("expire uploads: %w", mapError(err))
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return 0, nil, fmt.Errorf("expire uploads: %w", mapError(err))
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("expire uploads: %w", mapError(err))
	}
	n := len(keys)
	slices.Sort(keys)
	return n, slices.Compact(keys), nil
}

// ReferencedBlobs returns the keys among keys that some attachment row,
// attached or not, references.
func ReferencedBlobs(q Querier, keys []string) (map[string]bool, error) {
	out := make(map[string]bool)
	for chunk := range slices.Chunk(keys, attachmentChunk) {
		args := make([]any, len(chunk))
		for i, k := range chunk {
			args[i] = k
		}
		rows, err := q.Query(`SELECT DISTINCT sha256 FROM attachments WHERE sha256 IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("referenced blobs: %w", mapError(err))
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("referenced blobs: %w", mapError(err))
			}
			out[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("referenced blobs: %w", mapError(err))
		}
	}
	return out, nil
}
