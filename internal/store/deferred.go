package store

import (
	"errors"
	"fmt"
	"strings"
)

// On SQLite the messages of a batch are inserted together, a few dozen rows
// per INSERT, just before anything else in the batch could read them: one
// statement's setup (its cursors on the table and both indexes) for many
// rows instead of one each. InsertMessage takes the message's id itself (the
// batch is the only writer) and queues the row; the rows go in when the
// batch runs any other statement, and at the end, before commit. Should that
// INSERT fail (a client_id reused within the batch, say), the batch runs
// again with every row inserted at once, which pins the failure on its own
// request.

// deferredChunk bounds the rows of one INSERT (12 values each).
const deferredChunk = 64

// batchState is what the requests of one batch share across its runs.
type batchState struct {
	noDefer bool // a deferred INSERT failed: insert rows one by one
	// For the current run:
	rows     [][]any // queued message rows, in messageColumns order
	nextID   int64   // the next message id, 0 until read
	deferErr error   // the deferred INSERT failed in this run
}

const messageColumns = `id, conversation_id, seq, author_user_id, side, organization_id, kind, body, page_url, data, client_id, change_seq, created_at`

// deferMessage queues a message row (without its id) and returns the id it
// will have; ok is false when rows must be inserted at once.
func (tx *Tx) deferMessage(args []any) (id int64, ok bool, err error) {
	b := tx.batch
	if b == nil || b.noDefer || tx.dialect() != SQLite {
		return 0, false, nil
	}
	if b.nextID == 0 {
		// AUTOINCREMENT's high-water mark: ids are never reused.
		var seq int64
		err := tx.queryRowKeep(`SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)`).Scan(&seq)
		if err != nil {
			return 0, false, fmt.Errorf("message ids: %w", err)
		}
		b.nextID = seq + 1
	}
	id = b.nextID
	b.nextID++
	b.rows = append(b.rows, append([]any{id}, args...))
	return id, true, nil
}

// flushMessages inserts the queued rows. A failure is the batch's, not the
// current request's: it is recorded, and the writer runs the batch again
// without deferring.
func (tx *Tx) flushMessages() error {
	b := tx.batch
	if b == nil || len(b.rows) == 0 {
		return nil
	}
	rows := b.rows
	b.rows = nil
	for len(rows) > 0 {
		n := min(len(rows), deferredChunk)
		var q strings.Builder
		q.WriteString(`INSERT INTO messages (` + messageColumns + `) VALUES `)
		args := make([]any, 0, n*13)
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, r...)
		}
		var err error
		if st := tx.db.prepared(tx.db.write, q.String()); st != nil {
			_, err = tx.tx.Stmt(st).Exec(args...)
		} else {
			_, err = tx.tx.Exec(q.String(), args...)
		}
		if err != nil {
			b.deferErr = fmt.Errorf("insert messages: %w", err)
			return errors.Join(errDeferred, b.deferErr)
		}
		rows = rows[n:]
	}
	return nil
}

// errDeferred marks an error of the batch's deferred rows.
var errDeferred = errors.New("store: the batch's messages could not be inserted together")
