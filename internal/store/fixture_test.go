package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
)

// chatFixture is a marketplace with one seller and n buyers, each in a chat
// with the seller.
type chatFixture struct {
	marketplace int64
	seller      int64
	buyers      []int64
	convs       []int64 // convs[i] is buyers[i]'s
}

// mustChats writes a chatFixture with n buyers.
func mustChats(tb testing.TB, db *store.DB, n int) chatFixture {
	tb.Helper()
	var f chatFixture
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		f = chatFixture{}
		m, err := store.EnsureMarketplace(tx, "m", "M")
		if err != nil {
			return err
		}
		seller, _, err := store.UpsertOrganization(tx, parley.Organization{MarketplaceID: m.ID, ExternalID: "s", Name: "S", Kind: "seller", ChatEnabled: true})
		if err != nil {
			return err
		}
		f.marketplace, f.seller = m.ID, seller.ID
		for i := range n {
			u, _, err := store.UpsertUser(tx, parley.User{MarketplaceID: m.ID, ExternalID: fmt.Sprint("u", i), Name: "U"})
			if err != nil {
				return err
			}
			id, err := store.InsertConversation(tx, store.NewConversation{MarketplaceID: m.ID, Kind: "chat", BuyerUserID: u.ID, SellerOrgID: seller.ID, SearchText: "u s"})
			if err != nil {
				return err
			}
			f.buyers, f.convs = append(f.buyers, u.ID), append(f.convs, id)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}
