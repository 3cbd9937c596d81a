package store_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestBuyerEmailLeavesSearchText: migration 00017 takes buyers' emails out
// of the search text of conversations started before emails became private
// (on SQLite its FTS5 index too), and leaves the rest of the text.
func TestBuyerEmailLeavesSearchText(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			cfg := storetest.Config(t, d)
			cfg.MigrateTo = 16 // before 00017
			old, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = old.Write(ctx, func(tx *store.Tx) error {
				m, err := store.EnsureMarketplace(tx, "m", "M")
				if err != nil {
					return err
				}
				s, _, err := store.UpsertOrganization(tx, parley.Organization{MarketplaceID: m.ID, ExternalID: "s", Name: "Acme", Kind: "seller", ChatEnabled: true})
				if err != nil {
					return err
				}
				u, _, err := store.UpsertUser(tx, parley.User{MarketplaceID: m.ID, ExternalID: "anna", Name: "Anna", Email: "anna@example.com"})
				if err != nil {
					return err
				}
				_, err = store.InsertConversation(tx, store.NewConversation{MarketplaceID: m.ID, Kind: "chat", Subject: "Oak table",
					BuyerUserID: u.ID, SellerOrgID: s.ID, SearchText: "Oak table Anna anna@example.com Acme"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			old.Close()

			cfg.MigrateTo = 0
			db, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var text string
			if err := db.Reader(ctx).QueryRow(`SELECT search_text FROM conversations`).Scan(&text); err != nil {
				t.Fatal(err)
			}
			if text != "Oak table Anna  Acme" {
				t.Errorf("search_text = %q, want the email gone and the rest kept", text)
			}
			indexed := `SELECT COUNT(*) FROM conversation_fts WHERE conversation_fts MATCH '"example"'`
			if d == store.Postgres {
				indexed = `SELECT COUNT(*) FROM conversation_search WHERE search_text LIKE '%example%'`
			}
			var n int
			if err := db.Reader(ctx).QueryRow(indexed).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("the search index still finds the email in %d conversations", n)
			}
		})
	}
}
