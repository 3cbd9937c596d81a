package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// BenchmarkInsertMessage measures the writer's work for one message, 50
// conversations round-robin, batches of 50 (as 50 concurrent senders give):
//
//	go test ./internal/store -run '^$' -bench InsertMessage -benchtime 20000x
func BenchmarkInsertMessage(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b, store.SQLite)
	f := mustChats(b, db, 50)
	convs, buyers := f.convs, f.buyers
	b.ResetTimer()
	for i := 0; i < b.N; i += 50 {
		done := make(chan error, 50)
		for j := 0; j < 50 && i+j < b.N; j++ {
			n := i + j
			go func() {
				done <- db.Write(ctx, func(tx *store.Tx) error {
					_, _, err := store.InsertMessage(tx, store.NewMessage{ConversationID: convs[n%50], AuthorUserID: buyers[n%50], Side: "buyer",
						Kind: "text", Body: "hello there, is this still available?", ClientID: fmt.Sprint("c", n)})
					return err
				})
			}()
		}
		for j := 0; j < 50 && i+j < b.N; j++ {
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
	}
}
