package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/locale"
	"github.com/parleyhq/parley/internal/safehttp"
	"github.com/parleyhq/parley/internal/store"
)

// StartInput is what a buyer sends to start a conversation.
type StartInput struct {
	Kind    string         `json:"kind"`
	Seller  string         `json:"seller"`
	Product string         `json:"product"`
	Order   string         `json:"order"`
	PageURL string         `json:"page_url"`
	Subject string         `json:"subject"`
	Form    map[string]any `json:"form"`
	Message MessageInput   `json:"message"`
}

// Started is the answer to Start.
type Started struct {
	Conversation parley.Conversation `json:"conversation"`
	Message      parley.Message      `json:"message"`
}

// Start opens a conversation as the buyer, or appends to the open one with
// the same seller, kind, product and order. It reports created=false when
// nothing new was opened (an existing conversation, or a retry).
func (s *Service) Start(ctx context.Context, p *identity.Principal, in StartInput) (Started, bool, error) {
	if p.Host || p.User.ID == 0 {
		return Started{}, false, parley.Errorf(parley.EForbidden, "Only a signed-in buyer can start a conversation.")
	}
	fileIDs, errs := in.Message.validate("message.")
	switch in.Kind {
	case parley.KindChat, parley.KindQuote, parley.KindTicket:
	case "":
		errs = append(errs, parley.FieldError{Field: "kind", Message: "is required: chat, quote or ticket"})
	default:
		errs = append(errs, parley.FieldError{Field: "kind", Message: "must be chat, quote or ticket"})
	}
	if len(in.Subject) > 200 {
		errs = append(errs, parley.FieldError{Field: "subject", Message: "must be at most 200 characters"})
	}
	if len(in.PageURL) > 2048 || (in.PageURL != "" && !safehttp.WebURL(in.PageURL)) {
		errs = append(errs, parley.FieldError{Field: "page_url", Message: "must be an http(s) URL of at most 2048 characters"})
	}
	if len(errs) > 0 {
		return Started{}, false, parley.Invalid(errs...)
	}
	nc, err := s.resolveParties(ctx, p, &in)
	if err != nil {
		return Started{}, false, err
	}
	q := s.db.Reader(ctx)
	if row, err := store.MessageByClientID(q, p.User.ID, in.Message.ClientID); err == nil {
		if row.Body != in.Message.Body {
			return Started{}, false, errClientIDUsed
		}
		st, err := s.started(ctx, p, row.ConversationID, row)
		return st, false, err
	} else if !errors.Is(err, store.ErrNotFound) {
		return Started{}, false, err
	}

	in.Message.PageURL = in.PageURL
	var answers string
	if in.Kind == parley.KindQuote && s.Quotes != nil {
		// The answers are checked against the product's form, stored with
		// the conversation, and shown with the message that carried them.
		if answers, err = s.Quotes.CheckForm(q, nc.MarketplaceID, nc.ProductID, in.Form); err != nil {
			return Started{}, false, err
		}
		if len(in.Form) > 0 {
			in.Message.Data = `{"form":` + answers + `}`
		}
	} else if len(in.Form) > 0 {
		data, err := json.Marshal(map[string]any{"form": in.Form})
		if err != nil || len(data) > 64<<10 {
			return Started{}, false, parley.Invalid(parley.FieldError{Field: "form", Message: "must be a JSON object of at most 64 KB"})
		}
		in.Message.Data = string(data)
	}
	var convID int64
	var created bool
	var msgRow store.MessageRow
	err = s.db.WriteKey(ctx, nc.BuyerUserID, func(tx *store.Tx) error {
		convID, created, msgRow = 0, false, store.MessageRow{}
		id, err := store.FindOpenConversation(tx, nc)
		if errors.Is(err, store.ErrNotFound) {
			if id, err = store.InsertConversation(tx, nc); err != nil {
				return err
			}
			created = true
		} else if err != nil {
			return err
		}
		convID = id
		pre := store.WriteState{ID: id, MarketplaceID: nc.MarketplaceID, BuyerUserID: nc.BuyerUserID, SellerOrgID: nc.SellerOrgID}
		msg, err := s.appendMessage(tx, p, pre, parley.SideBuyer, in.Message, fileIDs)
		if err != nil {
			return err
		}
		mid, _ := ParseID(msg.ID)
		msgRow = store.MessageRow{ID: mid, ConversationID: id, Seq: msg.Seq}
		if answers != "" && (created || len(in.Form) > 0) {
			if err := s.Quotes.SaveRequest(tx, id, nc.ProductID, answers); err != nil {
				return err
			}
		}
		if created && s.hooks != nil {
			c, err := store.ConversationByID(tx, id)
			if err != nil {
				return err
			}
			return s.hooks.ConversationStarted(tx, c, msgRow)
		}
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		if row, err := store.MessageByClientID(q, p.User.ID, in.Message.ClientID); err == nil && row.Body == in.Message.Body {
			st, err := s.started(ctx, p, row.ConversationID, row)
			return st, false, err
		}
		return Started{}, false, errClientIDUsed
	}
	if err != nil {
		return Started{}, false, err
	}
	row, err := store.MessageByID(q, msgRow.ID)
	if err != nil {
		return Started{}, false, err
	}
	st, err := s.started(ctx, p, convID, row)
	return st, created, err
}

func (s *Service) started(ctx context.Context, p *identity.Principal, convID int64, m store.MessageRow) (Started, error) {
	c, err := s.Get(ctx, p, convID)
	if err != nil {
		return Started{}, err
	}
	ms, err := s.renderMessages(s.db.Reader(ctx), []store.MessageRow{m})
	if err != nil {
		return Started{}, err
	}
	return Started{Conversation: c, Message: ms[0]}, nil
}

// resolveParties finds the seller, product and order of a new conversation
// and checks that the buyer may start it.
func (s *Service) resolveParties(ctx context.Context, p *identity.Principal, in *StartInput) (store.NewConversation, error) {
	q := s.db.Reader(ctx)
	mid := p.Marketplace.ID
	nc := store.NewConversation{MarketplaceID: mid, Kind: in.Kind, BuyerUserID: p.User.ID, PageURL: in.PageURL}
	var seller parley.Organization
	var err error
	var search []string
	switch {
	case in.Kind == parley.KindTicket:
		if in.Order == "" {
			return nc, parley.Invalid(parley.FieldError{Field: "order", Message: "is required for a ticket"})
		}
		o, err := store.OrderByExternalID(q, mid, in.Order)
		if errors.Is(err, store.ErrNotFound) || (err == nil && o.BuyerUserID != p.User.ID) {
			return nc, parley.NotFound("order")
		} else if err != nil {
			return nc, err
		}
		if o.Status != parley.OrderCompleted {
			return nc, parley.Invalid(parley.FieldError{Field: "order", Message: "a ticket can be opened on a completed order only"})
		}
		nc.OrderID = o.ID
		if seller, err = store.OrganizationByID(q, o.SellerOrgID); err != nil {
			return nc, err
		}
		search = append(search, o.ExternalID)
		if in.Subject == "" {
			// Stored as meaning, said in each reader's language; the
			// English words stay in subject, and every language's are
			// searchable.
			code := parley.Text{Code: "ticket.order", Params: map[string]string{"order": o.ExternalID}}
			nc.SubjectCode = code.Marshal()
			in.Subject = locale.Render("en", code)
			for _, l := range locale.Languages[1:] {
				search = append(search, locale.Render(l, code))
			}
		}
	case in.Product != "":
		pr, err := store.ProductByExternalID(q, mid, in.Product)
		if errors.Is(err, store.ErrNotFound) {
			return nc, parley.NotFound("product")
		} else if err != nil {
			return nc, err
		}
		if in.Seller != "" && in.Seller != pr.Seller {
			return nc, parley.Invalid(parley.FieldError{Field: "seller", Message: "is not the seller of this product"})
		}
		nc.ProductID = pr.ID
		if seller, err = store.OrganizationByID(q, pr.SellerOrgID); err != nil {
			return nc, err
		}
		search = append(search, pr.Title, pr.Code)
		if in.Subject == "" {
			in.Subject = pr.Title
		}
	case in.Kind == parley.KindQuote:
		return nc, parley.Invalid(parley.FieldError{Field: "product", Message: "is required for a quote"})
	case in.Seller != "":
		seller, err = store.OrganizationByExternalID(q, mid, in.Seller)
		if errors.Is(err, store.ErrNotFound) || (err == nil && seller.Kind != parley.OrgSeller) {
			return nc, parley.NotFound("seller")
		} else if err != nil {
			return nc, err
		}
	default:
		return nc, parley.Invalid(parley.FieldError{Field: "seller", Message: "name a seller, a product or (for a ticket) an order"})
	}
	if in.Kind != parley.KindTicket && in.Order != "" {
		o, err := store.OrderByExternalID(q, mid, in.Order)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (o.BuyerUserID != p.User.ID || o.SellerOrgID != seller.ID)) {
			return nc, parley.NotFound("order")
		} else if err != nil {
			return nc, err
		}
		nc.OrderID = o.ID
		search = append(search, o.ExternalID)
	}
	if p.Role(seller.ID) != "" {
		return nc, parley.Invalid(parley.FieldError{Field: "seller", Message: "you cannot start a conversation with your own company"})
	}
	if in.Kind == parley.KindChat && !seller.ChatEnabled {
		return nc, errChatDisabled
	}
	if blocked, err := store.Blocked(q, p.User.ID, seller.ID); err != nil {
		return nc, err
	} else if blocked {
		return nc, errBlocked
	}
	if in.Subject == "" {
		in.Subject = seller.Name
	}
	nc.SellerOrgID = seller.ID
	nc.Subject = in.Subject
	email := ""
	if s.ShareBuyerEmail {
		email = p.User.Email
	}
	nc.SearchText = strings.Join(append([]string{in.Subject, p.User.Name, email, seller.Name}, search...), " ")
	return nc, nil
}
