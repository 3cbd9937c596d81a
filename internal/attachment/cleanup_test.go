package attachment_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/attachment"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// cleanupEnv is a Service as the app wires it, on one dialect: the
// dialect's blob store, a test clock for the database and the blobs, and
// an outbox runner that the test drives with RunDue.
type cleanupEnv struct {
	*env
	clk    *storetest.Clock
	blobs  blob.Store
	runner *outbox.Runner
	conv   int64
	msgs   int // messages written so far
}

func eachCleanupEnv(t *testing.T, cfg attachment.Config, f func(t *testing.T, e *cleanupEnv)) {
	cfg.Log = quiet
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			clk := storetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			scfg := storetest.Config(t, d)
			scfg.Now = clk.Now
			db, err := store.Open(context.Background(), scfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			e := &cleanupEnv{env: mustEnv(t, db, cfg), clk: clk}
			if d == store.Postgres {
				pg := blob.NewPostgres(db.Pool())
				pg.Now = clk.Now
				e.blobs = pg
			} else {
				disk, err := blob.NewDisk(filepath.Join(t.TempDir(), "files"))
				if err != nil {
					t.Fatal(err)
				}
				disk.Now = clk.Now
				e.blobs = disk
			}
			cfg.TempDir = e.tempDir
			e.svc = attachment.NewService(db, e.blobs, cfg)
			e.runner = outbox.NewRunner(db, outbox.Options{})
			e.svc.Register(e.runner)
			if err := e.svc.ScheduleSweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			e.conv = e.mustConversation(t)
			f(t, e)
		})
	}
}

// quiet drops the clean-up's logs.
var quiet = slog.New(slog.DiscardHandler)

// mustConversation writes a seller and a chat of e.user with it.
func (e *cleanupEnv) mustConversation(t *testing.T) int64 {
	t.Helper()
	var conv int64
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		var org int64
		if err := tx.QueryRow(`INSERT INTO organizations (marketplace_id, external_id, name, kind, created_at, updated_at) VALUES (?, 's', 'S', 'seller', 0, 0) RETURNING id`, e.market).Scan(&org); err != nil {
			return err
		}
		return tx.QueryRow(`INSERT INTO conversations (marketplace_id, kind, status, buyer_user_id, seller_org_id, last_activity_at, change_seq, created_at, updated_at)
			VALUES (?, 'chat', 'open', ?, ?, 0, 0, 0, 0) RETURNING id`, e.market, e.user, org).Scan(&conv)
	})
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

