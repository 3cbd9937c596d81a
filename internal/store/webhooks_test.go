package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// TestWebhookHealth: attempts recorded on an endpoint. Failures count in a
// row and keep their error; a success resets the count and keeps when the
// last failure was.
func TestWebhookHealth(t *testing.T) {
	eachClocked(t, func(t *testing.T, db *store.DB, clk *clock) {
		var mid, id int64
		mustWrite(t, db, func(tx *store.Tx) (err error) {
			m, err := store.EnsureMarketplace(tx, "m", "M")
			if err != nil {
				return err
			}
			mid = m.ID
			id, err = store.InsertWebhook(tx, mid, "https://host.example/hooks", `["*"]`, "whsec_x")
			return err
		})
		created := clk.Now()
		get := func() store.Webhook {
			t.Helper()
			h, err := store.WebhookByID(db.Reader(context.Background()), id)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		if h := get(); !h.CreatedAt.Equal(created) || !h.LastSuccessAt.IsZero() || !h.LastFailureAt.IsZero() || h.Failing != 0 || h.LastError != "" {
			t.Fatalf("new endpoint = %+v", h)
		}

		clk.Add(time.Minute)
		long := "endpoint answered 500 " + strings.Repeat("é", 400) + "\x00"
		mustWrite(t, db, func(tx *store.Tx) error { return store.RecordWebhookAttempt(tx, id, long) })
		clk.Add(time.Minute)
		failedAt := clk.Now()
		mustWrite(t, db, func(tx *store.Tx) error {
			return store.RecordWebhookAttempt(tx, id, "endpoint answered 502 Bad Gateway")
		})
		if h := get(); h.Failing != 2 || !h.LastFailureAt.Equal(failedAt) || h.LastError != "endpoint answered 502 Bad Gateway" || !h.LastSuccessAt.IsZero() {
			t.Errorf("after two failures = %+v", h)
		}

		clk.Add(time.Minute)
		mustWrite(t, db, func(tx *store.Tx) error { return store.RecordWebhookAttempt(tx, id, "") })
		if h := get(); h.Failing != 0 || !h.LastSuccessAt.Equal(clk.Now()) || !h.LastFailureAt.Equal(failedAt) {
			t.Errorf("after a success = %+v", h)
		}

		// A long error with a NUL byte is kept cut, as valid text.
		mustWrite(t, db, func(tx *store.Tx) error { return store.RecordWebhookAttempt(tx, id, long) })
		if h := get(); len(h.LastError) > 500 || !strings.HasPrefix(h.LastError, "endpoint answered 500 éé") || strings.Contains(h.LastError, "\x00") || h.Failing != 1 {
			t.Errorf("long error kept as %q (%d bytes), failing %d", h.LastError, len(h.LastError), h.Failing)
		}

		// Deleting: only the marketplace's own endpoint, once.
		if err := db.Write(context.Background(), func(tx *store.Tx) error { return store.DeleteWebhook(tx, mid+1, id) }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("delete from another marketplace = %v, want ErrNotFound", err)
		}
		mustWrite(t, db, func(tx *store.Tx) error { return store.DeleteWebhook(tx, mid, id) })
		if err := db.Write(context.Background(), func(tx *store.Tx) error { return store.DeleteWebhook(tx, mid, id) }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second delete = %v, want ErrNotFound", err)
		}
		// An attempt recorded after the endpoint went is no error.
		mustWrite(t, db, func(tx *store.Tx) error { return store.RecordWebhookAttempt(tx, id, "late") })
	})
}

// TestDeleteQueuedJobs: only the queued jobs of the kind, marketplace and
// payload value go; 1 does not match 12, running jobs stay.
func TestDeleteQueuedJobs(t *testing.T) {
	eachClocked(t, func(t *testing.T, db *store.DB, clk *clock) {
		type spec struct {
			mid     int64
			kind    string
			payload string
		}
		specs := []spec{
			{1, "webhook.deliver", `{"webhook":1,"event":{"id":"evt_a"}}`},   // goes
			{1, "webhook.deliver", `{"event":{"id":"evt_b"}, "webhook": 1}`}, // goes: another key order
			{1, "webhook.deliver", `{"webhook":12,"event":{"id":"evt_c"}}`},
			{1, "webhook.deliver", `{"webhook":"1"}`},
			{1, "mail.send", `{"webhook":1}`},
			{2, "webhook.deliver", `{"webhook":1}`},
			{1, "webhook.deliver", `{"webhook":1,"event":{"id":"evt_running"}}`}, // claimed below
		}
		ids := make([]int64, len(specs))
		mustWrite(t, db, func(tx *store.Tx) error {
			for i, s := range specs {
				id, _, err := store.InsertJob(tx, store.NewJob{MarketplaceID: s.mid, Kind: s.kind, Payload: []byte(s.payload), RunAt: clk.Now().Add(time.Duration(i) * time.Second)})
				if err != nil {
					return err
				}
				ids[i] = id
			}
			return nil
		})
		// The last one runs: claim everything due by then, and put the
		// others back as queued retries.
		clk.Add(time.Duration(len(specs)) * time.Second)
		mustWrite(t, db, func(tx *store.Tx) error {
			claimed, err := store.ClaimJobs(tx, 100, time.Minute)
			if err != nil {
				return err
			}
			for _, j := range claimed {
				if j.ID != ids[len(ids)-1] {
					if err := store.RetryJob(tx, j.ID, j.Attempts, tx.Now().Add(time.Hour), "refused"); err != nil {
						return err
					}
				}
			}
			return nil
		})
		var n int64
		mustWrite(t, db, func(tx *store.Tx) (err error) {
			n, err = store.DeleteQueuedJobs(tx, 1, "webhook.deliver", "webhook", 1)
			return err
		})
		if n != 2 {
			t.Errorf("deleted %d jobs, want 2", n)
		}
		for i, id := range ids {
			_, err := store.JobByID(db.Reader(context.Background()), id)
			gone := errors.Is(err, store.ErrNotFound)
			if want := i < 2; gone != want {
				t.Errorf("job %d (%s %s): gone = %v (%v), want %v", i, specs[i].kind, specs[i].payload, gone, err, want)
			}
		}
		if err := db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := store.DeleteQueuedJobs(tx, 1, "webhook.deliver", "webhook'; --", 1)
			return err
		}); err == nil {
			t.Error("a field that is no plain key was accepted")
		}
	})
}
