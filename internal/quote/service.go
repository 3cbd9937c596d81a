package quote

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// DefaultValidity is how long an offer stands unless the seller says.
const DefaultValidity = 14 * 24 * time.Hour

// Options configures the service.
type Options struct {
	Mailer  mail.Mailer
	From    string // sender of the buyer's mails
	BaseURL string // Parley's public URL, for the signed links
	Log     *slog.Logger
}

// Service implements quotes.
type Service struct {
	db     *store.DB
	conv   *conversation.Service
	events conversation.EventSink
	queue  *outbox.Queue
	opts   Options
	key    []byte
}

var _ conversation.QuoteRequests = (*Service)(nil)

// New loads (on the first start: makes) the link-signing key and returns
// the service; events may be nil (no webhooks). Register its jobs on the
// runner and set it as the conversation service's Quotes.
func New(ctx context.Context, db *store.DB, conv *conversation.Service, events conversation.EventSink, queue *outbox.Queue, opts Options) (*Service, error) {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	key, err := loadKey(ctx, db)
	if err != nil {
		return nil, err
	}
	return &Service{db: db, conv: conv, events: events, queue: queue, opts: opts, key: key}, nil
}

func loadKey(ctx context.Context, db *store.DB) ([]byte, error) {
	s, err := store.StoredQuoteKey(db.Reader(ctx))
	if errors.Is(err, store.ErrNotFound) {
		b := make([]byte, 32)
		rand.Read(b)
		err = db.Write(ctx, func(tx *store.Tx) error {
			var err error
			s, err = store.EnsureQuoteKey(tx, base64.RawURLEncoding.EncodeToString(b))
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("quote: link key: %w", err)
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// Register installs the buyer's offer mail job.
func (s *Service) Register(r *outbox.Runner) { r.Register(KindOfferMail, s.sendOfferMail) }

// PutCategoryForm sets the form of a category path ("services/web
// development"); it applies to the subcategories that have none of their
// own. Empty steps hide a parent's form.
func (s *Service) PutCategoryForm(ctx context.Context, marketplaceID int64, category string, in FormInput) (bool, error) {
	path := categoryPath(strings.FieldsFunc(category, func(r rune) bool { return r == '/' || r == '>' }))
	if path == "" || len(path) > 500 {
		return false, parley.Invalid(parley.FieldError{Field: "category", Message: "name a category path of at most 500 characters"})
	}
	return s.putForm(ctx, marketplaceID, store.QuoteFormCategory, path, in)
}

// PutProductForm sets a product's own form (a service's steps).
func (s *Service) PutProductForm(ctx context.Context, marketplaceID int64, product string, in FormInput) (bool, error) {
	if _, err := store.ProductByExternalID(s.db.Reader(ctx), marketplaceID, product); errors.Is(err, store.ErrNotFound) {
		return false, parley.NotFound("product")
	} else if err != nil {
		return false, err
	}
	return s.putForm(ctx, marketplaceID, store.QuoteFormProduct, product, in)
}

func (s *Service) putForm(ctx context.Context, marketplaceID int64, scope, path string, in FormInput) (bool, error) {
	errs := validateSteps(in.Steps)
	errs = append(errs, validateTranslations(in.Steps)...)
	locale := DefaultFormLocale
	if in.Locale != "" {
		var ok bool
		if locale, ok = formLocale(in.Locale); !ok {
			errs = append(errs, parley.FieldError{Field: "locale", Message: "must be a language tag like en or sr-Latn"})
		}
	}
	if len(errs) > 0 {
		return false, parley.Invalid(errs...)
	}
	if in.Steps == nil {
		in.Steps = []Step{}
	}
	data, _ := json.Marshal(in.Steps)
	var created bool
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		created, err = store.PutQuoteForm(tx, marketplaceID, scope, path, store.QuoteForm{Steps: string(data), Locale: locale})
		return err
	})
	return created, err
}

// PutSettings sets the marketplace's cart URL and pricing parameters.
func (s *Service) PutSettings(ctx context.Context, marketplaceID int64, in SettingsInput) (bool, error) {
	if errs := validateSettings(in); len(errs) > 0 {
		return false, parley.Invalid(errs...)
	}
	if in.Parameters == nil {
		in.Parameters = []Parameter{}
	}
	params, _ := json.Marshal(in.Parameters)
	var created bool
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		created, err = store.PutQuoteSettings(tx, marketplaceID, store.QuoteSettings{CartURL: in.CartURL, Parameters: string(params)})
		return err
	})
	return created, err
}

