package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/safehttp"
	"github.com/parleyhq/parley/internal/store"
)

// Service upserts host data.
type Service struct {
	db *store.DB
	// AllowInternalTargets accepts webhook URLs naming internal addresses
	// (development only; the deliveries' client must allow them too).
	AllowInternalTargets bool
	// OrderFromChat, when set, is told inside the write that creates an
	// order naming the conversation (and the order proposal) it came from,
	// so that the conversation says so in the same transaction.
	OrderFromChat func(tx *store.Tx, marketplaceID int64, conversation, proposal string, order parley.Order) error
}

// NewService returns the catalog service.
func NewService(db *store.DB) *Service { return &Service{db: db} }

// CheckExternalID validates a host id from a URL or a body (the rule is
// shared with sign-in JWTs: parley.CheckExternalID).
func CheckExternalID(field, id string) *parley.FieldError { return parley.CheckExternalID(field, id) }

func collect(errs ...*parley.FieldError) error {
	var out []parley.FieldError
	for _, e := range errs {
		if e != nil {
			out = append(out, *e)
		}
	}
	if len(out) > 0 {
		return parley.Invalid(out...)
	}
	return nil
}

func required(field, v string, max int) *parley.FieldError {
	switch {
	case strings.TrimSpace(v) == "":
		return &parley.FieldError{Field: field, Message: "is required"}
	case len(v) > max:
		return &parley.FieldError{Field: field, Message: "is too long"}
	}
	return nil
}

func optionalEmail(field, v string) *parley.FieldError { return parley.CheckEmail(field, v) }

// UserInput is a host user.
type UserInput struct {
	Email  string `json:"email"`
	Name   string `json:"name"`
	Locale string `json:"locale"`
}

// UpsertUser creates or updates a user; it reports whether it was created.
func (s *Service) UpsertUser(ctx context.Context, mid int64, externalID string, in UserInput) (bool, error) {
	if err := collect(CheckExternalID("external_id", externalID), required("name", in.Name, parley.MaxNameLength), optionalEmail("email", in.Email),
		parley.CheckLocale("locale", in.Locale)); err != nil {
		return false, err
	}
	var created bool
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		_, created, err = store.UpsertUser(tx, parley.User{MarketplaceID: mid, ExternalID: externalID, Email: in.Email, Name: in.Name, Locale: in.Locale})
		return err
	})
	return created, err
}

// Member is a user's role in a company.
type Member struct {
	User string `json:"user"`
	Role string `json:"role"`
}

// OrganizationInput is a host company.
type OrganizationInput struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Email       string   `json:"email"`
	ChatEnabled *bool    `json:"chat_enabled"`
	Members     []Member `json:"members"`
}

// UpsertOrganization creates or updates a company and, when members are
// given, sets them.
func (s *Service) UpsertOrganization(ctx context.Context, mid int64, externalID string, in OrganizationInput) (bool, error) {
	var kind *parley.FieldError
	if in.Kind != parley.OrgSeller && in.Kind != parley.OrgBuyer {
		kind = &parley.FieldError{Field: "kind", Message: "must be seller or buyer"}
	}
	errs := []*parley.FieldError{CheckExternalID("external_id", externalID), required("name", in.Name, 200), kind, optionalEmail("email", in.Email)}
	for _, m := range in.Members {
		if m.Role != parley.RoleOwner && m.Role != parley.RoleSalesManager {
			errs = append(errs, &parley.FieldError{Field: "members.role", Message: "must be owner or sales_manager"})
		}
		errs = append(errs, CheckExternalID("members.user", m.User))
	}
	if err := collect(errs...); err != nil {
		return false, err
	}
	var created bool
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		chat := true
		if existing, err := store.OrganizationByExternalID(tx, mid, externalID); err == nil {
			chat = existing.ChatEnabled
		}
		if in.ChatEnabled != nil {
			chat = *in.ChatEnabled
		}
		o, c, err := store.UpsertOrganization(tx, parley.Organization{MarketplaceID: mid, ExternalID: externalID, Name: in.Name, Kind: in.Kind,
			Email: in.Email, ChatEnabled: chat})
		if err != nil {
			return err
		}
		created = c
		if in.Members == nil {
			return nil
		}
		members := map[int64]string{}
		for _, m := range in.Members {
			u, err := store.UserByExternalID(tx, mid, m.User)
			if errors.Is(err, store.ErrNotFound) {
				return parley.Invalid(parley.FieldError{Field: "members.user", Message: "unknown user " + m.User + ": push the user first"})
			} else if err != nil {
				return err
			}
			members[u.ID] = m.Role
		}
		return store.ReplaceMembers(tx, o.ID, members)
	})
	return created, err
}

// ProductInput is a host product or service.
type ProductInput struct {
	Seller   string       `json:"seller"`
	Kind     string       `json:"kind"`
	Title    string       `json:"title"`
	Code     string       `json:"code"`
	Tags     []string     `json:"tags"`
	Category []string     `json:"category"`
	Price    parley.Money `json:"price"`
	URL      string       `json:"url"`
	Agents   []string     `json:"agents"`

	// CategoryTranslations is the category path in other languages, keyed
	// by language tag ("it", "sr-Latn"): readers see it in theirs.
	CategoryTranslations map[string][]string `json:"category_translations"`
}

var amountPattern = regexp.MustCompile(`^\d{1,12}(\.\d{1,4})?$`)

