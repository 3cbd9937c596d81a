package quote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// MessageQuote is the kind of the messages that announce an offer and its
// acceptance or refusal; their data names the quote and version.
const MessageQuote = "quote"

// Webhook events sent to the host.
const (
	EventAccepted = "quote.accepted"
	EventDeclined = "quote.declined"
)

// StateSuperseded is the state shown for a version that a newer one
// replaced.
const StateSuperseded = "superseded"

// OfferInput is a seller's offer.
type OfferInput struct {
	// Inputs holds one quantity: named after the product's price unit
	// ("hours") or "quantity"; decimals up to two places.
	Inputs map[string]json.Number `json:"inputs"`
	// UnitPrice overrides the product's price for this offer.
	UnitPrice  string     `json:"unit_price"`
	Parameters []string   `json:"parameters"`
	Note       string     `json:"note"`
	ValidUntil *time.Time `json:"valid_until"`
}

// Version is one version of a quote.
type Version struct {
	Version     int64          `json:"version"`
	State       string         `json:"state"`
	Inputs      map[string]any `json:"inputs"`
	Lines       []Line         `json:"lines"`
	Adjustments []Adjustment   `json:"adjustments"`
	Total       Money          `json:"total"`
	Note        string         `json:"note,omitempty"`
	ValidUntil  time.Time      `json:"valid_until"`
	Message     string         `json:"message,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	Parameters  []string       `json:"parameters"`
}

// Quote is a quote as the API shows it: the current version's fields at
// the top, every version (newest first) in Versions.
type Quote struct {
	ID           string       `json:"id"`
	Conversation string       `json:"conversation"`
	Product      string       `json:"product"`
	Buyer        string       `json:"buyer"`
	Seller       string       `json:"seller"`
	Version      int64        `json:"version"`
	State        string       `json:"state"`
	Lines        []Line       `json:"lines"`
	Adjustments  []Adjustment `json:"adjustments"`
	Total        Money        `json:"total"`
	Note         string       `json:"note,omitempty"`
	ValidUntil   time.Time    `json:"valid_until"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
	Versions     []Version    `json:"versions"`
}

// effectiveState is the quote's state at now: an offer past its validity
// is expired.
func effectiveState(r store.QuoteRow, validUntil, now time.Time) string {
	if r.State == store.QuoteOffered && !now.Before(validUntil) {
		return store.QuoteExpired
	}
	return r.State
}

type storedInputs struct {
	Inputs     map[string]any `json:"inputs"`
	Parameters []string       `json:"parameters"`
}

func (s *Service) render(q store.Querier, r store.QuoteRow) (Quote, error) {
	versions, err := store.QuoteVersions(q, r.ID)
	if err != nil {
		return Quote{}, err
	}
	pr, err := store.ProductByID(q, r.ProductID)
	if err != nil {
		return Quote{}, err
	}
	buyer, err := store.UserByID(q, r.BuyerUserID)
	if err != nil {
		return Quote{}, err
	}
	seller, err := store.OrganizationByID(q, r.SellerOrgID)
	if err != nil {
		return Quote{}, err
	}
	sc := scale(r.Currency)
	out := Quote{ID: conversation.ID(r.ID), Conversation: conversation.ID(r.ConversationID), Product: pr.ExternalID, Buyer: buyer.ExternalID,
		Seller: seller.ExternalID, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), Versions: []Version{}}
	now := q.Now()
	for _, v := range versions {
		ver := Version{Version: v.Version, Total: Money{Amount: formatDecimal(v.TotalMinor, sc), Currency: r.Currency}, Note: v.Note,
			ValidUntil: v.ValidUntil.UTC(), CreatedAt: v.CreatedAt.UTC()}
		var in storedInputs
		json.Unmarshal([]byte(v.Inputs), &in)
		ver.Inputs, ver.Parameters = in.Inputs, in.Parameters
		if ver.Parameters == nil {
			ver.Parameters = []string{}
		}
		json.Unmarshal([]byte(v.Lines), &ver.Lines)
		json.Unmarshal([]byte(v.Adjustments), &ver.Adjustments)
		if ver.Adjustments == nil {
			ver.Adjustments = []Adjustment{}
		}
		if v.MessageID != 0 {
			ver.Message = conversation.ID(v.MessageID)
		}
		if v.Version == r.Version {
			ver.State = effectiveState(r, v.ValidUntil, now)
			out.State, out.Lines, out.Adjustments, out.Total, out.Note, out.ValidUntil = ver.State, ver.Lines, ver.Adjustments, ver.Total, ver.Note, ver.ValidUntil
		} else {
			ver.State = StateSuperseded
		}
		out.Versions = append(out.Versions, ver)
	}
	return out, nil
}

