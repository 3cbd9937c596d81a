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

func TestWriter_GroupCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(`INSERT INTO marketplaces (slug, name, created_at) VALUES ('m', 'M', 0)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Many concurrent writers; every third fails and must leave nothing.
		var wg sync.WaitGroup
		errBoom := errors.New("boom")
		for i := 0; i < 300; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				err := db.Write(ctx, func(tx *store.Tx) error {
					if _, err := tx.Exec(`INSERT INTO api_keys (marketplace_id, name, key_hash, created_at) VALUES (1, 'k', ?, 0)`, fmt.Sprint(i)); err != nil {
						return err
					}
					if i%3 == 0 {
						return errBoom
					}
					return nil
				})
				if i%3 == 0 && !errors.Is(err, errBoom) {
					t.Errorf("Write(%d) = %v, want boom", i, err)
				} else if i%3 != 0 && err != nil {
					t.Errorf("Write(%d) = %v", i, err)
				}
			}(i)
		}
		wg.Wait()
		var n int
		if err := db.Reader(ctx).QueryRow(`SELECT COUNT(*) FROM api_keys`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 200 {
			t.Errorf("rows = %d, want 200", n)
		}
		// A unique violation maps to ErrConflict and spoils nothing else.
		err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(`INSERT INTO api_keys (marketplace_id, name, key_hash, created_at) VALUES (1, 'k', '1', 0)`)
			return err
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate insert = %v, want ErrConflict", err)
		}
	})
}
