package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/store"
)

// TestReopen: a database closed cleanly (SQLite then removes its WAL) opens
// again, and what was acknowledged before is there.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		db, err := store.Open(ctx, store.Config{Dir: dir})
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := store.EnsureMarketplace(tx, "m", "M")
			if err != nil {
				return err
			}
			_, err = tx.Exec(`UPDATE marketplaces SET name = name || 'x' WHERE slug = 'm'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		m, err := store.MarketplaceBySlug(db.Reader(ctx), "m")
		if err != nil {
			t.Fatal(err)
		}
		if want := "M" + strings.Repeat("x", i+1); m.Name != want {
			t.Errorf("name after open #%d = %q, want %q", i, m.Name, want)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
