package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// twoUsers makes a marketplace with users a and b and returns them.
func twoUsers(t *testing.T, db *store.DB) (mID, a, b int64) {
	t.Helper()
	mustWrite(t, db, func(tx *store.Tx) error {
		m, err := store.EnsureMarketplace(tx, "m", "M")
		if err != nil {
			return err
		}
		ua, _, err := store.UpsertUser(tx, parley.User{MarketplaceID: m.ID, ExternalID: "a", Name: "A"})
		if err != nil {
			return err
		}
		ub, _, err := store.UpsertUser(tx, parley.User{MarketplaceID: m.ID, ExternalID: "b", Name: "B"})
		mID, a, b = m.ID, ua.ID, ub.ID
		return err
	})
	return mID, a, b
}

func TestUserSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, a, b := twoUsers(t, db)
		q := db.Reader(context.Background())
		if got, err := store.UserSettingsOf(q, a); err != nil || got != store.DefaultUserSettings(a) {
			t.Fatalf("UserSettingsOf(new user) = %+v %v, want the defaults", got, err)
		}
		mustWrite(t, db, func(tx *store.Tx) error {
			return store.SaveUserSettings(tx, store.UserSettings{UserID: a, Locale: "el", Sound: false, Push: true, Email: false})
		})
		got, err := store.UserSettingsOf(q, a)
		if err != nil || got.Locale != "el" || got.Sound || !got.Push || got.Email || got.UpdatedAt.IsZero() {
			t.Errorf("UserSettingsOf(a) = %+v %v, want el, no sound, push, no email", got, err)
		}
		// Saving again replaces the row.
		mustWrite(t, db, func(tx *store.Tx) error {
			return store.SaveUserSettings(tx, store.UserSettings{UserID: a, Locale: "", Sound: true, Push: false, Email: true})
		})
		all, err := store.UserSettingsFor(q, []int64{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if s := all[a]; s.Locale != "" || !s.Sound || s.Push || !s.Email {
			t.Errorf("settings of a = %+v, want push off only", s)
		}
		if s := all[b]; s != store.DefaultUserSettings(b) {
			t.Errorf("settings of b = %+v, want the defaults", s)
		}
		if none, err := store.UserSettingsFor(q, nil); err != nil || len(none) != 0 {
			t.Errorf("UserSettingsFor(nil) = %v %v, want empty", none, err)
		}
	})
}

func TestPushSubscriptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m, a, b := twoUsers(t, db)
		q := db.Reader(context.Background())
		save := func(user int64, endpoint, key string) (store.PushSubscription, bool) {
			t.Helper()
			var s store.PushSubscription
			var created bool
			mustWrite(t, db, func(tx *store.Tx) error {
				var err error
				s, created, err = store.SavePushSubscription(tx, store.PushSubscription{MarketplaceID: m, UserID: user, Endpoint: endpoint, P256dh: key, Auth: "auth"})
				return err
			})
			return s, created
		}
		if ok, err := store.MarketplaceHasPushSubscriptions(q, m); err != nil || ok {
			t.Fatalf("MarketplaceHasPushSubscriptions before any = %v %v, want false", ok, err)
		}
		s1, created := save(a, "https://push.example/1", "k1")
		if !created || s1.ID == 0 || s1.UserID != a || s1.CreatedAt.IsZero() {
			t.Fatalf("first save = %+v created=%v", s1, created)
		}
		// The same endpoint again: same id, new keys, failure cleared.
		mustWrite(t, db, func(tx *store.Tx) error { return store.RecordPushFailure(tx, s1.ID, "503 Service Unavailable") })
		if f, _ := store.PushSubscriptionByID(q, s1.ID); f.LastError == "" || f.LastFailureAt.IsZero() {
			t.Errorf("after RecordPushFailure = %+v, want the failure kept", f)
		}
		again, created := save(a, "https://push.example/1", "k2")
		if created || again.ID != s1.ID || again.P256dh != "k2" || again.LastError != "" {
			t.Errorf("save again = %+v created=%v, want id %d with key k2", again, created, s1.ID)
		}
		s2, _ := save(a, "https://push.example/2", "k3")
		list, err := store.PushSubscriptionsOf(q, []int64{a, b})
		if err != nil || len(list) != 2 || list[0].ID != s1.ID || list[1].ID != s2.ID {
			t.Errorf("PushSubscriptionsOf = %+v %v, want s1, s2", list, err)
		}
		// The endpoint moves to b under a new id.
		moved, created := save(b, "https://push.example/1", "k4")
		if !created || moved.ID == s1.ID || moved.UserID != b {
			t.Errorf("endpoint moved = %+v created=%v, want b's under a new id", moved, created)
		}
		if _, err := store.PushSubscriptionByID(q, s1.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a's old subscription = %v, want ErrNotFound", err)
		}
		// b cannot delete a's subscription; a can, once.
		var errs []error
		for _, user := range []int64{b, a, a} {
			errs = append(errs, db.Write(context.Background(), func(tx *store.Tx) error { return store.DeleteUserPushSubscription(tx, user, s2.ID) }))
		}
		if !errors.Is(errs[0], store.ErrNotFound) || errs[1] != nil || !errors.Is(errs[2], store.ErrNotFound) {
			t.Errorf("deletes by b, a, a = %v, want not found, ok, not found", errs)
		}
		mustWrite(t, db, func(tx *store.Tx) error { return store.DeletePushSubscription(tx, moved.ID) })
		mustWrite(t, db, func(tx *store.Tx) error { return store.DeletePushSubscription(tx, moved.ID) }) // gone already: no error
		if list, err := store.PushSubscriptionsOf(q, []int64{a, b}); err != nil || len(list) != 0 {
			t.Errorf("after deletes = %+v %v, want none", list, err)
		}
		if ok, err := store.MarketplaceHasPushSubscriptions(q, m); err != nil || ok {
			t.Errorf("MarketplaceHasPushSubscriptions after deletes = %v %v, want false", ok, err)
		}
	})
}

