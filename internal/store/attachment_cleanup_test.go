package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestExpireUploads: only unattached uploads created before the time go,
// oldest first and at most limit at once, with the distinct keys they
// referenced; ReferencedBlobs then sees the keys that rows still hold.
func TestExpireUploads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustAttachmentFixture(t, db)
		create := func(sha string, at time.Time) int64 {
			t.Helper()
			var id int64
			if err := db.Write(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(`INSERT INTO attachments (marketplace_id, uploader_user_id, name, size, content_type, sha256, created_at)
					VALUES (?, ?, 'f', 1, 'text/plain', ?, ?) RETURNING id`, f.market, f.buyer, sha, store.Micros(at)).Scan(&id)
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		now := time.Now().UTC()
		old1 := create("k1", now.Add(-3*time.Hour))
		old2 := create("k2", now.Add(-2*time.Hour))
		create("k2", now.Add(-time.Hour*5/2)) // the same content twice
		attached := create("k3", now.Add(-4*time.Hour))
		young := create("k4", now)
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := store.AttachToMessage(tx, f.buyer, f.msg1, f.conv, []int64{attached})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		expire := func(limit int) (int, []string) {
			t.Helper()
			var n int
			var keys []string
			if err := db.Write(ctx, func(tx *store.Tx) (err error) {
				n, keys, err = store.ExpireUploads(tx, now.Add(-time.Hour), limit)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n, keys
		}
		if n, keys := expire(2); n != 2 || !slices.Equal(keys, []string{"k1", "k2"}) {
			t.Errorf("ExpireUploads(limit 2) = %d, %v, want the two oldest: 2, [k1 k2]", n, keys)
		}
		if n, keys := expire(10); n != 1 || !slices.Equal(keys, []string{"k2"}) {
			t.Errorf("ExpireUploads = %d, %v, want the last old one: 1, [k2]", n, keys)
		}
		if n, keys := expire(10); n != 0 || len(keys) != 0 {
			t.Errorf("ExpireUploads again = %d, %v, want nothing", n, keys)
		}
		for _, id := range []int64{old1, old2} {
			if _, err := store.AttachmentByID(db.Reader(ctx), id); err == nil {
				t.Errorf("expired upload %d is still there", id)
			}
		}
		for _, id := range []int64{attached, young} {
			if _, err := store.AttachmentByID(db.Reader(ctx), id); err != nil {
				t.Errorf("upload %d: %v, want it kept", id, err)
			}
		}
		refs, err := store.ReferencedBlobs(db.Reader(ctx), []string{"k1", "k2", "k3", "k4", "k5"})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]bool{"k3": true, "k4": true}; len(refs) != len(want) || !refs["k3"] || !refs["k4"] {
			t.Errorf("ReferencedBlobs = %v, want %v", refs, want)
		}
	})
}