// stepsFor finds a product's form: its own, else the longest prefix of
// its category path that has one. It answers the steps with their
// translations and the language of their plain strings.
func stepsFor(q store.Querier, pr parley.Product) ([]Step, string, error) {
	f, err := store.QuoteFormOf(q, pr.MarketplaceID, store.QuoteFormProduct, pr.ExternalID)
	for n := len(pr.Category); errors.Is(err, store.ErrNotFound) && n > 0; n-- {
		if path := categoryPath(pr.Category[:n]); path != "" {
			f, err = store.QuoteFormOf(q, pr.MarketplaceID, store.QuoteFormCategory, path)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return []Step{}, DefaultFormLocale, nil
	} else if err != nil {
		return nil, "", err
	}
	if f.Locale == "" {
		f.Locale = DefaultFormLocale
	}
	return decodeSteps(f.Steps), f.Locale, nil
}

// localizedSteps is a product's form in the reader's language: their
// setting in Parley, else the first of browser (the languages their
// request names, best first) the form has, else the form's own.
func localizedSteps(q store.Querier, pr parley.Product, reader parley.User, browser []string) ([]Step, string, error) {
	steps, own, err := stepsFor(q, pr)
	if err != nil {
		return nil, "", err
	}
	wanted, err := readerLanguages(q, reader, browser)
	if err != nil {
		return nil, "", err
	}
	lang := pickLocale(formLocales(steps, own), wanted)
	return localize(steps, lang), lang, nil
}

// readerLanguages are the languages a reader prefers, best first: their
// setting in Parley, then browser (the languages their request names).
func readerLanguages(q store.Querier, reader parley.User, browser []string) ([]string, error) {
	us, err := store.UserSettingsOf(q, reader.ID)
	if err != nil {
		return nil, err
	}
	if us.Locale != "" {
		return append([]string{us.Locale}, browser...), nil
	}
	return browser, nil
}

func parameters(q store.Querier, marketplaceID int64) ([]Parameter, store.QuoteSettings, error) {
	st, err := store.QuoteSettingsFor(q, marketplaceID)
	if err != nil {
		return nil, st, err
	}
	var params []Parameter
	json.Unmarshal([]byte(st.Parameters), &params)
	if params == nil {
		params = []Parameter{}
	}
	return params, st, nil
}

// ProductForm is the form of a product of the caller's marketplace in the
// caller's language (browser: the languages the request names, best first);
// the product's seller members and operators also get its pricing.
func (s *Service) ProductForm(ctx context.Context, p *identity.Principal, product string, browser []string) (Form, error) {
	q := s.db.Reader(ctx)
	pr, err := store.ProductByExternalID(q, p.Marketplace.ID, product)
	if errors.Is(err, store.ErrNotFound) {
		return Form{}, parley.NotFound("product")
	} else if err != nil {
		return Form{}, err
	}
	steps, lang, err := localizedSteps(q, pr, p.User, browser)
	if err != nil {
		return Form{}, err
	}
	f := Form{Locale: lang, Steps: steps}
	if p.Role(pr.SellerOrgID) != "" || p.User.IsOperator {
		params, _, err := parameters(q, pr.MarketplaceID)
		if err != nil {
			return Form{}, err
		}
		wanted, err := readerLanguages(q, p.User, browser)
		if err != nil {
			return Form{}, err
		}
		f.Pricing = &Pricing{Input: inputName(pr.Price.Unit), Unit: pr.Price.Unit, UnitPrice: Money{Amount: pr.Price.Amount, Currency: pr.Price.Currency},
			Parameters: localizeParameters(params, wanted)}
	}
	return f, nil
}

// CheckForm implements conversation.QuoteRequests.
func (s *Service) CheckForm(q store.Querier, marketplaceID, productID int64, form map[string]any) (string, error) {
	pr, err := store.ProductByID(q, productID)
	if err != nil {
		return "", err
	}
	steps, _, err := stepsFor(q, pr)
	if err != nil {
		return "", err
	}
	answers, err := CheckAnswers(steps, form)
	if err != nil {
		return "", err
	}
	data, _ := json.Marshal(answers)
	if len(data) > 64<<10 {
		return "", parley.Invalid(parley.FieldError{Field: "form", Message: "must be at most 64 KB"})
	}
	return string(data), nil
}

// SaveRequest implements conversation.QuoteRequests.
func (s *Service) SaveRequest(tx *store.Tx, conversationID, productID int64, answers string) error {
	return store.PutQuoteRequest(tx, conversationID, productID, answers)
}

// Request is a quote conversation's request as its parties see it.
type Request struct {
	Conversation string          `json:"conversation"`
	Product      *RequestProduct `json:"product"`
	Locale       string          `json:"locale"`
	Steps        []Step          `json:"steps"`
	Answers      map[string]any  `json:"answers"`
	Pricing      *Pricing        `json:"pricing,omitempty"`
	Quotes       []Quote         `json:"quotes"`
}

// RequestProduct names the product a quote is asked for.
type RequestProduct struct {
	ID    string       `json:"id"`
	Title string       `json:"title"`
	Price parley.Money `json:"price"`
	URL   string       `json:"url,omitempty"`
}

// ConversationRequest answers the form (in the caller's language, as
// ProductForm), the answers and the quotes of a quote conversation to its
// parties; the seller side gets the pricing.
func (s *Service) ConversationRequest(ctx context.Context, p *identity.Principal, convID int64, browser []string) (Request, error) {
	c, side, err := s.conv.Party(ctx, p, convID)
	if err != nil {
		return Request{}, err
	}
	q := s.db.Reader(ctx)
	out := Request{Conversation: conversation.ID(convID), Locale: DefaultFormLocale, Steps: []Step{}, Answers: map[string]any{}, Quotes: []Quote{}}
	wanted, err := readerLanguages(s.db.Reader(ctx), p.User, browser)
	if err != nil {
		return Request{}, err
	}
	productID := c.ProductID
	if r, err := store.QuoteRequestFor(q, convID); err == nil {
		productID = r.ProductID
		json.Unmarshal([]byte(r.Answers), &out.Answers)
	} else if !errors.Is(err, store.ErrNotFound) {
		return Request{}, err
	}
	if productID != 0 {
		pr, err := store.ProductByID(q, productID)
		if err != nil {
			return Request{}, err
		}
		out.Product = &RequestProduct{ID: pr.ExternalID, Title: pr.Title, Price: pr.Price, URL: pr.URL}
		if out.Steps, out.Locale, err = localizedSteps(q, pr, p.User, browser); err != nil {
			return Request{}, err
		}
		if side == parley.SideSeller || side == parley.SideOperator {
			params, _, err := parameters(q, pr.MarketplaceID)
			if err != nil {
				return Request{}, err
			}
			out.Pricing = &Pricing{Input: inputName(pr.Price.Unit), Unit: pr.Price.Unit,
				UnitPrice: Money{Amount: pr.Price.Amount, Currency: pr.Price.Currency}, Parameters: localizeParameters(params, wanted)}
		}
	}
	rows, err := store.QuotesOf(q, convID)
	if err != nil {
		return Request{}, err
	}
	for _, r := range rows {
		qt, err := s.render(q, r)
		if err != nil {
			return Request{}, err
		}
		out.Quotes = append(out.Quotes, localizeQuote(qt, wanted))
	}
	return out, nil
}

// cartURL is where a confirmed link leads: the host's cart, else the
// conversation in Parley.
func (s *Service) cartURL(q store.Querier, marketplaceID, convID int64) (string, error) {
	_, st, err := parameters(q, marketplaceID)
	if err != nil {
		return "", err
	}
	if st.CartURL != "" {
		if u, err := url.Parse(st.CartURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			return st.CartURL, nil
		}
	}
	return fmt.Sprintf("%s/app/c/%d", s.opts.BaseURL, convID), nil
}