// Get returns a quote to its conversation's parties.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id int64) (Quote, error) {
	q := s.db.Reader(ctx)
	r, err := store.QuoteByID(q, id)
	if errors.Is(err, store.ErrNotFound) {
		return Quote{}, parley.NotFound("quote")
	} else if err != nil {
		return Quote{}, err
	}
	if _, _, err := s.conv.Party(ctx, p, r.ConversationID); err != nil {
		return Quote{}, parley.NotFound("quote")
	}
	return s.render(q, r)
}

// Offer prices the quote conversation's request as a member of the seller
// company: a new quote, or a new version of the offered one.
func (s *Service) Offer(ctx context.Context, p *identity.Principal, convID int64, in OfferInput) (Quote, error) {
	c, side, err := s.conv.Party(ctx, p, convID)
	if err != nil {
		return Quote{}, err
	}
	if side != parley.SideSeller {
		return Quote{}, parley.Errorf(parley.EForbidden, "Only the seller prices a quote.")
	}
	if c.Kind != parley.KindQuote {
		return Quote{}, parley.Invalid(parley.FieldError{Field: "conversation", Message: "is not a quote request"})
	}
	q := s.db.Reader(ctx)
	productID := c.ProductID
	if r, err := store.QuoteRequestFor(q, convID); err == nil {
		productID = r.ProductID
	} else if !errors.Is(err, store.ErrNotFound) {
		return Quote{}, err
	}
	if productID == 0 {
		return Quote{}, parley.Invalid(parley.FieldError{Field: "conversation", Message: "names no product to price"})
	}
	pr, err := store.ProductByID(q, productID)
	if err != nil {
		return Quote{}, err
	}
	params, _, err := parameters(q, c.MarketplaceID)
	if err != nil {
		return Quote{}, err
	}
	var errs []parley.FieldError
	bad := func(f, m string) { errs = append(errs, parley.FieldError{Field: f, Message: m}) }
	currency := pr.Price.Currency
	if currency == "" {
		currency = "EUR"
	}
	sc := scale(currency)
	name := inputName(pr.Price.Unit)
	var qty int64
	var inputKey string
	for k, v := range in.Inputs {
		if k != name && k != "quantity" {
			bad("inputs."+k, fmt.Sprintf("is not an input of this product: give %q", name))
			continue
		}
		if inputKey != "" {
			bad("inputs", fmt.Sprintf("give one of %q and \"quantity\"", name))
			continue
		}
		inputKey = k
		n, ok := parseDecimal(v.String(), 2)
		if !ok || n <= 0 || n > 100_000_000 {
			bad("inputs."+k, "must be a number above 0, at most 1000000, with at most 2 decimals")
		}
		qty = n
	}
	if inputKey == "" && len(errs) == 0 {
		bad("inputs."+name, "is required")
	}
	unitPrice := in.UnitPrice
	if unitPrice == "" {
		unitPrice = pr.Price.Amount
	}
	unitMinor, ok := parseDecimal(unitPrice, sc)
	if !ok || unitMinor > maxMinor {
		field := "unit_price"
		if in.UnitPrice == "" {
			field, unitPrice = "unit_price", "(the product has no price)"
		}
		bad(field, fmt.Sprintf("must be a decimal amount with at most %d decimals for %s, not %s", sc, currency, unitPrice))
	}
	var chosen []Parameter
	for _, n := range in.Parameters {
		i := slices.IndexFunc(params, func(p Parameter) bool { return p.Name == n })
		if i < 0 {
			bad("parameters", fmt.Sprintf("%q is not a pricing parameter of this marketplace", n))
		} else if !slices.ContainsFunc(chosen, func(p Parameter) bool { return p.Name == n }) {
			chosen = append(chosen, params[i])
		}
	}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 2000 {
		bad("note", "must be at most 2000 characters")
	}
	now := s.db.Now()
	validUntil := now.Add(DefaultValidity)
	if in.ValidUntil != nil {
		validUntil = *in.ValidUntil
		if !validUntil.After(now) || validUntil.After(now.AddDate(1, 0, 0)) {
			bad("valid_until", "must be in the future, within a year")
		}
	}
	if len(errs) > 0 {
		return Quote{}, parley.Invalid(errs...)
	}
	pc, perrs := price(pr.Title, pr.Price.Unit, currency, unitMinor, qty, chosen)
	if len(perrs) > 0 {
		return Quote{}, parley.Invalid(perrs...)
	}
	names := make([]string, len(chosen))
	for i, p := range chosen {
		names[i] = p.Name
	}
	inputs, _ := json.Marshal(storedInputs{Inputs: map[string]any{inputKey: json.Number(trimDecimal(qty))}, Parameters: names})
	lines, _ := json.Marshal(pc.lines)
	adjs, _ := json.Marshal(pc.adjustments)
	total := formatDecimal(pc.total, sc)
	var quoteID int64
	err = s.db.WriteKey(ctx, convID, func(tx *store.Tx) error {
		quoteID = 0
		version := int64(1)
		latest, err := store.LatestQuote(tx, convID)
		if err == nil {
			if latest, err = store.QuoteForUpdate(tx, latest.ID); err != nil {
				return err
			}
		}
		switch {
		case err == nil && latest.State == store.QuoteOffered:
			// A new offer on an offered quote (expired or not) is its
			// next version.
			quoteID, version = latest.ID, latest.Version+1
			if err := store.SetQuoteVersion(tx, quoteID, version, currency); err != nil {
				return err
			}
		case err == nil || errors.Is(err, store.ErrNotFound):
			if quoteID, err = store.InsertQuote(tx, store.QuoteRow{MarketplaceID: c.MarketplaceID, ConversationID: convID, ProductID: pr.ID,
				BuyerUserID: c.BuyerUserID, SellerOrgID: c.SellerOrgID, Currency: currency}); err != nil {
				return err
			}
		default:
			return err
		}
		if err := store.InsertQuoteVersion(tx, store.QuoteVersionRow{QuoteID: quoteID, Version: version, Inputs: string(inputs), Lines: string(lines),
			Adjustments: string(adjs), TotalMinor: pc.total, Note: in.Note, ValidUntil: validUntil, AuthorUserID: p.User.ID}); err != nil {
			return err
		}
		body := offerText(pc, currency, total, in.Note)
		data, _ := json.Marshal(map[string]any{"quote": conversation.ID(quoteID), "version": version, "state": store.QuoteOffered,
			"total": Money{Amount: total, Currency: currency}, "valid_until": validUntil.UTC()})
		m, err := s.conv.AppendFeatureMessage(tx, p, convID, conversation.MessageInput{ClientID: fmt.Sprintf("quote:%d:%d:offer", quoteID, version),
			Body: body, Data: string(data), Kind: MessageQuote})
		if err != nil {
			return err
		}
		mid, _ := conversation.ParseID(m.ID)
		if err := store.SetQuoteVersionMessage(tx, quoteID, version, mid); err != nil {
			return err
		}
		return s.queue.Enqueue(tx, outbox.Job{MarketplaceID: c.MarketplaceID, Kind: KindOfferMail, Payload: mailJob{Quote: quoteID, Version: version}})
	})
	if err != nil {
		return Quote{}, err
	}
	return s.render(s.db.Reader(ctx), mustQuote(s.db.Reader(ctx), quoteID))
}

