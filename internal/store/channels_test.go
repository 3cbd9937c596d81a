package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestChannels: conversations are native unless a connector brought them
// from an external marketplace; the list filters by channel, and each
// viewer sees the external marketplaces of their own conversations only.
func TestChannels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustChats(t, db, 3) // three native chats with seller "s"
		var ebay, etsy, amazon store.ExternalMarketplace
		var fromEbay, fromEtsy, elsewhere int64
		mustWrite(t, db, func(tx *store.Tx) error {
			var err error
			if ebay, err = store.EnsureExternalMarketplace(tx, f.marketplace, "ebay", "eBay"); err != nil {
				return err
			}
			if etsy, err = store.EnsureExternalMarketplace(tx, f.marketplace, "etsy", "Etsy"); err != nil {
				return err
			}
			if amazon, err = store.EnsureExternalMarketplace(tx, f.marketplace, "amazon", "Amazon"); err != nil {
				return err
			}
			other, _, err := store.UpsertOrganization(tx, parley.Organization{MarketplaceID: f.marketplace, ExternalID: "o", Name: "O", Kind: "seller", ChatEnabled: true})
			if err != nil {
				return err
			}
			if fromEbay, err = store.InsertConversation(tx, store.NewConversation{MarketplaceID: f.marketplace, Kind: "chat",
				BuyerUserID: f.buyers[0], SellerOrgID: f.seller, ExternalMarketplaceID: ebay.ID}); err != nil {
				return err
			}
			if fromEtsy, err = store.InsertConversation(tx, store.NewConversation{MarketplaceID: f.marketplace, Kind: "chat",
				BuyerUserID: f.buyers[1], SellerOrgID: f.seller, ExternalMarketplaceID: etsy.ID}); err != nil {
				return err
			}
			// Another seller's conversation from Amazon.
			elsewhere, err = store.InsertConversation(tx, store.NewConversation{MarketplaceID: f.marketplace, Kind: "chat",
				BuyerUserID: f.buyers[2], SellerOrgID: other.ID, ExternalMarketplaceID: amazon.ID})
			return err
		})
		q := db.Reader(ctx)
		seller := store.Viewer{UserID: -1, MarketplaceID: f.marketplace, OrgIDs: []int64{f.seller}}
		operator := store.Viewer{UserID: -1, MarketplaceID: f.marketplace, Operator: true}
		buyer2 := store.Viewer{UserID: f.buyers[2], MarketplaceID: f.marketplace}

		list := func(v store.Viewer, lf store.ListFilter) []int64 {
			t.Helper()
			lf.Limit = 50
			rows, err := store.ListConversations(q, v, lf)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, r := range rows {
				ids = append(ids, r.ID)
			}
			slices.Sort(ids)
			return ids
		}
		for _, tc := range []struct {
			name   string
			viewer store.Viewer
			filter store.ListFilter
			want   []int64
		}{
			{"SellerAll", seller, store.ListFilter{}, []int64{f.convs[0], f.convs[1], f.convs[2], fromEbay, fromEtsy}},
			{"SellerNative", seller, store.ListFilter{Native: true}, f.convs},
			{"SellerEbay", seller, store.ListFilter{ExternalMarketplace: "ebay"}, []int64{fromEbay}},
			{"SellerUnknown", seller, store.ListFilter{ExternalMarketplace: "nowhere"}, nil},
			{"SellerNotTheirs", seller, store.ListFilter{ExternalMarketplace: "amazon"}, nil},
			{"OperatorAmazon", operator, store.ListFilter{ExternalMarketplace: "amazon"}, []int64{elsewhere}},
			{"BuyerNative", buyer2, store.ListFilter{Native: true}, []int64{f.convs[2]}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := list(tc.viewer, tc.filter); !slices.Equal(got, tc.want) {
					t.Errorf("ListConversations = %v, want %v", got, tc.want)
				}
			})
		}

		// Rows name their external marketplace; native rows name none.
		row, err := store.ConversationForViewer(q, seller, fromEbay)
		if err != nil || row.ExternalMarketplaceSlug != "ebay" || row.ExternalMarketplaceName != "eBay" {
			t.Errorf("connector row = %q %q %v, want ebay eBay", row.ExternalMarketplaceSlug, row.ExternalMarketplaceName, err)
		}
		if row, err := store.ConversationByID(q, f.convs[0]); err != nil || row.ExternalMarketplaceSlug != "" || row.ExternalMarketplaceName != "" {
			t.Errorf("native row = %q %q %v, want no external marketplace", row.ExternalMarketplaceSlug, row.ExternalMarketplaceName, err)
		}

		// The marketplaces in each viewer's inbox, by name.
		slugs := func(v store.Viewer) []string {
			t.Helper()
			ems, err := store.ExternalMarketplacesForViewer(q, v)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, em := range ems {
				out = append(out, em.Slug+"="+em.Name)
			}
			return out
		}
		if got, want := slugs(seller), []string{"ebay=eBay", "etsy=Etsy"}; !slices.Equal(got, want) {
			t.Errorf("seller's marketplaces = %v, want %v", got, want)
		}
		if got, want := slugs(operator), []string{"amazon=Amazon", "ebay=eBay", "etsy=Etsy"}; !slices.Equal(got, want) {
			t.Errorf("operator's marketplaces = %v, want %v", got, want)
		}
		if got := slugs(store.Viewer{UserID: f.buyers[0], MarketplaceID: f.marketplace + 1000, Operator: true}); len(got) != 0 {
			t.Errorf("another marketplace's operator sees %v, want none", got)
		}
		if got, want := slugs(buyer2), []string{"amazon=Amazon"}; !slices.Equal(got, want) {
			t.Errorf("buyer's marketplaces = %v, want %v", got, want)
		}

		var again store.ExternalMarketplace
		var native, connector int64
		mustWrite(t, db, func(tx *store.Tx) error {
			var err error
			// Ensuring again keeps the row and takes the new name.
			if again, err = store.EnsureExternalMarketplace(tx, f.marketplace, "ebay", "eBay Italia"); err != nil {
				return err
			}
			// A native start reuses the native chat, never the newer one a
			// connector brought; a connector finds its own.
			if native, err = store.FindOpenConversation(tx, store.NewConversation{BuyerUserID: f.buyers[0], SellerOrgID: f.seller, Kind: "chat"}); err != nil {
				return err
			}
			connector, err = store.FindOpenConversation(tx, store.NewConversation{BuyerUserID: f.buyers[0], SellerOrgID: f.seller, Kind: "chat", ExternalMarketplaceID: ebay.ID})
			return err
		})
		if again.ID != ebay.ID {
			t.Errorf("EnsureExternalMarketplace again: id %d, want %d", again.ID, ebay.ID)
		}
		if native != f.convs[0] || connector != fromEbay {
			t.Errorf("FindOpenConversation native, from eBay = %d, %d, want %d, %d", native, connector, f.convs[0], fromEbay)
		}
		if got, want := slugs(seller), []string{"ebay=eBay Italia", "etsy=Etsy"}; !slices.Equal(got, want) {
			t.Errorf("seller's marketplaces after the rename = %v, want %v", got, want)
		}
	})
}
