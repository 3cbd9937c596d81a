package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestBatchedMessages: messages written by concurrent requests (on SQLite
// inserted together at the end of their batch) get the ids they were told,
// gapless seqs, and a client_id used again, in the batch or before it, fails
// only its own request.
func TestBatchedMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustChats(t, db, 1)
		conv, buyer := f.convs[0], f.buyers[0]
		send := func(clientIDs ...string) ([]store.MessageRow, error) {
			var out []store.MessageRow
			err := db.Write(ctx, func(tx *store.Tx) error {
				out = out[:0]
				for _, c := range clientIDs {
					row, _, err := store.InsertMessage(tx, store.NewMessage{ConversationID: conv, AuthorUserID: buyer, Side: "buyer", Kind: "text", Body: "b " + c, ClientID: c})
					if err != nil {
						return err
					}
					out = append(out, row)
				}
				return nil
			})
			return out, err
		}
		if _, err := send("first"); err != nil {
			t.Fatal(err)
		}
		// One request reusing a client id of its own, and one reusing a
		// committed one: each fails alone, with nothing of it kept.
		if _, err := send("own-1", "own-1"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a request sending one client_id twice = %v, want ErrConflict", err)
		}
		// Concurrent requests, one of them a retry of "first".
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[string]store.MessageRow{}
		var retryErr error
		for i := range 40 {
			wg.Go(func() {
				c := fmt.Sprint("c-", i)
				if i == 17 {
					c = "first"
				}
				rows, err := send(c, c+"-b")
				mu.Lock()
				defer mu.Unlock()
				if c == "first" {
					retryErr = err
					return
				}
				if err != nil {
					t.Errorf("send %s: %v", c, err)
					return
				}
				for _, r := range rows {
					got[r.ClientID] = r
				}
			})
		}
		wg.Wait()
		if !errors.Is(retryErr, store.ErrConflict) {
			t.Errorf("a retry of a committed client_id = %v, want ErrConflict", retryErr)
		}
		for c, want := range got {
			row, err := store.MessageByClientID(db.Reader(ctx), buyer, c)
			if err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			if row.ID != want.ID || row.Seq != want.Seq || row.Body != "b "+c {
				t.Errorf("%s stored as id %d seq %d %q; the writer said id %d seq %d", c, row.ID, row.Seq, row.Body, want.ID, want.Seq)
			}
		}
		all, err := store.MessagesAfter(db.Reader(ctx), conv, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1+2*39 {
			t.Errorf("%d messages stored, want %d", len(all), 1+2*39)
		}
		for i, m := range all {
			if m.Seq != int64(i+1) {
				t.Fatalf("message %d has seq %d: gap or duplicate", i, m.Seq)
			}
			if m.ClientID == "own-1" {
				t.Errorf("the failed request's message was kept")
			}
		}
	})
}
