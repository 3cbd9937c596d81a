package mail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestDevMailbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m, err := New("", db, "Parley <parley@example.com>")
		if err != nil {
			t.Fatal(err)
		}
		box, ok := m.(*DevMailbox)
		if !ok {
			t.Fatalf("New(\"\") = %T, want *DevMailbox", m)
		}
		for i := range 3 {
			err := box.Send(ctx, Message{
				To:      []string{"buyer@example.com"},
				Subject: fmt.Sprintf("Mail %d", i),
				Text:    "Hello",
				HTML:    "<p>Hello</p>",
			})
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
		}
		if err := box.Send(ctx, Message{From: "ops@example.com", To: []string{"a@example.com", "b@example.com"}, Subject: "Ops", Text: "t"}); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if err := box.Send(ctx, Message{Subject: "nobody", Text: "t"}); err == nil {
			t.Errorf("Send without recipient = nil, want an error")
		}

		page, next, err := box.List(ctx, store.AllMarketplaces, 0, 3)
		if err != nil {
			t.Fatal(err)
		}
		var subjects []string
		for _, m := range page {
			subjects = append(subjects, m.Subject)
		}
		if want := []string{"Ops", "Mail 2", "Mail 1"}; !slices.Equal(subjects, want) || next == 0 {
			t.Fatalf("first page = %q next %d, want %q and a next cursor", subjects, next, want)
		}
		if got, want := page[0].To, []string{"a@example.com", "b@example.com"}; !slices.Equal(got, want) {
			t.Errorf("To = %q, want %q", got, want)
		}
		if got, want := page[0].From, "ops@example.com"; got != want {
			t.Errorf("From = %q, want %q", got, want)
		}
		rest, next, err := box.List(ctx, store.AllMarketplaces, next, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(rest) != 1 || rest[0].Subject != "Mail 0" || next != 0 {
			t.Errorf("second page = %+v next %d, want Mail 0 and no next cursor", rest, next)
		}

		got, err := box.Get(ctx, store.AllMarketplaces, rest[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.From != "Parley <parley@example.com>" || got.Text != "Hello" || got.HTML != "<p>Hello</p>" {
			t.Errorf("Get = %+v, want the default sender and both bodies", got)
		}
		if _, err := box.Get(ctx, store.AllMarketplaces, 12345); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get(12345) = %v, want ErrNotFound", err)
		}

		// A marketplace's mails are listed and read in it only.
		if err := box.Send(ctx, Message{MarketplaceID: 7, To: []string{"seller@example.com"}, Subject: "Tenant", Text: "t"}); err != nil {
			t.Fatalf("Send: %v", err)
		}
		own, _, err := box.List(ctx, 7, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(own) != 1 || own[0].Subject != "Tenant" || own[0].MarketplaceID != 7 {
			t.Fatalf("List(7) = %+v, want the one Tenant mail", own)
		}
		if none, _, err := box.List(ctx, 0, 0, 10); err != nil || len(none) != 4 {
			t.Errorf("List(0) = %d mails %v, want the 4 tied to no marketplace", len(none), err)
		}
		if _, err := box.Get(ctx, 8, own[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get(another marketplace) = %v, want ErrNotFound", err)
		}
		if _, err := box.Get(ctx, 7, own[0].ID); err != nil {
			t.Errorf("Get(its marketplace) = %v, want the mail", err)
		}
	})
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		from    string
		want    string
		wantErr string
	}{
		{"DevMailbox", "", "parley@example.com", "*mail.DevMailbox", ""},
		{"SMTP", "smtp://mail.example.com:25", "parley@example.com", "*mail.SMTP", ""},
		{"ErrURL", "smtp://mail.example.com:0", "parley@example.com", "", "PARLEY_SMTP_URL"},
		{"ErrFrom", "", "not an address", "", "default sender"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(tt.url, nil, tt.from)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T", m); got != tt.want {
				t.Errorf("New = %s, want %s", got, tt.want)
			}
		})
	}
}
