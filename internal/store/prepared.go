package store

import (
	"database/sql"
	"sync"
)

// maxPrepared bounds the statement cache: dynamic queries (lists with
// filters) beyond it simply run unprepared.
const maxPrepared = 1000

// prepared returns a cached prepared statement for q on pool (SQLite only;
// nil on PostgreSQL or when q cannot be prepared). database/sql prepares it
// again on each connection of the pool as needed and keeps it there.
func (db *DB) prepared(pool *sql.DB, q string) *sql.Stmt {
	if db.Dialect != SQLite {
		return nil
	}
	cache := &db.readStmts
	if pool == db.write {
		cache = &db.writeStmts
	}
	if v, ok := cache.Load(q); ok {
		return v.(*sql.Stmt)
	}
	if pool == db.write {
		// The writer's one connection is inside a transaction now:
		// preparing would wait for it forever. Prepare after the commit.
		db.pendingMu.Lock()
		if len(db.pending) < maxPrepared {
			db.pending = append(db.pending, q)
		}
		db.pendingMu.Unlock()
		return nil
	}
	return db.prepareInto(pool, cache, q)
}

// preparePending prepares the writer's statements seen in the last
// transaction, now that its connection is free.
func (db *DB) preparePending() {
	db.pendingMu.Lock()
	qs := db.pending
	db.pending = nil
	db.pendingMu.Unlock()
	for _, q := range qs {
		if _, ok := db.writeStmts.Load(q); !ok {
			db.prepareInto(db.write, &db.writeStmts, q)
		}
	}
}

func (db *DB) prepareInto(pool *sql.DB, cache *sync.Map, q string) *sql.Stmt {
	if db.stmtCount.Load() >= maxPrepared {
		return nil
	}
	st, err := pool.Prepare(q)
	if err != nil {
		return nil
	}
	if v, loaded := cache.LoadOrStore(q, st); loaded {
		st.Close()
		return v.(*sql.Stmt)
	}
	db.stmtCount.Add(1)
	return st
}
