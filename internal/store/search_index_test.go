package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/store"
)

// TestSearchCatchUp: a message is found by its text once CatchUpSearch has
// run (what a search does first), also when the process stopped before the
// background pass indexed it.
func TestSearchCatchUp(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var v store.Viewer
	var conv int64
	search := func(db *store.DB, word string) int {
		t.Helper()
		if err := db.CatchUpSearch(ctx); err != nil {
			t.Fatal(err)
		}
		rows, err := store.ListConversations(db.Reader(ctx), v, store.ListFilter{Query: word, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	send := func(db *store.DB, body string) {
		t.Helper()
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, _, err := store.InsertMessage(tx, store.NewMessage{ConversationID: conv, AuthorUserID: v.UserID, Side: "buyer", Kind: "text", Body: body})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for round := 0; round < 3; round++ {
		db, err := store.Open(ctx, store.Config{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if round == 0 {
			f := mustChats(t, db, 1)
			conv, v = f.convs[0], store.Viewer{UserID: f.buyers[0], MarketplaceID: f.marketplace}
		}
		// Found at once, before the background pass.
		word := fmt.Sprintf("pelican%d", round)
		send(db, "a "+word+" flew by")
		if n := search(db, word); n != 1 {
			t.Errorf("round %d: search %q right after sending = %d conversations, want 1", round, word, n)
		}
		// Written just before the close: found after the next open.
		send(db, fmt.Sprintf("an albatross%d too", round))
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if round > 0 {
			if n := search(db2(t, dir), fmt.Sprintf("albatross%d", round-1)); n != 1 {
				t.Errorf("round %d: message written before the close not found after reopening", round)
			}
		}
	}
	// Each message indexed once: a word in one message matches one row.
	db := db2(t, dir)
	if err := db.CatchUpSearch(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.Reader(ctx).QueryRow(`SELECT COUNT(*) FROM message_fts WHERE message_fts MATCH 'pelican0'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("pelican0 indexed %d times, want 1", n)
	}
}

// db2 opens the database in dir until the test ends.
func db2(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
