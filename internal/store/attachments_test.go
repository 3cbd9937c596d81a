package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// attachmentFixture is a marketplace with a buyer, a seller organization, a
// second user, and one conversation holding two messages.
type attachmentFixture struct {
	market, buyer, other, conv, msg1, msg2 int64
}

func mustAttachmentFixture(t *testing.T, db *store.DB) attachmentFixture {
	t.Helper()
	var f attachmentFixture
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		// The callback runs on the writer goroutine, where t.Fatal must not
		// be called: keep the first error and return it.
		var err error
		id := func(q string, args ...any) int64 {
			var id int64
			if err == nil {
				err = tx.QueryRow(q+" RETURNING id", args...).Scan(&id)
			}
			return id
		}
		f.market = id(`INSERT INTO marketplaces (slug, name, created_at) VALUES ('m', 'M', 0)`)
		f.buyer = id(`INSERT INTO users (marketplace_id, external_id, created_at, updated_at) VALUES (?, 'b', 0, 0)`, f.market)
		f.other = id(`INSERT INTO users (marketplace_id, external_id, created_at, updated_at) VALUES (?, 'o', 0, 0)`, f.market)
		org := id(`INSERT INTO organizations (marketplace_id, external_id, name, kind, created_at, updated_at) VALUES (?, 's', 'S', 'seller', 0, 0)`, f.market)
		f.conv = id(`INSERT INTO conversations (marketplace_id, kind, status, buyer_user_id, seller_org_id, last_activity_at, change_seq, created_at, updated_at)
			VALUES (?, 'chat', 'open', ?, ?, 0, 0, 0, 0)`, f.market, f.buyer, org)
		f.msg1 = id(`INSERT INTO messages (conversation_id, seq, author_user_id, side, kind, body, change_seq, created_at) VALUES (?, 1, ?, 'buyer', 'text', 'a', 0, 0)`, f.conv, f.buyer)
		f.msg2 = id(`INSERT INTO messages (conversation_id, seq, author_user_id, side, kind, body, change_seq, created_at) VALUES (?, 2, ?, 'buyer', 'text', 'b', 0, 0)`, f.conv, f.buyer)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustCreateAttachment(t *testing.T, db *store.DB, market, user int64, name string) store.Attachment {
	t.Helper()
	a := store.Attachment{MarketplaceID: market, UploaderUserID: user, Name: name, Size: 3,
		ContentType: "text/plain; charset=utf-8", SHA256: "ab"}
	if err := db.Write(context.Background(), func(tx *store.Tx) error {
		return store.CreateAttachment(tx, &a)
	}); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCreateAttachment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mustAttachmentFixture(t, db)
		a := mustCreateAttachment(t, db, f.market, f.buyer, "ünïcode.txt")
		if a.ID == 0 || a.CreatedAt.IsZero() {
			t.Fatalf("created = %+v, want an id and a time", a)
		}
		got, err := store.AttachmentByID(db.Reader(context.Background()), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != a {
			t.Errorf("AttachmentByID = %+v, want %+v", got, a)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt location = %v, want UTC", got.CreatedAt.Location())
		}
		if _, err := store.AttachmentByID(db.Reader(context.Background()), a.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AttachmentByID(missing) = %v, want ErrNotFound", err)
		}
	})
}

func TestAttachToMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustAttachmentFixture(t, db)
		a1 := mustCreateAttachment(t, db, f.market, f.buyer, "a1")
		a2 := mustCreateAttachment(t, db, f.market, f.buyer, "a2")
		a3 := mustCreateAttachment(t, db, f.market, f.buyer, "a3")
		theirs := mustCreateAttachment(t, db, f.market, f.other, "theirs")

		attach := func(user, msg int64, ids ...int64) ([]store.Attachment, error) {
			var got []store.Attachment
			err := db.Write(ctx, func(tx *store.Tx) error {
				var err error
				got, err = store.AttachToMessage(tx, user, msg, f.conv, ids)
				return err
			})
			return got, err
		}

		for _, tt := range []struct {
			name string
			user int64
			ids  []int64
		}{
			{"ErrNotFoundOtherUsers", f.buyer, []int64{a1.ID, theirs.ID}},
			{"ErrNotFoundMissing", f.buyer, []int64{a1.ID, theirs.ID + 1000}},
			{"ErrNotFoundWrongUploader", f.other, []int64{a1.ID}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := attach(tt.user, f.msg1, tt.ids...); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("AttachToMessage = %v, want ErrNotFound", err)
				}
			})
		}
		// The refusals attached nothing, not even the caller's own a1.
		if got, _ := store.AttachmentByID(db.Reader(ctx), a1.ID); got.MessageID != 0 {
			t.Fatalf("a1.MessageID = %d after refused attach, want 0", got.MessageID)
		}

		t.Run("OK", func(t *testing.T) {
			got, err := attach(f.buyer, f.msg1, a2.ID, a1.ID, a2.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].ID != a1.ID || got[1].ID != a2.ID {
				t.Fatalf("attached = %+v, want a1, a2", got)
			}
			for _, a := range got {
				if a.MessageID != f.msg1 || a.ConversationID != f.conv {
					t.Errorf("attachment %d: message, conversation = %d, %d, want %d, %d", a.ID, a.MessageID, a.ConversationID, f.msg1, f.conv)
				}
			}
			stored, _ := store.AttachmentByID(db.Reader(ctx), a1.ID)
			if stored.MessageID != f.msg1 || stored.ConversationID != f.conv {
				t.Errorf("stored a1 = %+v, want attached to %d", stored, f.msg1)
			}
		})
		t.Run("ErrNotFoundAlreadyAttached", func(t *testing.T) {
			if _, err := attach(f.buyer, f.msg2, a1.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("AttachToMessage = %v, want ErrNotFound", err)
			}
		})
		t.Run("Empty", func(t *testing.T) {
			if got, err := attach(f.buyer, f.msg2); err != nil || len(got) != 0 {
				t.Errorf("AttachToMessage(no ids) = %v, %v, want none, nil", got, err)
			}
		})
		if _, err := attach(f.buyer, f.msg2, a3.ID); err != nil {
			t.Fatal(err)
		}

		t.Run("AttachmentsForMessages", func(t *testing.T) {
			got, err := store.AttachmentsForMessages(db.Reader(ctx), []int64{f.msg2, f.msg1, f.msg1, 999999})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("messages with attachments = %d, want 2", len(got))
			}
			if l := got[f.msg1]; len(l) != 2 || l[0].ID != a1.ID || l[1].ID != a2.ID {
				t.Errorf("msg1 attachments = %+v, want a1, a2", l)
			}
			if l := got[f.msg2]; len(l) != 1 || l[0].ID != a3.ID || l[0].Name != "a3" {
				t.Errorf("msg2 attachments = %+v, want a3", l)
			}
			if got, err := store.AttachmentsForMessages(db.Reader(ctx), nil); err != nil || len(got) != 0 {
				t.Errorf("AttachmentsForMessages(nil) = %v, %v, want empty", got, err)
			}
		})
	})
}
