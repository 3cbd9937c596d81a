package app_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestMarketplaceFilter: conversations say where they come from, the list
// filters by marketplace (native or an external marketplace's slug), and
// GET /api/v1/conversations/marketplaces lists the caller's own.
func TestMarketplaceFilter(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		w := e.seed()
		native := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "message": msg("n-1", "Is the drill in stock?")})["conversation"].(map[string]any)["id"].(string)
		// No connector exists yet: the conversation it would bring in is
		// stored directly, and the buyer writes in it through the API.
		ebay := strconv.FormatInt(storetest.ConnectorConversation(t, e.app.DB, parley.DefaultMarketplaceSlug, "ebay", "eBay", "buyer", "acme", "Drill bits"), 10)
		e.must(201, "POST", "/api/v1/conversations/"+ebay+"/messages", w.buyer, msg("x-1", "Do you ship to Milan?"))
		// Another seller's conversation from another external marketplace.
		etsy := strconv.FormatInt(storetest.ConnectorConversation(t, e.app.DB, parley.DefaultMarketplaceSlug, "etsy", "Etsy", "buyer", "other", "Prints"), 10)

		describe := func(ch map[string]any) string {
			return fmt.Sprint(ch["kind"], " ", ch["marketplace"], " ", ch["name"])
		}
		channel := func(c map[string]any) string {
			ch, _ := c["channel"].(map[string]any)
			return describe(ch)
		}
		list := e.must(200, "GET", "/api/v1/conversations", w.owner, nil)
		got := map[string]string{}
		for _, it := range list["items"].([]any) {
			c := it.(map[string]any)
			got[c["id"].(string)] = channel(c)
		}
		if want := map[string]string{native: "native native Default marketplace", ebay: "connector ebay eBay"}; len(got) != 2 || got[native] != want[native] || got[ebay] != want[ebay] {
			t.Errorf("owner's list channels = %v, want %v", got, want)
		}
		if c := e.must(200, "GET", "/api/v1/conversations/"+ebay, w.buyer, nil); channel(c) != "connector ebay eBay" {
			t.Errorf("GET the connector's conversation: channel %s", channel(c))
		}

		tests := []struct {
			name  string
			token string
			query string
			want  []string
		}{
			{"Any", w.owner, "", []string{native, ebay}},
			{"Native", w.owner, "?marketplace=native", []string{native}},
			{"Connector", w.owner, "?marketplace=ebay", []string{ebay}},
			{"WithOtherFilters", w.manager, "?marketplace=ebay&status=open&side=seller&q=milan", []string{ebay}},
			{"UnknownSlug", w.owner, "?marketplace=amazon", nil},
			{"NotTheirs", w.owner, "?marketplace=etsy", nil},
			{"BuyerBoth", w.buyer, "?marketplace=etsy", []string{etsy}},
			{"Foreign", w.foreign, "?marketplace=etsy", []string{etsy}},
			{"ForeignNative", w.foreign, "?marketplace=native", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := ids(e.must(200, "GET", "/api/v1/conversations"+tt.query, tt.token, nil))
				slices.Sort(got)
				want := slices.Clone(tt.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("GET /api/v1/conversations%s = %v, want %v", tt.query, got, want)
				}
			})
		}

		marketplaces := func(token string) []string {
			t.Helper()
			var out []string
			for _, it := range e.must(200, "GET", "/api/v1/conversations/marketplaces", token, nil)["items"].([]any) {
				out = append(out, describe(it.(map[string]any)))
			}
			return out
		}
		for _, tt := range []struct {
			name  string
			token string
			want  []string
		}{
			{"Owner", w.owner, []string{"native native Default marketplace", "connector ebay eBay"}},
			{"Buyer", w.buyer, []string{"native native Default marketplace", "connector ebay eBay", "connector etsy Etsy"}},
			{"Foreign", w.foreign, []string{"native native Default marketplace", "connector etsy Etsy"}},
			{"Stranger", w.stranger, []string{"native native Default marketplace"}},
		} {
			if got := marketplaces(tt.token); !slices.Equal(got, tt.want) {
				t.Errorf("%s: marketplaces = %v, want %v", tt.name, got, tt.want)
			}
		}

		// Starting a chat here again appends to the native one, never to
		// the newer conversation that came from eBay.
		again := e.must(200, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "seller": "acme", "message": msg("n-2", "And the case?")})
		if id := again["conversation"].(map[string]any)["id"]; id != native {
			t.Errorf("second native start went to conversation %v, want %s", id, native)
		}
		if c := e.must(200, "GET", "/api/v1/conversations/"+ebay, w.owner, nil); num(c["last_seq"]) != 1 {
			t.Errorf("the eBay conversation's last_seq = %v, want 1", c["last_seq"])
		}
	})
}