func mustQuote(q store.Querier, id int64) store.QuoteRow {
	r, _ := store.QuoteByID(q, id)
	return r
}

// offerText is the offer message's body, for clients that show text only.
func offerText(pc priced, currency, total, note string) string {
	var b strings.Builder
	for _, l := range pc.lines {
		fmt.Fprintf(&b, "%s: %s %s × %s %s = %s %s\n", l.Title, l.Quantity, l.Unit, l.UnitPrice, currency, l.Amount, currency)
	}
	for _, a := range pc.adjustments {
		fmt.Fprintf(&b, "%s: %s %s\n", a.Label, a.Amount, currency)
	}
	fmt.Fprintf(&b, "Total: %s %s", total, currency)
	if note != "" {
		b.WriteString("\n" + note)
	}
	return b.String()
}

// Accept accepts the quote's current version (version 0) or the named
// one, as its buyer; accepting twice answers the accepted quote.
func (s *Service) Accept(ctx context.Context, p *identity.Principal, id, version int64) (Quote, error) {
	return s.answer(ctx, p, id, version, store.QuoteAccepted)
}

// Decline declines the quote's current version as its buyer.
func (s *Service) Decline(ctx context.Context, p *identity.Principal, id, version int64) (Quote, error) {
	return s.answer(ctx, p, id, version, store.QuoteDeclined)
}

