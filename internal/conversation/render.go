package conversation

import (
	"encoding/json"
	"strconv"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// ID formats Parley's ids for the API.
func ID(id int64) string { return strconv.FormatInt(id, 10) }

// ParseID reads an id from the API; a malformed id is simply not found.
func ParseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// sideOf returns the principal's side in a conversation, or "" when the
// principal is not a party.
func sideOf(p *identity.Principal, c store.ConversationRow) string {
	switch {
	case p.Host || c.MarketplaceID != p.Marketplace.ID:
		return ""
	case c.BuyerUserID == p.User.ID:
		return parley.SideBuyer
	case p.Role(c.SellerOrgID) != "":
		return parley.SideSeller
	case p.User.IsOperator:
		return parley.SideOperator
	}
	return ""
}

func (s *Service) renderConversation(p *identity.Principal, c store.ConversationRow, last *parley.Message) parley.Conversation {
	side := sideOf(p, c)
	out := parley.Conversation{
		ID: ID(c.ID), Kind: c.Kind, Status: c.Status, Subject: c.Subject, SubjectI18n: subjectCode(c),
		Buyer:        parley.Ref{ID: c.BuyerExternalID, Name: c.BuyerName},
		Seller:       parley.Ref{ID: c.SellerExternalID, Name: c.SellerName},
		Context:      parley.Context{Product: c.ProductExternalID, Order: c.OrderExternalID, PageURL: c.PageURL},
		Channel:      channel(p, c),
		LastMessage:  last,
		LastSeq:      c.LastSeq,
		UnreadCount:  c.UnreadCount,
		MyReadSeq:    c.MyReadSeq,
		Archived:     c.LastActivityAt.Before(s.db.Now().Add(-p.Marketplace.ArchiveAfter)),
		Blocked:      c.Blocked,
		ClosedReason: c.ClosedReason,
		CreatedAt:    c.CreatedAt, LastMessageAt: c.LastActivityAt,
		MarkedUnread: c.MarkedUnread,
		Side:         side,
	}
	if c.MarkedUnread && out.UnreadCount == 0 {
		out.UnreadCount = 1
	}
	if side == parley.SideSeller {
		out.TheirDeliveredSeq, out.TheirReadSeq = c.BuyerDeliveredSeq, c.BuyerReadSeq
	} else if side == parley.SideBuyer {
		out.TheirDeliveredSeq, out.TheirReadSeq = c.SellerDeliveredSeq, c.SellerReadSeq
	} else {
		out.TheirDeliveredSeq, out.TheirReadSeq = min(c.BuyerDeliveredSeq, c.SellerDeliveredSeq), min(c.BuyerReadSeq, c.SellerReadSeq)
	}
	out.SendBlockedReason = sendBlockedReason(c, side)
	out.CanSend = side != "" && out.SendBlockedReason == ""
	if c.AssigneeUserID != 0 {
		out.Assignee = &parley.Ref{ID: c.AssigneeExternalID, Name: c.AssigneeName}
	}
	return out
}

// sendBlockedReason is why the viewer on side cannot write to c, or "".
// It follows checkWritable's rules (the send path's own check stays the
// authority), and names who blocked whom so a page offers the way out.
func sendBlockedReason(c store.ConversationRow, side string) string {
	switch {
	case c.Kind == parley.KindTicket && c.Status == parley.StatusClosed:
		return parley.SendBlockedTicketClosed
	case side == parley.SideOperator || side == "":
		return ""
	case side == parley.SideBuyer && c.BlockedByBuyer, side == parley.SideSeller && c.BlockedBySeller:
		return parley.SendBlockedByMe
	case c.BlockedByBuyer || c.BlockedBySeller:
		return parley.SendBlockedByThem
	case side == parley.SideBuyer && c.Kind == parley.KindChat && !c.SellerChatEnabled:
		return parley.SendBlockedChatDisabled
	}
	return ""
}

// channel is where c comes from: its external marketplace, or the
// viewer's own marketplace.
func channel(p *identity.Principal, c store.ConversationRow) parley.Channel {
	if c.ExternalMarketplaceSlug != "" {
		return parley.Channel{Kind: parley.ChannelConnector, Marketplace: c.ExternalMarketplaceSlug, Name: c.ExternalMarketplaceName}
	}
	return parley.Channel{Kind: parley.ChannelNative, Marketplace: parley.ChannelNative, Name: p.Marketplace.Name}
}

func renderMessage(m store.MessageRow, files []AttachmentInfo) parley.Message {
	out := parley.Message{
		ID: ID(m.ID), Conversation: ID(m.ConversationID), Seq: m.Seq, ClientID: m.ClientID,
		Author: parley.Author{ID: m.AuthorExternalID, Name: m.AuthorName, Side: m.Side},
		Kind:   m.Kind, Body: m.Body, PageURL: m.PageURL, CreatedAt: m.CreatedAt,
		Attachments: []parley.AttachmentRef{},
	}
	if m.OrgID != 0 {
		out.Author.Organization = &parley.Ref{ID: m.OrgExternalID, Name: m.OrgName}
	}
	if m.Data != "" && json.Valid([]byte(m.Data)) {
		out.Data = json.RawMessage(m.Data)
	}
	if t, ok := BodyCode(m.Side, m.Kind, m.Data); ok {
		out.BodyI18n = &t
	}
	for _, f := range files {
		out.Attachments = append(out.Attachments, parley.AttachmentRef{ID: ID(f.ID), Name: f.Name, Size: f.Size, ContentType: f.ContentType})
	}
	return out
}

// renderMessages renders rows with their attachments.
func (s *Service) renderMessages(q store.Querier, rows []store.MessageRow) ([]parley.Message, error) {
	files := map[int64][]AttachmentInfo{}
	if s.attachments != nil && len(rows) > 0 {
		ids := make([]int64, len(rows))
		for i, m := range rows {
			ids[i] = m.ID
		}
		var err error
		if files, err = s.attachments.ForMessages(q, ids); err != nil {
			return nil, err
		}
	}
	out := make([]parley.Message, len(rows))
	for i, m := range rows {
		out[i] = renderMessage(m, files[m.ID])
	}
	return out, nil
}

// renderRows renders a page of conversations with their last messages.
func (s *Service) renderRows(q store.Querier, p *identity.Principal, rows []store.ConversationRow) ([]parley.Conversation, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	lasts, err := store.LastMessages(q, ids)
	if err != nil {
		return nil, err
	}
	lastRows := make([]store.MessageRow, 0, len(lasts))
	for _, m := range lasts {
		lastRows = append(lastRows, m)
	}
	rendered, err := s.renderMessages(q, lastRows)
	if err != nil {
		return nil, err
	}
	byConv := map[int64]*parley.Message{}
	for i := range rendered {
		byConv[lastRows[i].ConversationID] = &rendered[i]
	}
	out := make([]parley.Conversation, len(rows))
	for i, r := range rows {
		out[i] = s.renderConversation(p, r, byConv[r.ID])
	}
	return out, nil
}

// subjectCode is a server-made subject's meaning, or nil.
func subjectCode(c store.ConversationRow) *parley.Text {
	if t, ok := parley.ParseText(c.SubjectCode); ok {
		return &t
	}
	return nil
}
