package parley

import (
	"encoding/json"
	"time"
)

// Conversation kinds.
const (
	KindChat     = "chat"
	KindQuote    = "quote"
	KindTicket   = "ticket"
	KindExternal = "external"
)

// Conversation statuses.
const (
	StatusOpen    = "open"
	StatusPending = "pending"
	StatusSolved  = "solved"
	StatusClosed  = "closed"
)

// Channels: where a conversation comes from.
const (
	ChannelNative    = "native"    // started on this marketplace
	ChannelConnector = "connector" // brought in from an external marketplace
)

// Sides of a conversation.
const (
	SideBuyer    = "buyer"
	SideSeller   = "seller"
	SideOperator = "operator"
	SideSystem   = "system"
)

// Message kinds.
const (
	MessageText   = "text"
	MessageSystem = "system"
)

// Ref names a user or an organization by the host's id.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Context is where a conversation was started from.
type Context struct {
	Product string `json:"product,omitempty"`
	Order   string `json:"order,omitempty"`
	PageURL string `json:"page_url,omitempty"`
}

// Channel is where a conversation comes from: this marketplace (native)
// or an external marketplace whose conversations a connector brings into
// the inbox. Marketplace is the value of the list's marketplace filter:
// "native", or the external marketplace's slug; Name is what people read.
type Channel struct {
	Kind        string `json:"kind"`
	Marketplace string `json:"marketplace"`
	Name        string `json:"name"`
}

// Conversation is a thread between a buyer and a seller company, as one
// viewer sees it: the pointer and unread fields are the viewer's.
type Conversation struct {
	ID                string    `json:"id"`
	Kind              string    `json:"kind"`
	Status            string    `json:"status"`
	Subject           string    `json:"subject"`
	SubjectI18n       *Text     `json:"subject_i18n,omitempty"` // a server-made subject as meaning (docs/i18n.md)
	Buyer             Ref       `json:"buyer"`
	Seller            Ref       `json:"seller"`
	Context           Context   `json:"context"`
	Channel           Channel   `json:"channel"`
	LastMessage       *Message  `json:"last_message"`
	LastSeq           int64     `json:"last_seq"`
	UnreadCount       int64     `json:"unread_count"`
	MyReadSeq         int64     `json:"my_read_seq"`
	TheirDeliveredSeq int64     `json:"their_delivered_seq"`
	TheirReadSeq      int64     `json:"their_read_seq"`
	Archived          bool      `json:"archived"`
	Blocked           bool      `json:"blocked"`
	Assignee          *Ref      `json:"assignee,omitempty"`
	ClosedReason      string    `json:"closed_reason,omitempty"`
	CreatedAt         time.Time `json:"created_at"`
	LastMessageAt     time.Time `json:"last_message_at"`
	MarkedUnread      bool      `json:"marked_unread"`
	Side              string    `json:"my_side"`
	// CanSend says whether the viewer may write now, and when not,
	// SendBlockedReason says why (one of the SendBlocked… codes), so that a
	// page shows the reason in place of the composer before any send.
	CanSend           bool   `json:"can_send"`
	SendBlockedReason string `json:"send_blocked_reason,omitempty"`
}

// Why a viewer cannot write to a conversation (Conversation.SendBlockedReason).
const (
	SendBlockedTicketClosed = "ticket_closed"   // a closed ticket takes no messages
	SendBlockedByMe         = "blocked_by_me"   // the viewer's side blocked the other: unblocking is the way out
	SendBlockedByThem       = "blocked_by_them" // the other side blocked the viewer's
	SendBlockedChatDisabled = "chat_disabled"   // the seller switched chat off (buyers, chats)
)

// Author is who wrote a message.
type Author struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Side         string `json:"side"`
	Organization *Ref   `json:"organization,omitempty"`
}

// AttachmentRef describes a file attached to a message.
type AttachmentRef struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// Message is one immutable entry of a conversation.
type Message struct {
	ID           string          `json:"id"`
	Conversation string          `json:"conversation"`
	Seq          int64           `json:"seq"`
	ClientID     string          `json:"client_id,omitempty"`
	Author       Author          `json:"author"`
	Kind         string          `json:"kind"`
	Body         string          `json:"body"`
	BodyI18n     *Text           `json:"body_i18n,omitempty"` // a server-made text as meaning (docs/i18n.md)
	Attachments  []AttachmentRef `json:"attachments"`
	PageURL      string          `json:"page_url,omitempty"`
	Data         json.RawMessage `json:"data,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
}

// MaxBodyRunes is the longest message text accepted.
const MaxBodyRunes = 10000