var errExpired = parley.Errorf(parley.EExpired, "This offer has expired or was replaced by a newer one.")

// AcceptedData is the data of the quote.accepted webhook: what the host
// puts in the buyer's cart.
type AcceptedData struct {
	Quote        string         `json:"quote"`
	Version      int64          `json:"version"`
	Conversation string         `json:"conversation"`
	Buyer        string         `json:"buyer"`
	Seller       string         `json:"seller"`
	Product      string         `json:"product"`
	Inputs       map[string]any `json:"inputs"`
	Quantity     json.Number    `json:"quantity"`
	UnitPrice    Money          `json:"unit_price"`
	Lines        []Line         `json:"lines"`
	Adjustments  []Adjustment   `json:"adjustments"`
	Total        Money          `json:"total"`
}

func (s *Service) answer(ctx context.Context, p *identity.Principal, id, version int64, to string) (Quote, error) {
	q := s.db.Reader(ctx)
	r, err := store.QuoteByID(q, id)
	if errors.Is(err, store.ErrNotFound) {
		return Quote{}, parley.NotFound("quote")
	} else if err != nil {
		return Quote{}, err
	}
	c, side, err := s.conv.Party(ctx, p, r.ConversationID)
	if err != nil {
		return Quote{}, parley.NotFound("quote")
	}
	if side != parley.SideBuyer {
		return Quote{}, parley.Errorf(parley.EForbidden, "Only the buyer accepts or declines a quote.")
	}
	if version == 0 {
		version = r.Version
	}
	var done bool
	err = s.db.WriteKey(ctx, r.ConversationID, func(tx *store.Tx) error {
		done = false
		cur, err := store.QuoteForUpdate(tx, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return errExpired
		}
		if cur.State == to {
			done = true // a second click: nothing more to do
			return nil
		}
		if cur.State != store.QuoteOffered {
			return parley.Errorf(parley.EConflict, "This quote is already %s.", cur.State)
		}
		qt, err := s.render(tx, cur)
		if err != nil {
			return err
		}
		if qt.State == store.QuoteExpired {
			return errExpired
		}
		if ok, err := store.SetQuoteState(tx, id, version, store.QuoteOffered, to); err != nil {
			return err
		} else if !ok {
			return errExpired
		}
		verb := "Accepted"
		if to == store.QuoteDeclined {
			verb = "Declined"
		}
		data, _ := json.Marshal(map[string]any{"quote": qt.ID, "version": version, "state": to, "total": qt.Total})
		if _, err := s.conv.AppendFeatureMessage(tx, p, r.ConversationID, conversation.MessageInput{ClientID: fmt.Sprintf("quote:%d:%d:%s", id, version, to),
			Body: fmt.Sprintf("%s the quote: %s %s", verb, qt.Total.Amount, qt.Total.Currency), Data: string(data), Kind: MessageQuote}); err != nil {
			return err
		}
		if s.events == nil {
			return nil
		}
		ev := AcceptedData{Quote: qt.ID, Version: version, Conversation: qt.Conversation, Buyer: qt.Buyer, Seller: qt.Seller, Product: qt.Product,
			Lines: qt.Lines, Adjustments: qt.Adjustments, Total: qt.Total}
		if len(qt.Versions) > 0 {
			ev.Inputs = qt.Versions[0].Inputs
		}
		if len(qt.Lines) > 0 {
			ev.Quantity, ev.UnitPrice = qt.Lines[0].Quantity, Money{Amount: qt.Lines[0].UnitPrice, Currency: qt.Total.Currency}
		}
		event := EventAccepted
		if to == store.QuoteDeclined {
			event = EventDeclined
		}
		return s.events.Emit(tx, c.MarketplaceID, event, ev)
	})
	if err != nil {
		return Quote{}, err
	}
	_ = done
	return s.render(s.db.Reader(ctx), mustQuote(s.db.Reader(ctx), id))
}