// UpsertProduct creates or updates a product.
func (s *Service) UpsertProduct(ctx context.Context, mid int64, externalID string, in ProductInput) (bool, error) {
	var errs []*parley.FieldError
	errs = append(errs, CheckExternalID("external_id", externalID), required("title", in.Title, 300), CheckExternalID("seller", in.Seller))
	if in.Kind == "" {
		in.Kind = "product"
	}
	if in.Kind != "product" && in.Kind != "service" {
		errs = append(errs, &parley.FieldError{Field: "kind", Message: "must be product or service"})
	}
	if in.Price.Amount != "" && !amountPattern.MatchString(in.Price.Amount) {
		errs = append(errs, &parley.FieldError{Field: "price.amount", Message: "must be a decimal string like 12.50"})
	}
	if in.Price.Currency != "" && !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(in.Price.Currency) {
		errs = append(errs, &parley.FieldError{Field: "price.currency", Message: "must be an ISO 4217 code like EUR"})
	}
	if in.URL != "" && (len(in.URL) > 2048 || !safehttp.WebURL(in.URL)) {
		errs = append(errs, &parley.FieldError{Field: "url", Message: "must be an http(s) URL of at most 2048 characters"})
	}
	if len(in.Tags) > 50 || len(in.Category) > 10 || len(in.Agents) > 50 {
		errs = append(errs, &parley.FieldError{Field: "tags", Message: "too many tags, categories or agents"})
	}
	var trErrs []*parley.FieldError
	in.CategoryTranslations, trErrs = checkCategoryTranslations(in.Category, in.CategoryTranslations)
	errs = append(errs, trErrs...)
	if err := collect(errs...); err != nil {
		return false, err
	}
	var created bool
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		seller, err := store.OrganizationByExternalID(tx, mid, in.Seller)
		if errors.Is(err, store.ErrNotFound) || (err == nil && seller.Kind != parley.OrgSeller) {
			return parley.Invalid(parley.FieldError{Field: "seller", Message: "unknown seller company: push it first"})
		} else if err != nil {
			return err
		}
		created, err = store.UpsertProduct(tx, parley.Product{MarketplaceID: mid, ExternalID: externalID, SellerOrgID: seller.ID, Kind: in.Kind,
			Title: in.Title, Code: in.Code, Tags: in.Tags, Category: in.Category, CategoryTranslations: in.CategoryTranslations, Price: in.Price, URL: in.URL, Agents: in.Agents})
		return err
	})
	return created, err
}

// OrderInput is a host order.
type OrderInput struct {
	Buyer    string             `json:"buyer"`
	Seller   string             `json:"seller"`
	Status   string             `json:"status"`
	Items    []parley.OrderItem `json:"items"`
	PlacedAt *time.Time         `json:"placed_at"`
	// Conversation and Proposal name the chat and the order_proposal
	// message the order was made from (order.proposed's conversation and
	// message): the conversation links the new order on the proposal's
	// card. Read when the order is created.
	Conversation string `json:"conversation"`
	Proposal     string `json:"proposal"`
}

// UpsertOrder creates or updates an order.
func (s *Service) UpsertOrder(ctx context.Context, mid int64, externalID string, in OrderInput) (bool, error) {
	if err := collect(CheckExternalID("external_id", externalID), CheckExternalID("buyer", in.Buyer), CheckExternalID("seller", in.Seller),
		required("status", in.Status, 40)); err != nil {
		return false, err
	}
	var created bool
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		buyer, err := store.UserByExternalID(tx, mid, in.Buyer)
		if errors.Is(err, store.ErrNotFound) {
			return parley.Invalid(parley.FieldError{Field: "buyer", Message: "unknown user: push it first"})
		} else if err != nil {
			return err
		}
		seller, err := store.OrganizationByExternalID(tx, mid, in.Seller)
		if errors.Is(err, store.ErrNotFound) {
			return parley.Invalid(parley.FieldError{Field: "seller", Message: "unknown seller company: push it first"})
		} else if err != nil {
			return err
		}
		placed := tx.Now()
		if in.PlacedAt != nil {
			placed = *in.PlacedAt
		}
		o := parley.Order{MarketplaceID: mid, ExternalID: externalID, BuyerUserID: buyer.ID, SellerOrgID: seller.ID,
			Status: in.Status, Items: in.Items, PlacedAt: placed}
		if o.ID, created, err = store.UpsertOrder(tx, o); err != nil {
			return err
		}
		if created && in.Conversation != "" && s.OrderFromChat != nil {
			return s.OrderFromChat(tx, mid, in.Conversation, in.Proposal, o)
		}
		return nil
	})
	return created, err
}

// EventInput is one step of an order's timeline.
type EventInput struct {
	Type string          `json:"type"`
	At   *time.Time      `json:"at"`
	Data json.RawMessage `json:"data"`
}

// statusOf maps timeline events that change an order's status.
var statusOf = map[string]string{"paid": "paid", "shipped": "shipped", "delivered": "delivered", "completed": "completed", "cancelled": "cancelled", "returned": "returned"}

// AddOrderEvent appends an event to an order's timeline; known events move
// the order's status.
func (s *Service) AddOrderEvent(ctx context.Context, mid int64, orderExternalID string, in EventInput) error {
	if err := collect(CheckExternalID("external_id", orderExternalID), required("type", in.Type, 60)); err != nil {
		return err
	}
	if len(in.Data) > 0 && !json.Valid(in.Data) {
		return parley.Invalid(parley.FieldError{Field: "data", Message: "must be JSON"})
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		o, err := store.OrderByExternalID(tx, mid, orderExternalID)
		if errors.Is(err, store.ErrNotFound) {
			return parley.NotFound("order")
		} else if err != nil {
			return err
		}
		at := tx.Now()
		if in.At != nil {
			at = *in.At
		}
		if err := store.AddOrderEvent(tx, o.ID, parley.OrderEvent{Type: in.Type, At: at, Data: in.Data}); err != nil {
			return err
		}
		if st, ok := statusOf[in.Type]; ok {
			return store.SetOrderStatus(tx, o.ID, st)
		}
		return nil
	})
}
