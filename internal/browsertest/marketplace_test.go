package browsertest_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley"
	bt "github.com/parleyhq/parley/internal/browsertest"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestMarketplaceFilter: the seller's marketplace filter stays hidden while
// every conversation is native; a conversation a connector brings from eBay
// shows live with its badge and makes the filter appear, and the filter
// lists this marketplace and eBay and narrows the list to either.
func TestMarketplaceFilter(t *testing.T) {
	eachDB(t, testMarketplaceFilter)
}

func testMarketplaceFilter(t *testing.T, postgres bool) {
	tools := bt.InstallTools(t)
	s := bt.Start(t, postgres)
	b := bt.NewBrowser(t)
	buyer, seller := b.Context(), b.Context()
	signIn(t, buyer, s.URL, buyerEmail)
	signIn(t, seller, s.URL, sellerEmail)
	native := startChat(t, buyer, "walnut-chair", "Is the walnut chair solid wood?")
	m, err := store.MarketplaceBySlug(s.App.DB.Reader(t.Context()), parley.DefaultMarketplaceSlug)
	if err != nil {
		t.Fatal(err)
	}

	// Only native conversations: no choice to offer.
	bt.Do(t, seller, "seller's inbox", chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`a[data-conversation="%s"]`, native))))
	bt.WaitJS(t, seller, 5*time.Second, "the seller's scripts", `document.documentElement.dataset.shell === 'ready'`)
	if !bt.Eval[bool](t, seller, `document.getElementById('f-marketplace-field').hidden`) {
		t.Error("the marketplace filter shows with only this marketplace to choose")
	}
	if bt.Eval[bool](t, seller, `!!document.querySelector('#conv-list .badge.channel')`) {
		t.Error("a native conversation shows a marketplace badge")
	}

	// A connector brings a conversation from eBay (stored directly: there
	// is no connector yet); the buyer writes in it.
	ebay := strconv.FormatInt(storetest.ConnectorConversation(t, s.App.DB, parley.DefaultMarketplaceSlug, "ebay", "eBay", "local:anna@demo.parley", "bottega-rossi", "Chair from eBay"), 10)
	bt.Eval[bool](t, buyer, fmt.Sprintf(`fetch('/api/v1/conversations/%s/messages', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({client_id: 'ebay-1', body: 'I bought the chair on eBay, when does it ship?'})}).then(r => r.status === 201)`, ebay))
	bt.WaitJS(t, seller, 10*time.Second, "the eBay conversation with its badge, live", fmt.Sprintf(
		`document.querySelector('a[data-conversation="%s"] .badge.channel[data-marketplace="ebay"]')?.textContent === 'eBay'`, ebay))
	bt.WaitJS(t, seller, 5*time.Second, "the filter appears with eBay", `!document.getElementById('f-marketplace-field').hidden && document.querySelector('#f-marketplace option[value="ebay"]')`)

	// After a reload the filter comes from GET /api/v1/conversations/marketplaces.
	bt.Do(t, seller, "reload", chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`a[data-conversation="%s"]`, ebay))))
	bt.WaitJS(t, seller, 5*time.Second, "the filter after a reload", `!document.getElementById('f-marketplace-field').hidden`)
	options := bt.Eval[[]string](t, seller, `[...document.getElementById('f-marketplace').options].map(o => o.value + '=' + o.textContent)`)
	if len(options) != 3 || !strings.HasPrefix(options[0], "=") || !strings.HasPrefix(options[1], "native=") ||
		!strings.HasSuffix(options[1], " ("+m.Name+")") || options[2] != "ebay=eBay" {
		t.Errorf("marketplace options = %q, want any, this marketplace (%s), eBay", options, m.Name)
	}
	bt.Axe(t, seller, tools, "seller /app/ with the marketplace filter")

	choose := func(value string) {
		t.Helper()
		bt.Eval[bool](t, seller, fmt.Sprintf(`(s => (s.value = %q, s.dispatchEvent(new Event('change', {bubbles: true})), true))(document.getElementById('f-marketplace'))`, value))
	}
	listed := func(ids ...string) string {
		return fmt.Sprintf(`(want => { const got = [...document.querySelectorAll('#conv-list a[data-conversation]')].map(a => a.dataset.conversation).sort();
			return got.length === want.length && got.every((id, i) => id === want[i]); })(%s)`, jsList(ids))
	}
	choose("ebay")
	bt.WaitJS(t, seller, 5*time.Second, "only the eBay conversation", listed(ebay))
	choose("native")
	bt.WaitJS(t, seller, 5*time.Second, "only this marketplace's conversation", listed(native)+` && !document.querySelector('#conv-list .badge.channel')`)
	choose("")
	bt.WaitJS(t, seller, 5*time.Second, "both again", listed(native, ebay))

	// The open conversation names its marketplace too.
	bt.Do(t, seller, "open the eBay conversation", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[data-conversation="%s"]`, ebay))),
		chromedp.WaitVisible(chromedp.CSS(`li.bubble[data-seq="1"]`)))
	bt.WaitJS(t, seller, 5*time.Second, "eBay in the conversation's header", `document.getElementById('conv-sub').textContent.includes('eBay')`)

	// A buyer's inbox has no marketplace filter: the people who buy here
	// write here.
	bt.Do(t, buyer, "buyer's inbox", chromedp.Navigate(s.URL+"/app/"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`a[data-conversation="%s"]`, native))))
	if bt.Eval[bool](t, buyer, `!!document.getElementById('f-marketplace')`) {
		t.Error("the buyer's inbox has a marketplace filter")
	}
}

// jsList writes strings as a JavaScript array, sorted as the page sorts.
func jsList(items []string) string {
	items = slices.Clone(items)
	slices.Sort(items)
	data, _ := json.Marshal(items)
	return string(data)
}
