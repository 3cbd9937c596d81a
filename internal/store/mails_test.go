package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestDevMails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var ids []int64
		for _, subject := range []string{"one", "two", "three"} {
			mustWrite(t, db, func(tx *store.Tx) error {
				id, err := store.InsertDevMail(tx, store.DevMail{
					To: []string{"a@example.com", `"Doe, J" <j@example.com>`}, From: "parley@example.com",
					Subject: subject, Text: "text " + subject, HTML: "<p>" + subject + "</p>",
				})
				ids = append(ids, id)
				return err
			})
		}
		q := db.Reader(context.Background())
		m, err := store.DevMailByID(q, store.AllMarketplaces, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"a@example.com", `"Doe, J" <j@example.com>`}; !slices.Equal(m.To, want) {
			t.Errorf("To = %q, want %q", m.To, want)
		}
		if m.Subject != "two" || m.Text != "text two" || m.HTML != "<p>two</p>" || m.From != "parley@example.com" {
			t.Errorf("mail = %+v, want subject two", m)
		}
		if _, err := store.DevMailByID(q, store.AllMarketplaces, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DevMailByID(999) = %v, want ErrNotFound", err)
		}

		page, err := store.DevMails(q, store.AllMarketplaces, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 2 || page[0].Subject != "three" || page[1].Subject != "two" {
			t.Fatalf("first page = %+v, want three, two", page)
		}
		page, err = store.DevMails(q, store.AllMarketplaces, page[1].ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 1 || page[0].Subject != "one" {
			t.Errorf("second page = %+v, want one", page)
		}
	})
}

func TestDevMails_Marketplace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ids := map[string]int64{}
		for _, m := range []struct {
			subject     string
			marketplace int64
		}{{"a1", 1}, {"b1", 2}, {"none", 0}, {"a2", 1}} {
			mustWrite(t, db, func(tx *store.Tx) error {
				id, err := store.InsertDevMail(tx, store.DevMail{MarketplaceID: m.marketplace, To: []string{"a@example.com"},
					From: "parley@example.com", Subject: m.subject, Text: "t"})
				ids[m.subject] = id
				return err
			})
		}
		q := db.Reader(context.Background())
		tests := []struct {
			name        string
			marketplace int64
			before      int64
			want        []string
		}{
			{"All", store.AllMarketplaces, 0, []string{"a2", "none", "b1", "a1"}},
			{"One", 1, 0, []string{"a2", "a1"}},
			{"OneNextPage", 1, ids["a2"], []string{"a1"}},
			{"Other", 2, 0, []string{"b1"}},
			{"None", 0, 0, []string{"none"}},
			{"Unknown", 3, 0, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				mails, err := store.DevMails(q, tt.marketplace, tt.before, 10)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, m := range mails {
					got = append(got, m.Subject)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("subjects = %q, want %q", got, tt.want)
				}
			})
		}
		if m, err := store.DevMailByID(q, 1, ids["a1"]); err != nil || m.MarketplaceID != 1 {
			t.Errorf("DevMailByID(1, a1) = %+v %v, want the mail of marketplace 1", m, err)
		}
		if _, err := store.DevMailByID(q, 2, ids["a1"]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DevMailByID(2, a1) = %v, want ErrNotFound", err)
		}
	})
}
