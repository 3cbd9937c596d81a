package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// On SQLite, messages reach the full-text index (message_fts) in a pass of
// their own, a few times a second, rather than in the batch that writes
// them: one FTS5 segment for hundreds of messages instead of one per batch,
// and the senders' batches stay short. The counter row "fts" is the last
// message id indexed, so a pass after a crash picks up where the last one
// committed. A search first catches the index up (CatchUpSearch): a message
// is found as soon as its sender has the answer. PostgreSQL indexes with an
// expression index and needs none of this.

// searchIndexPeriod is how often the background pass runs when messages
// wait.
const searchIndexPeriod = 250 * time.Millisecond

type searchIndexer struct {
	pending atomic.Bool // messages were written since the last pass began
	quit    chan struct{}
	done    chan struct{}
}

// startSearchIndexer makes sure the "fts" counter exists (on a database
// from before it, every message is indexed already) and starts the pass.
func (db *DB) startSearchIndexer(ctx context.Context) error {
	if db.Dialect != SQLite {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, `INSERT OR IGNORE INTO counters (name, value)
		SELECT 'fts', COALESCE(MAX(id), 0) FROM messages`); err != nil {
		return fmt.Errorf("search index counter: %w", err)
	}
	ix := &searchIndexer{quit: make(chan struct{}), done: make(chan struct{})}
	ix.pending.Store(true) // whatever the last run left
	db.search = ix
	go func() {
		defer close(ix.done)
		t := time.NewTicker(searchIndexPeriod)
		defer t.Stop()
		for {
			select {
			case <-ix.quit:
				return
			case <-t.C:
				if err := db.CatchUpSearch(context.Background()); err != nil {
					db.log.Error("full-text index pass", "err", err)
				}
			}
		}
	}()
	return nil
}

func (db *DB) stopSearchIndexer() {
	if db.search != nil {
		close(db.search.quit)
		<-db.search.done
	}
}

// messagesWritten notes that a committed batch wrote messages.
func (db *DB) messagesWritten() {
	if db.search != nil {
		db.search.pending.Store(true)
	}
}

// CatchUpSearch adds every message written so far to the full-text index,
// when some wait; call it before a search that reads message text.
func (db *DB) CatchUpSearch(ctx context.Context) error {
	if db.search == nil || !db.search.pending.Swap(false) {
		return nil
	}
	err := db.Write(ctx, indexPending)
	if err != nil {
		db.search.pending.Store(true)
	}
	return err
}

// indexPending indexes the messages after the "fts" counter.
func indexPending(tx *Tx) error {
	var from, to int64
	if err := tx.QueryRow(`SELECT value FROM counters WHERE name = 'fts'`).Scan(&from); err != nil {
		return fmt.Errorf("search index counter: %w", err)
	}
	if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM messages`).Scan(&to); err != nil {
		return err
	}
	if to <= from {
		return nil
	}
	if _, err := tx.Exec(`INSERT INTO message_fts (rowid, body) SELECT id, body FROM messages WHERE id > ? AND id <= ?`, from, to); err != nil {
		return fmt.Errorf("index messages: %w", err)
	}
	_, err := tx.Exec(`UPDATE counters SET value = ? WHERE name = 'fts'`, to)
	return err
}
