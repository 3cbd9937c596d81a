package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/store"
)

// ConnectorConversation stores an open conversation as a marketplace
// connector will bring it in: between the buyer and the seller company
// (host external ids) of the marketplace with marketplaceSlug, from the
// external marketplace slug/name. Test-only: no connector exists yet, and
// the demo has no such data. It returns the conversation's id; write its
// messages through the API.
func ConnectorConversation(tb testing.TB, db *store.DB, marketplaceSlug, slug, name, buyer, seller, subject string) int64 {
	tb.Helper()
	var id int64
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		m, err := store.MarketplaceBySlug(tx, marketplaceSlug)
		if err != nil {
			return err
		}
		u, err := store.UserByExternalID(tx, m.ID, buyer)
		if err != nil {
			return err
		}
		o, err := store.OrganizationByExternalID(tx, m.ID, seller)
		if err != nil {
			return err
		}
		em, err := store.EnsureExternalMarketplace(tx, m.ID, slug, name)
		if err != nil {
			return err
		}
		id, err = store.InsertConversation(tx, store.NewConversation{MarketplaceID: m.ID, Kind: "chat", Subject: subject,
			BuyerUserID: u.ID, SellerOrgID: o.ID, ExternalMarketplaceID: em.ID,
			SearchText: strings.Join([]string{subject, u.Name, u.Email, o.Name}, " ")})
		return err
	})
	if err != nil {
		tb.Fatalf("connector conversation from %s: %v", slug, err)
	}
	return id
}
