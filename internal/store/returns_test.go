package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestReturnProposals: one proposal of a conversation waits for an answer
// at a time (the partial unique index, whatever the caller checked); an
// answer is taken once; the latest proposal is the one answered.
func TestReturnProposals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustChats(t, db, 2)
		var seller int64
		write := func(fn func(tx *store.Tx) error) error { return db.Write(ctx, fn) }
		if err := write(func(tx *store.Tx) error {
			u, _, err := store.UpsertUser(tx, parley.User{MarketplaceID: f.marketplace, ExternalID: "owner", Name: "Owner"})
			seller = u.ID
			return err
		}); err != nil {
			t.Fatal(err)
		}
		propose := func(conv int64, note string) (int64, error) {
			var id int64
			err := write(func(tx *store.Tx) (err error) {
				id, err = store.InsertReturnProposal(tx, store.NewReturnProposal{MarketplaceID: f.marketplace, ConversationID: conv, Note: note, ProposedBy: seller})
				return err
			})
			return id, err
		}
		first, err := propose(f.convs[0], "one")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := propose(f.convs[0], "two"); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second open proposal = %v, want ErrConflict", err)
		}
		if _, err := propose(f.convs[1], "elsewhere"); err != nil {
			t.Fatalf("an open proposal in another conversation: %v", err)
		}
		answer := func(id int64, state string) bool {
			var ok bool
			if err := write(func(tx *store.Tx) (err error) {
				ok, err = store.AnswerReturnProposal(tx, id, state, seller, "n")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !answer(first, store.ReturnDeclined) || answer(first, store.ReturnAccepted) {
			t.Error("a proposal was answered twice")
		}
		second, err := propose(f.convs[0], "again")
		if err != nil {
			t.Fatalf("a new proposal after the answer: %v", err)
		}
		q := db.Reader(ctx)
		latest, err := store.LatestReturnProposal(q, f.convs[0])
		if err != nil || latest.ID != second || latest.State != store.ReturnProposed || latest.ProposedByExternal != "owner" {
			t.Errorf("latest = %+v %v, want the second, proposed", latest, err)
		}
		old, err := store.ReturnProposalByID(q, first)
		if err != nil || old.State != store.ReturnDeclined || old.AnswerNote != "n" || old.AnsweredAt.IsZero() {
			t.Errorf("the first = %+v %v, want declined with its note and time", old, err)
		}
		if _, err := store.OpenReturnProposal(q, f.convs[0]); err != nil {
			t.Errorf("open proposal: %v", err)
		}
	})
}
