package blob_test

import (
	"bytes"
	"context"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestDisk_Delete(t *testing.T) {
	d, dir := MustOpenDisk(t)
	clk := storetest.NewClock(t0)
	d.Now = clk.Now
	testDelete(t, d, clk)
	assertNoTemp(t, dir)
}

func TestPostgres_Delete(t *testing.T) {
	p := mustOpenPostgres(t)
	clk := storetest.NewClock(t0)
	p.Now = clk.Now
	testDelete(t, p, clk)
}

func TestDisk_PutDeleteRace(t *testing.T) {
	d, _ := MustOpenDisk(t)
	clk := storetest.NewClock(t0)
	d.Now = clk.Now
	testPutDeleteRace(t, d, clk)
}

func TestPostgres_PutDeleteRace(t *testing.T) {
	p := mustOpenPostgres(t)
	clk := storetest.NewClock(t0)
	p.Now = clk.Now
	testPutDeleteRace(t, p, clk)
}

// testDelete: Delete removes only blobs put before its time, a Put of an
// existing blob refreshes that time without reading, a Put after a Delete
// writes the blob again, and Keys lists blobs by put time.
func testDelete(t *testing.T, s blob.Store, clk *storetest.Clock) {
	ctx := context.Background()
	a, b := []byte("blob a"), []byte("blob b")
	ka, kb := key(a), key(b)
	mustPut(t, s, ka, a) // put at t0

	for _, tt := range []struct {
		name      string
		putBefore time.Time
		want      bool
	}{
		{"PutAtTheTime", t0, false},
		{"PutAfter", t0.Add(-time.Second), false},
		{"PutBefore", t0.Add(time.Microsecond), true},
		{"Missing", t0.Add(time.Hour), false},
	} {
		if got, err := s.Delete(ctx, ka, tt.putBefore); err != nil || got != tt.want {
			t.Errorf("%s: Delete = %v, %v, want %v, nil", tt.name, got, err, tt.want)
		}
	}
	if ok, _ := s.Exists(ctx, ka); ok {
		t.Fatal("a deleted blob exists")
	}
	mustPut(t, s, ka, a)
	assertContent(t, s, ka, a)

	// Put again two hours later: the blob's put time moves, r is not read.
	clk.Add(2 * time.Hour)
	if err := s.Put(ctx, ka, errReader{}); err != nil {
		t.Fatalf("Put of an existing blob = %v, want nil without reading", err)
	}
	if got, err := s.Delete(ctx, ka, t0.Add(time.Hour)); err != nil || got {
		t.Errorf("Delete of a blob put again since = %v, %v, want false, nil", got, err)
	}
	assertContent(t, s, ka, a)

	// b put at t0+3h.
	clk.Add(time.Hour)
	mustPut(t, s, kb, b)
	for _, tt := range []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"All", time.Time{}, t0.Add(10 * time.Hour), sorted(ka, kb)},
		{"FromIncluded", t0.Add(2 * time.Hour), t0.Add(3 * time.Hour), []string{ka}},
		{"ToExcluded", t0.Add(2*time.Hour + time.Microsecond), t0.Add(3 * time.Hour), nil},
		{"Later", t0.Add(3 * time.Hour), t0.Add(4 * time.Hour), []string{kb}},
	} {
		var got []string
		if err := s.Keys(ctx, tt.from, tt.to, func(k string) error {
			got = append(got, k)
			return nil
		}); err != nil {
			t.Fatalf("%s: Keys = %v", tt.name, err)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: Keys = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got, err := s.Delete(ctx, "../x", t0); err == nil || got {
		t.Errorf("Delete of an invalid key = %v, %v, want an error", got, err)
	}
}

// testPutDeleteRace runs a Put of an old blob against a Delete of blobs put
// before the Put's time, many times: whichever goes first, the blob exists
// once the Put has returned.
func testPutDeleteRace(t *testing.T, s blob.Store, clk *storetest.Clock) {
	ctx := context.Background()
	content := bytes.Repeat([]byte("race "), 1000)
	k := key(content)
	deletes := 0
	for i := range 100 {
		mustPut(t, s, k, content) // put now
		clk.Add(2 * time.Hour)
		putBefore := clk.Now().Add(-time.Hour)
		var wg sync.WaitGroup
		var deleted bool
		wg.Go(func() {
			if err := s.Put(ctx, k, bytes.NewReader(content)); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			var err error
			if deleted, err = s.Delete(ctx, k, putBefore); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		if deleted {
			deletes++
		}
		if ok, err := s.Exists(ctx, k); err != nil || !ok {
			t.Fatalf("round %d (deleted: %v): Exists after the Put returned = %v, %v, want true", i, deleted, ok, err)
		}
		assertContent(t, s, k, content)
		if ok, err := s.Delete(ctx, k, clk.Now().Add(time.Second)); err != nil || !ok {
			t.Fatalf("round %d: clearing Delete = %v, %v", i, ok, err)
		}
	}
	t.Logf("the Delete went first in %d of 100 rounds", deletes)
}

func mustPut(t *testing.T, s blob.Store, k string, content []byte) {
	t.Helper()
	if err := s.Put(context.Background(), k, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
}

func assertContent(t *testing.T, s blob.Store, k string, want []byte) {
	t.Helper()
	f, err := s.Open(context.Background(), k)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	defer f.Close()
	if got, err := io.ReadAll(f); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("content = %d bytes, %v, want the %d bytes put", len(got), err, len(want))
	}
}

func sorted(keys ...string) []string {
	slices.Sort(keys)
	return keys
}