// send attaches the upload to a new message of its uploader, as a send does.
func (e *cleanupEnv) send(t *testing.T, a attachment.Attachment) {
	t.Helper()
	e.msgs++
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		var msg int64
		if err := tx.QueryRow(`INSERT INTO messages (conversation_id, seq, author_user_id, side, kind, body, change_seq, created_at)
			VALUES (?, ?, ?, 'buyer', 'text', '', 0, 0) RETURNING id`, e.conv, e.msgs, a.UploaderUserID).Scan(&msg); err != nil {
			return err
		}
		_, err := store.AttachToMessage(tx, a.UploaderUserID, msg, e.conv, []int64{a.ID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *cleanupEnv) upload(t *testing.T, user int64, content string) attachment.Attachment {
	t.Helper()
	a, err := e.svc.Upload(context.Background(), e.market, user, "notes.txt", bytes.NewReader([]byte(content)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// runDue runs the jobs that are due, as the runner would.
func (e *cleanupEnv) runDue(t *testing.T) {
	t.Helper()
	if _, err := e.runner.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	failed, err := store.Jobs(e.db.Reader(context.Background()), store.AllMarketplaces, store.JobFailed, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range failed {
		t.Errorf("job %s failed: %s", j.Kind, j.LastError)
	}
}

// rowExists reports whether the upload's row is still there.
func (e *cleanupEnv) rowExists(t *testing.T, a attachment.Attachment) bool {
	t.Helper()
	_, err := e.svc.Get(context.Background(), a.ID)
	if err != nil && parley.ErrorCode(err) != parley.ENotFound {
		t.Fatal(err)
	}
	return err == nil
}

func (e *cleanupEnv) blobExists(t *testing.T, a attachment.Attachment) bool {
	t.Helper()
	ok, err := e.blobs.Exists(context.Background(), a.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// assertOpens fails unless the upload's row is there and its content reads
// back whole.
func (e *cleanupEnv) assertOpens(t *testing.T, a attachment.Attachment, content string) {
	t.Helper()
	got, err := e.svc.Get(context.Background(), a.ID)
	if err != nil {
		t.Fatalf("Get(%d) = %v", a.ID, err)
	}
	f, err := e.svc.Open(context.Background(), got)
	if err != nil {
		t.Fatalf("Open(%d) = %v", a.ID, err)
	}
	defer f.Close()
	if body, _ := io.ReadAll(f); string(body) != content {
		t.Errorf("Open(%d) = %q, want %q", a.ID, body, content)
	}
}

// nextSweep returns when the queued sweep will run.
func (e *cleanupEnv) nextSweep(t *testing.T) time.Time {
	t.Helper()
	jobs, err := store.Jobs(e.db.Reader(context.Background()), store.AllMarketplaces, store.JobQueued, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var at []time.Time
	for _, j := range jobs {
		if j.Kind == attachment.KindSweep {
			at = append(at, j.RunAt)
		}
	}
	if len(at) != 1 {
		t.Fatalf("queued sweeps = %v, want one", at)
	}
	return at[0]
}

// TestCleanup: what the sweep deletes and what it keeps, with the default
// retention of 24 hours.
func TestCleanup(t *testing.T) {
	eachCleanupEnv(t, attachment.Config{}, func(t *testing.T, e *cleanupEnv) {
		oldUnattached := e.upload(t, e.user, "never sent\n")
		attached := e.upload(t, e.user, "sent\n")
		e.send(t, attached)
		// One content, uploaded twice: one copy sent, the other not.
		sharedSent := e.upload(t, e.user, "shared\n")
		sharedUnsent := e.upload(t, e.another, "shared\n")
		e.send(t, sharedSent)
		// Put again within the grace window by an upload whose row is not
		// written yet when the sweep runs.
		retouched := e.upload(t, e.another, "uploaded again\n")

		e.runDue(t) // the first sweep: nothing is old yet
		for _, a := range []attachment.Attachment{oldUnattached, attached, sharedSent, sharedUnsent, retouched} {
			if !e.rowExists(t, a) || !e.blobExists(t, a) {
				t.Fatalf("upload %d (%s) went before its retention", a.ID, a.SHA256[:8])
			}
		}

		e.clk.Add(24*time.Hour + 30*time.Minute)
		if err := e.blobs.Put(context.Background(), retouched.SHA256, bytes.NewReader([]byte("uploaded again\n"))); err != nil {
			t.Fatal(err)
		}
		e.clk.Add(45 * time.Minute) // the next sweep is due
		e.runDue(t)

		for _, tt := range []struct {
			name          string
			a             attachment.Attachment
			row, blobKept bool
		}{
			{"OldUnattachedGoes", oldUnattached, false, false},
			{"AttachedStays", attached, true, true},
			{"SharedBlobAttachedStays", sharedSent, true, true},
			{"SharedBlobUnattachedRowGoes", sharedUnsent, false, true},
			{"PutAgainWithinGraceBlobStays", retouched, false, true},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if got := e.rowExists(t, tt.a); got != tt.row {
					t.Errorf("row kept = %v, want %v", got, tt.row)
				}
				if got := e.blobExists(t, tt.a); got != tt.blobKept {
					t.Errorf("blob kept = %v, want %v", got, tt.blobKept)
				}
			})
		}
		e.assertOpens(t, attached, "sent\n")
		e.assertOpens(t, sharedSent, "shared\n")
		// An expired upload that someone still holds reads as not found.
		if _, err := e.svc.Open(context.Background(), oldUnattached); parley.ErrorCode(err) != parley.ENotFound {
			t.Errorf("Open of an expired upload = %v, want not_found", err)
		}

		// The upload that put the blob again writes its row now: its file
		// is there.
		late, err := e.svc.Upload(context.Background(), e.market, e.another, "late.txt", bytes.NewReader([]byte("uploaded again\n")))
		if err != nil {
			t.Fatal(err)
		}
		e.assertOpens(t, late, "uploaded again\n")
		// Never sent either, it goes a retention later, and the blob with it.
		e.clk.Add(25 * time.Hour)
		e.runDue(t)
		if e.rowExists(t, late) || e.blobExists(t, late) {
			t.Errorf("row, blob of the late upload kept = %v, %v, want both gone", e.rowExists(t, late), e.blobExists(t, late))
		}
	})
}

// TestCleanup_Retention: the retention and the sweep's period follow the
// config (two hours: a sweep every 30 minutes).
func TestCleanup_Retention(t *testing.T) {
	eachCleanupEnv(t, attachment.Config{Retention: 2 * time.Hour}, func(t *testing.T, e *cleanupEnv) {
		start := e.clk.Now()
		a := e.upload(t, e.user, "two hours\n")
		e.runDue(t)
		if got, want := e.nextSweep(t), start.Add(30*time.Minute); !got.Equal(want) {
			t.Errorf("next sweep at %v, want %v", got, want)
		}
		e.clk.Add(2*time.Hour - time.Minute)
		e.runDue(t)
		if !e.rowExists(t, a) || !e.blobExists(t, a) {
			t.Fatal("the upload went before its retention of 2 hours")
		}
		next := e.nextSweep(t)
		if want := e.clk.Now().Add(30 * time.Minute); !next.Equal(want) {
			t.Errorf("next sweep at %v, want %v", next, want)
		}
		e.clk.Add(next.Sub(e.clk.Now()))
		e.runDue(t)
		if e.rowExists(t, a) || e.blobExists(t, a) {
			t.Errorf("row, blob kept = %v, %v at the first sweep after 2 hours, want both gone", e.rowExists(t, a), e.blobExists(t, a))
		}
	})
}

// TestCleanup_OrphanBlob: a blob whose upload never wrote its row (the node
// died in between) goes once it is older than the grace window, found by
// the sweep that looks at its put time.
func TestCleanup_OrphanBlob(t *testing.T) {
	eachCleanupEnv(t, attachment.Config{}, func(t *testing.T, e *cleanupEnv) {
		ctx := context.Background()
		e.runDue(t) // the first sweep
		content := []byte("orphan")
		orphan := attachment.Attachment{SHA256: sha(content)}
		if err := e.blobs.Put(ctx, orphan.SHA256, bytes.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		e.clk.Add(time.Hour) // a sweep: the orphan is within the grace window
		e.runDue(t)
		if !e.blobExists(t, orphan) {
			t.Fatal("an orphan blob went within the grace window")
		}
		e.clk.Add(time.Hour) // the next sweep looks at what the last one left
		e.runDue(t)
		if e.blobExists(t, orphan) {
			t.Error("the orphan blob is still there two hours after its Put")
		}
	})
}

// TestCleanup_SlowUploadRefused: an upload whose row would come later than
// the clean-up allows after its Put is refused, and writes no row.
func TestCleanup_SlowUploadRefused(t *testing.T) {
	eachCleanupEnv(t, attachment.Config{}, func(t *testing.T, e *cleanupEnv) {
		slow := attachment.NewService(e.db, slowBlobs{e.blobs, e.clk}, attachment.Config{TempDir: e.tempDir, Log: quiet})
		if _, err := slow.Upload(context.Background(), e.market, e.user, "a.txt", bytes.NewReader([]byte("slow\n"))); err == nil {
			t.Fatal("Upload whose Put took 31 minutes = nil, want an error")
		}
		if n := e.rowCount(t); n != 0 {
			t.Errorf("rows = %d, want 0", n)
		}
	})
}

// slowBlobs is a blob store whose Put takes 31 minutes of the clock.
type slowBlobs struct {
	blob.Store
	clk *storetest.Clock
}

func (s slowBlobs) Put(ctx context.Context, key string, r io.Reader) error {
	err := s.Store.Put(ctx, key, r)
	s.clk.Add(31 * time.Minute)
	return err
}

// TestCleanup_UploadInterleaved puts a whole upload of a content whose only
// row has expired at the two points of the release where it could go
// wrong: after the release found no row, just before it deletes the blob;
// and right after it deleted the blob. The upload reads its file either way.
func TestCleanup_UploadInterleaved(t *testing.T) {
	for _, tt := range []struct {
		name   string
		before bool // upload before the Delete, else after it
		kept   bool // the Delete keeps the blob
	}{
		{"BetweenCheckAndDelete", true, true},
		{"AfterDelete", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			eachCleanupEnv(t, attachment.Config{}, func(t *testing.T, e *cleanupEnv) {
				content := "interleaved\n"
				old := e.upload(t, e.user, content)
				e.clk.Add(25 * time.Hour)
				var again attachment.Attachment
				var deleted, called bool
				hooked := hookBlobs{Store: e.blobs, delete: func(del func() bool) {
					if called {
						return
					}
					called = true
					if !tt.before {
						deleted = del()
					}
					again = e.upload(t, e.another, content)
					if tt.before {
						deleted = del()
					}
				}}
				svc := attachment.NewService(e.db, hooked, attachment.Config{TempDir: e.tempDir, Log: quiet})
				r := outbox.NewRunner(e.db, outbox.Options{})
				svc.Register(r)
				if _, err := r.RunDue(context.Background()); err != nil {
					t.Fatal(err)
				}
				if !called || e.rowExists(t, old) {
					t.Fatalf("the sweep did not release the expired upload's blob (delete called: %v)", called)
				}
				if deleted == tt.kept {
					t.Errorf("Delete deleted = %v, want %v", deleted, !tt.kept)
				}
				e.assertOpens(t, again, content)
			})
		})
	}
}

// hookBlobs is a blob store whose Delete lets the test run its own steps
// around the real Delete, which del runs.
type hookBlobs struct {
	blob.Store
	delete func(del func() bool)
}

func (h hookBlobs) Delete(ctx context.Context, key string, putBefore time.Time) (bool, error) {
	var ok bool
	var err error
	ran := false
	h.delete(func() bool {
		ran = true
		ok, err = h.Store.Delete(ctx, key, putBefore)
		return ok
	})
	if !ran {
		return h.Store.Delete(ctx, key, putBefore)
	}
	return ok, err
}

// TestCleanup_UploadRace: uploads of a content whose only row has expired,
// while the clean-up that deletes its blob runs: every accepted upload can
// read its file afterwards, whichever went first.
func TestCleanup_UploadRace(t *testing.T) {
	eachCleanupEnv(t, attachment.Config{}, func(t *testing.T, e *cleanupEnv) {
		ctx := context.Background()
		for i := range 20 {
			content := fmt.Sprintf("round %d\n", i)
			old := e.upload(t, e.user, content)
			e.clk.Add(25 * time.Hour)
			var wg sync.WaitGroup
			var uploads []attachment.Attachment
			var mu sync.Mutex
			for range 3 {
				wg.Go(func() {
					a, err := e.svc.Upload(ctx, e.market, e.another, "again.txt", bytes.NewReader([]byte(content)))
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					uploads = append(uploads, a)
					mu.Unlock()
				})
			}
			wg.Go(func() {
				if _, err := e.runner.RunDue(ctx); err != nil {
					t.Error(err)
				}
			})
			wg.Wait()
			e.runDue(t) // the release job, if the sweep enqueued it after the uploads
			if e.rowExists(t, old) {
				t.Fatalf("round %d: the expired upload is still there", i)
			}
			for _, a := range uploads {
				e.assertOpens(t, a, content)
			}
			// Send them, so that later rounds only race on their own content.
			for _, a := range uploads {
				e.send(t, a)
			}
		}
	})
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