// TestVAPIDKeys: the first pair stored wins, also when writers race.
func TestVAPIDKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := store.StoredVAPIDKeys(db.Reader(context.Background())); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("StoredVAPIDKeys on a new database = %v, want ErrNotFound", err)
		}
		got := make([]store.VAPIDKeys, 8)
		var wg sync.WaitGroup
		for i := range got {
			wg.Go(func() {
				err := db.Write(context.Background(), func(tx *store.Tx) error {
					var err error
					got[i], err = store.EnsureVAPIDKeys(tx, store.VAPIDKeys{PublicKey: "pub" + string(rune('a'+i)), PrivateKey: "priv" + string(rune('a'+i))})
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for i, k := range got {
			if k.PublicKey != got[0].PublicKey || k.PrivateKey != got[0].PrivateKey || k.PublicKey[3:] != k.PrivateKey[4:] {
				t.Errorf("writer %d got %+v, want the one stored pair %+v", i, k, got[0])
			}
		}
		stored, err := store.StoredVAPIDKeys(db.Reader(context.Background()))
		if err != nil || stored.PublicKey != got[0].PublicKey {
			t.Errorf("StoredVAPIDKeys = %+v %v, want %+v", stored, err, got[0])
		}
	})
}

func TestConnectedElsewhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, a, b := twoUsers(t, db)
		mustWrite(t, db, func(tx *store.Tx) error {
			if err := store.SetPresence(tx, a, "n1", store.PresenceOnline); err != nil {
				return err
			}
			return store.SetPresence(tx, b, "n2", store.PresenceAway)
		})
		q := db.Reader(context.Background())
		tests := []struct {
			name string
			node string
			want map[int64]bool
		}{
			{"OtherNodes", "n1", map[int64]bool{b: true}},
			{"AllNodes", "n3", map[int64]bool{a: true, b: true}},
		}
		for _, tc := range tests {
			got, err := store.ConnectedElsewhere(q, []int64{a, b}, tc.node, db.Now().Add(-time.Minute))
			if err != nil || len(got) != len(tc.want) || got[a] != tc.want[a] || got[b] != tc.want[b] {
				t.Errorf("%s: ConnectedElsewhere = %v %v, want %v", tc.name, got, err, tc.want)
			}
		}
		// Rows not refreshed since the cutoff (a dead node's) do not count.
		if got, err := store.ConnectedElsewhere(q, []int64{a, b}, "n3", db.Now().Add(time.Minute)); err != nil || len(got) != 0 {
			t.Errorf("ConnectedElsewhere after the cutoff = %v %v, want none", got, err)
		}
	})
}
