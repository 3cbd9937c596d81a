package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// MessageOrderProposal is the kind of a message that proposes an order.
const MessageOrderProposal = "order_proposal"

// EventOrderProposed is the webhook event sent to the host for a proposal:
// the host turns it into an order (or a cart) for the buyer.
const EventOrderProposed = "order.proposed"

// ProposalItem is one line of an order proposal.
type ProposalItem struct {
	Product string `json:"product"`
	Title   string `json:"title"`
	// Quantity is in the product's unit and may have up to three
	// decimals (1.5 hours).
	Quantity json.Number `json:"quantity"`
	Price    string      `json:"price"`
	// Unit is the product's price unit (hour, piece), set by Parley.
	Unit string `json:"unit,omitempty"`
}

// ProposalInput is a seller's order proposal from a chat.
type ProposalInput struct {
	ClientID string         `json:"client_id"`
	Items    []ProposalItem `json:"items"`
	Note     string         `json:"note"`
}

// Proposal is the data of an order_proposal message and of the
// order.proposed webhook.
type Proposal struct {
	Conversation string         `json:"conversation"`
	Message      string         `json:"message,omitempty"`
	Buyer        string         `json:"buyer"`
	Seller       string         `json:"seller"`
	Items        []ProposalItem `json:"items"`
	Currency     string         `json:"currency"`
	Total        string         `json:"total"`
	Note         string         `json:"note,omitempty"`
}

var (
	priceRE    = regexp.MustCompile(`^[0-9]{1,9}(\.[0-9]{1,2})?$`)
	quantityRE = regexp.MustCompile(`^[0-9]{1,6}(\.[0-9]{1,3})?$`)
)

// MaxQuantity is the largest quantity of an order proposal's line.
const MaxQuantity = 100000

// milli parses a quantity with at most three decimals into thousandths;
// false when it is not such a number, not above zero or above MaxQuantity.
func milli(q json.Number) (int64, bool) {
	s := q.String()
	if !quantityRE.MatchString(s) {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "000")[:3], 10, 64)
	m := w*1000 + f
	return m, m > 0 && m <= MaxQuantity*1000
}

// cents parses a decimal price with at most two decimals.
func cents(s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	frac = (frac + "00")[:2]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f
}

// ProposeOrder lets a member of the seller company propose an order in the
// conversation: products of that seller, quantities and prices. It appends
// a message of kind order_proposal (idempotent by client_id) and sends the
// host the order.proposed webhook in the same transaction.
func (s *Service) ProposeOrder(ctx context.Context, p *identity.Principal, convID int64, in ProposalInput) (parley.Message, bool, error) {
	if p.Host {
		return parley.Message{}, false, errNotFound
	}
	c, side, err := s.access(ctx, p, convID)
	if err != nil {
		return parley.Message{}, false, err
	}
	if side != parley.SideSeller {
		return parley.Message{}, false, parley.Errorf(parley.EForbidden, "Only the seller proposes orders.")
	}
	q := s.db.Reader(ctx)
	var errs []parley.FieldError
	if len(in.Items) == 0 || len(in.Items) > 50 {
		errs = append(errs, parley.FieldError{Field: "items", Message: "give 1 to 50 items"})
	}
	currency := ""
	var total int64
	for i, it := range in.Items {
		f := fmt.Sprintf("items[%d].", i)
		prod, err := store.ProductByExternalID(q, c.MarketplaceID, it.Product)
		if errors.Is(err, store.ErrNotFound) || (err == nil && prod.SellerOrgID != c.SellerOrgID) {
			errs = append(errs, parley.FieldError{Field: f + "product", Message: "is not a product of this seller"})
			continue
		} else if err != nil {
			return parley.Message{}, false, err
		}
		qty, ok := milli(it.Quantity)
		if !ok {
			errs = append(errs, parley.FieldError{Field: f + "quantity", Message: "must be a number above 0 and at most 100000, with up to 3 decimals"})
		}
		if !priceRE.MatchString(it.Price) {
			errs = append(errs, parley.FieldError{Field: f + "price", Message: "must be a decimal amount like 12.50"})
		}
		if strings.TrimSpace(it.Title) == "" {
			in.Items[i].Title = prod.Title
		}
		in.Items[i].Unit = prod.Price.Unit
		if currency == "" {
			currency = prod.Price.Currency
		}
		// Half a cent and more rounds up.
		total += (cents(it.Price)*qty + 500) / 1000
	}
	if len(in.Note) > 2000 {
		errs = append(errs, parley.FieldError{Field: "note", Message: "must be at most 2000 characters"})
	}
	if len(errs) > 0 {
		return parley.Message{}, false, parley.Invalid(errs...)
	}
	buyer, err := store.UserByID(q, c.BuyerUserID)
	if err != nil {
		return parley.Message{}, false, err
	}
	seller, err := store.OrganizationByID(q, c.SellerOrgID)
	if err != nil {
		return parley.Message{}, false, err
	}
	prop := Proposal{Conversation: ID(convID), Buyer: buyer.ExternalID, Seller: seller.ExternalID, Items: in.Items, Currency: currency,
		Total: fmt.Sprintf("%d.%02d", total/100, total%100), Note: strings.TrimSpace(in.Note)}
	data, _ := json.Marshal(prop)
	var lines []string
	for _, it := range in.Items {
		lines = append(lines, fmt.Sprintf("%s × %s @ %s %s", it.Quantity, it.Title, it.Price, currency))
	}
	body := strings.Join(lines, "\n") + fmt.Sprintf("\n= %s %s", prop.Total, currency)
	if prop.Note != "" {
		body = prop.Note + "\n" + body
	}
	msgIn := MessageInput{ClientID: in.ClientID, Body: body, Data: string(data), Kind: MessageOrderProposal}
	if _, errs := msgIn.validate(""); len(errs) > 0 {
		return parley.Message{}, false, parley.Invalid(errs...)
	}
	var msg parley.Message
	err = s.db.WriteKey(ctx, convID, func(tx *store.Tx) error {
		var err error
		if msg, err = s.appendMessage(tx, p, store.WriteState{ID: convID}, "", msgIn, nil); err != nil {
			return err
		}
		if s.Events == nil {
			return nil
		}
		prop.Message = msg.ID
		return s.Events.Emit(tx, c.MarketplaceID, EventOrderProposed, prop)
	})
	if errors.Is(err, store.ErrConflict) {
		m, found, oerr := s.original(ctx, p, convID, msgIn)
		if found || oerr != nil {
			return m, false, oerr
		}
	}
	return msg, err == nil, err
}
