package conversation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// AssigneeNone is the assignee filter value for conversations nobody is
// assigned to (a seller's "Unassigned" view).
const AssigneeNone = "none"

// Get returns a conversation as the principal sees it.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id int64) (parley.Conversation, error) {
	if p.Host {
		return parley.Conversation{}, errNotFound
	}
	q := s.db.Reader(ctx)
	row, err := store.ConversationForViewer(q, p.Viewer(), id)
	if errors.Is(err, store.ErrNotFound) {
		return parley.Conversation{}, errNotFound
	} else if err != nil {
		return parley.Conversation{}, err
	}
	out, err := s.renderRows(q, p, []store.ConversationRow{row})
	if err != nil {
		return parley.Conversation{}, err
	}
	return out[0], nil
}

// GetMany returns the conversations among ids that p may see, as p sees
// them, by id; the others are left out.
func (s *Service) GetMany(ctx context.Context, p *identity.Principal, ids []int64) (map[int64]parley.Conversation, error) {
	out := map[int64]parley.Conversation{}
	if p.Host || len(ids) == 0 {
		return out, nil
	}
	q := s.db.Reader(ctx)
	rows, err := store.ConversationsForViewer(q, p.Viewer(), ids)
	if err != nil {
		return nil, err
	}
	rendered, err := s.renderRows(q, p, rows)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		out[r.ID] = rendered[i]
	}
	return out, nil
}

// ListInput filters a list of conversations.
type ListInput struct {
	View   string
	Side   string
	Status string
	Kind   string
	Unread bool
	Query  string
	Order  string
	// Assignee is a user's external id, "me", or AssigneeNone.
	Assignee string
	// Marketplace is "native" (started on this marketplace) or an external
	// marketplace's slug (brought in by a connector); empty: any.
	Marketplace string
	Cursor      string
	Limit       int
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// Limit clamps a requested page size: 50 by default, at most 200.
func Limit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 200:
		return 200
	}
	return n
}

// List returns the principal's conversations, newest activity first.
func (s *Service) List(ctx context.Context, p *identity.Principal, in ListInput) (Page[parley.Conversation], error) {
	var page Page[parley.Conversation]
	page.Items = []parley.Conversation{}
	if p.Host {
		return page, nil
	}
	var errs []parley.FieldError
	f := store.ListFilter{Unread: in.Unread, Query: in.Query, Limit: Limit(in.Limit) + 1}
	switch in.View {
	case "", "active", "archive", "blocked":
		f.View = in.View
	default:
		errs = append(errs, parley.FieldError{Field: "view", Message: "must be active, archive or blocked"})
	}
	switch in.Side {
	case "", parley.SideBuyer, parley.SideSeller:
		f.Side = in.Side
	default:
		errs = append(errs, parley.FieldError{Field: "side", Message: "must be buyer or seller"})
	}
	switch in.Status {
	case "", parley.StatusOpen, parley.StatusPending, parley.StatusSolved, parley.StatusClosed:
		f.Status = in.Status
	default:
		errs = append(errs, parley.FieldError{Field: "status", Message: "must be open, pending, solved or closed"})
	}
	switch in.Kind {
	case "", parley.KindChat, parley.KindQuote, parley.KindTicket, parley.KindExternal:
		f.Kind = in.Kind
	default:
		errs = append(errs, parley.FieldError{Field: "kind", Message: "must be chat, quote, ticket or external"})
	}
	switch {
	case in.Marketplace == "":
	case in.Marketplace == parley.ChannelNative:
		f.Native = true
	case ValidMarketplaceSlug(in.Marketplace):
		f.ExternalMarketplace = in.Marketplace
	default:
		errs = append(errs, parley.FieldError{Field: "marketplace", Message: "must be native or an external marketplace's slug"})
	}
	if in.Cursor != "" {
		at, id, ok := parseListCursor(in.Cursor)
		if !ok {
			errs = append(errs, parley.FieldError{Field: "cursor", Message: "is not a cursor this list returned"})
		}
		f.CursorAt, f.CursorID = at, id
	}
	if len(in.Query) > 200 {
		errs = append(errs, parley.FieldError{Field: "q", Message: "must be at most 200 characters"})
	}
	if len(errs) > 0 {
		return page, parley.Invalid(errs...)
	}
	if in.Query != "" {
		// Every message acknowledged so far is found.
		if err := s.db.CatchUpSearch(ctx); err != nil {
			return page, err
		}
	}
	q := s.db.Reader(ctx)
	mid := p.Marketplace.ID
	if in.Order != "" {
		o, err := store.OrderByExternalID(q, mid, in.Order)
		if errors.Is(err, store.ErrNotFound) {
			return page, nil
		} else if err != nil {
			return page, err
		}
		f.OrderID = o.ID
	}
	if in.Assignee == AssigneeNone {
		f.Unassigned = true
	} else if in.Assignee != "" {
		uid := p.User.ID
		if in.Assignee != "me" {
			u, err := store.UserByExternalID(q, mid, in.Assignee)
			if errors.Is(err, store.ErrNotFound) {
				return page, nil
			} else if err != nil {
				return page, err
			}
			uid = u.ID
		}
		f.AssigneeUserID = uid
	}
	f.ArchiveBefore = s.db.Now().Add(-p.Marketplace.ArchiveAfter)
	rows, err := store.ListConversations(q, p.Viewer(), f)
	if err != nil {
		return page, err
	}
	if len(rows) == f.Limit {
		rows = rows[:len(rows)-1]
		last := rows[len(rows)-1]
		page.NextCursor = fmt.Sprintf("%d.%d", store.Micros(last.LastActivityAt), last.ID)
	}
	items, err := s.renderRows(q, p, rows)
	if err != nil {
		return page, err
	}
	page.Items = items
	return page, nil
}

func parseListCursor(s string) (int64, int64, bool) {
	a, b, ok := strings.Cut(s, ".")
	if !ok {
		return 0, 0, false
	}
	at, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	return at, id, err1 == nil && err2 == nil && id > 0
}

// Messages returns a page of a conversation's messages in ascending seq:
// after a seq (forward) or the newest page before a seq.
func (s *Service) Messages(ctx context.Context, p *identity.Principal, convID, after, before int64, limit int) (Page[parley.Message], error) {
	var page Page[parley.Message]
	if _, _, err := s.access(ctx, p, convID); err != nil {
		return page, err
	}
	if after < 0 || before < 0 {
		return page, parley.Invalid(parley.FieldError{Field: "after", Message: "must not be negative"})
	}
	limit = Limit(limit)
	q := s.db.Reader(ctx)
	var rows []store.MessageRow
	var err error
	if before > 0 {
		rows, err = store.MessagesBefore(q, convID, before, limit)
	} else {
		rows, err = store.MessagesAfter(q, convID, after, limit+1)
		if err == nil && len(rows) > limit {
			rows = rows[:limit]
			page.NextCursor = strconv.FormatInt(rows[len(rows)-1].Seq, 10)
		}
	}
	if err != nil {
		return page, err
	}
	page.Items, err = s.renderMessages(q, rows)
	return page, err
}
