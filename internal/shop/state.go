package shop

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Order is an order placed in the shop (or seeded, or proposed by a seller
// through Parley), with the part of its timeline already pushed to Parley.
type Order struct {
	ID       string       `json:"id"`
	Buyer    string       `json:"buyer"`
	Seller   string       `json:"seller"`
	Status   string       `json:"status"`
	Items    []OrderItem  `json:"items"`
	Currency string       `json:"currency"`
	PlacedAt time.Time    `json:"placed_at"`
	Events   []OrderEvent `json:"events"`
	Source   string       `json:"source"` // seed, checkout or parley
	// Pushed is how many of Events Parley has; the order itself is upserted
	// on every sync (idempotent), the events are not and go once.
	Pushed int  `json:"pushed"`
	Synced bool `json:"synced"`
	// Return is the return for inspection the buyer accepted in a ticket.
	Return *OrderReturn `json:"return,omitempty"`
	// Tickets are the order's tickets in Parley, as their webhooks told.
	Tickets []*OrderTicket `json:"tickets,omitempty"`
	// Conversation and Proposal are the Parley chat and order proposal an
	// order was made from: the order page links back to the chat, and
	// Parley names the order on the proposal's card.
	Conversation string `json:"conversation,omitempty"`
	Proposal     string `json:"proposal,omitempty"`
}

// OrderItem is a line of an order; Price is the unit price.
type OrderItem struct {
	Product string `json:"product"`
	Title   string `json:"title"`
	// Quantity may have decimals (1.5 hours, from an order proposal).
	Quantity json.Number `json:"quantity"`
	Price    string      `json:"price"`
	Unit     string      `json:"unit,omitempty"`
}

// OrderEvent is a step of an order's timeline.
type OrderEvent struct {
	Type string    `json:"type"`
	At   time.Time `json:"at"`
}

// CartLine is a product in a buyer's cart; Price, when set, overrides the
// list price (a line from an accepted quote).
type CartLine struct {
	Product  string `json:"product"`
	Quantity int    `json:"quantity"`
	Price    string `json:"price,omitempty"`
	Quote    string `json:"quote,omitempty"`
	Note     string `json:"note,omitempty"` // carts saved before QuoteLine: shown as stored
	// QuoteLine is an accepted quote's line, said in the reader's
	// language when the cart is shown.
	QuoteLine *CartQuoteLine `json:"quote_line,omitempty"`
}

// webhookReg is the shop's webhook endpoint registered with Parley.
type webhookReg struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Secret string `json:"secret"`
	// Events are the events registered; nil in a registration older than
	// this field.
	Events []string `json:"events,omitempty"`
}

type state struct {
	CookieKey string                `json:"cookie_key"`
	Webhook   *webhookReg           `json:"webhook,omitempty"`
	NextOrder int                   `json:"next_order"`
	Carts     map[string][]CartLine `json:"carts"`
	Orders    []*Order              `json:"orders"`
	SeenEvent []string              `json:"seen_events"` // webhook event ids handled, newest last
}

// stateFile is the shop's state in a JSON file, rewritten whole (to a
// temporary file, synced, then renamed over the old one) on each change.
type stateFile struct {
	mu   sync.Mutex
	path string
	st   state
}

func openState(dir string) (*stateFile, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("shop state dir: %w", err)
	}
	f := &stateFile{path: filepath.Join(dir, "shop.json")}
	b, err := os.ReadFile(f.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, &f.st); err != nil {
			return nil, fmt.Errorf("shop state %s: %w", f.path, err)
		}
	}
	if f.st.CookieKey == "" {
		f.st.CookieKey = randomHex(32)
	}
	if f.st.NextOrder == 0 {
		f.st.NextOrder = 2001
	}
	if f.st.Carts == nil {
		f.st.Carts = map[string][]CartLine{}
	}
	return f, f.saveLocked()
}

// view runs f on the state under the lock; f must not keep references.
func (f *stateFile) view(fn func(st *state)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(&f.st)
}

// update changes the state and saves it; an error from fn saves nothing.
func (f *stateFile) update(fn func(st *state) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	before, err := json.Marshal(f.st)
	if err != nil {
		return err
	}
	if err := fn(&f.st); err != nil {
		var old state
		json.Unmarshal(before, &old)
		f.st = old
		return err
	}
	return f.saveLocked()
}

func (f *stateFile) saveLocked() error {
	b, err := json.MarshalIndent(f.st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".shop-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.path)
}

func (st *state) order(id string) *Order {
	for _, o := range st.Orders {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
