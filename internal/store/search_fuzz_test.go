package store_test

import (
	"context"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// FuzzSearchStored stores a message holding the fuzzed text on SQLite and
// PostgreSQL and searches for the same text: the search must not fail,
// and when the text has a searchable word the conversation must be found
// (both full-text indexes tokenize as the search builder does).
func FuzzSearchStored(f *testing.F) {
	for _, s := range []string{"pelican", "ORD-77", `"quoted" OR NEAR(x)`, "Ćevapi über", "a:* & b", "*", "x'y", "ǅemal", "日本語テキスト", "e\u0301clair", "123abc", "Straße"} {
		f.Add(s)
	}
	ctx := context.Background()
	type target struct {
		db   *store.DB
		v    store.Viewer
		conv int64
	}
	var targets []target
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		db := storetest.Open(f, d)
		fx := mustChats(f, db, 1)
		targets = append(targets, target{db: db, v: store.Viewer{UserID: fx.buyers[0], MarketplaceID: fx.marketplace}, conv: fx.convs[0]})
	}
	f.Fuzz(func(t *testing.T, text string) {
		// NUL bytes and invalid UTF-8 are refused at the edge (they cannot
		// be stored as text on PostgreSQL); the query may hold them.
		storable := utf8.ValidString(text) && !strings.ContainsRune(text, 0) && len(text) <= 4000
		for _, tg := range targets {
			d := tg.db.Dialect
			if storable {
				if err := tg.db.Write(ctx, func(tx *store.Tx) error {
					_, _, err := store.InsertMessage(tx, store.NewMessage{ConversationID: tg.conv, AuthorUserID: tg.v.UserID, Side: "buyer", Kind: "text", Body: "zq " + text + " zq"})
					return err
				}); err != nil {
					t.Fatalf("%s: store %q: %v", d, text, err)
				}
			}
			if err := tg.db.CatchUpSearch(ctx); err != nil {
				t.Fatal(err)
			}
			rows, err := store.ListConversations(tg.db.Reader(ctx), tg.v, store.ListFilter{Query: text, Limit: 10})
			if err != nil {
				t.Fatalf("%s: search %q: %v", d, text, err)
			}
			// Words with combining marks (e + U+0301) are split by the
			// search builder but folded whole by SQLite's FTS5 tokenizer:
			// a known gap, left out here until the two tokenize alike.
			if storable && len(store.SearchTerms(text)) > 0 && !strings.ContainsFunc(text, unicode.IsMark) && len(rows) != 1 {
				t.Errorf("%s: search %q (terms %q) = %d conversations, want the one whose message holds it", d, text, store.SearchTerms(text), len(rows))
			}
		}
	})
}
