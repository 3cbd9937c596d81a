package parley

import (
	"encoding/json"
	"time"
)

// Money is an amount as a decimal string in a currency's minor units.
type Money struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	Unit     string `json:"unit,omitempty"`
}

// Product is a product or a service that a seller offers.
type Product struct {
	ID            int64    `json:"-"`
	MarketplaceID int64    `json:"-"`
	SellerOrgID   int64    `json:"-"`
	ExternalID    string   `json:"id"`
	Seller        string   `json:"seller"`
	Kind          string   `json:"kind"`
	Title         string   `json:"title"`
	Code          string   `json:"code"`
	Tags          []string `json:"tags"`
	Category      []string `json:"category"`
	Price         Money    `json:"price"`
	URL           string   `json:"url"`
	Agents        []string `json:"agents"`

	// CategoryTranslations are the category path in other languages,
	// keyed by language tag, as the host gives them.
	CategoryTranslations map[string][]string `json:"category_translations,omitempty"`
	// CategoryText is the path in the reader's language (read side).
	CategoryText []string `json:"category_text,omitempty"`
}

// OrderItem is one line of an order.
type OrderItem struct {
	Product string `json:"product"`
	Title   string `json:"title"`
	// Quantity may have decimals: a service sold by the hour is ordered
	// for 1.5 hours.
	Quantity json.Number `json:"quantity"`
	Price    string      `json:"price"`
}

// Order is a buyer's order with one seller.
type Order struct {
	ID            int64        `json:"-"`
	MarketplaceID int64        `json:"-"`
	BuyerUserID   int64        `json:"-"`
	SellerOrgID   int64        `json:"-"`
	ExternalID    string       `json:"id"`
	Buyer         string       `json:"buyer"`
	Seller        string       `json:"seller"`
	Status        string       `json:"status"`
	Items         []OrderItem  `json:"items"`
	PlacedAt      time.Time    `json:"placed_at"`
	Events        []OrderEvent `json:"events,omitempty"`
}

// OrderEvent is one step of an order's timeline.
type OrderEvent struct {
	Type string          `json:"type"`
	At   time.Time       `json:"at"`
	Data json.RawMessage `json:"data,omitempty"`
}

// OrderCompleted is the status of an order a ticket can be opened on.
const OrderCompleted = "completed"
