package conversation

import (
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/store"
)

// Hooks run inside the transaction that makes a change, so that the side
// effects they enqueue (mails, webhooks) commit or roll back with it.
type Hooks interface {
	ConversationStarted(tx *store.Tx, c store.ConversationRow, first store.MessageRow) error
	MessageSent(tx *store.Tx, c store.ConversationRow, m store.MessageRow) error
}

// AttachmentStore binds uploaded files to messages and lists them.
type AttachmentStore interface {
	// Attach binds the uploader's unattached files to the message, inside
	// the message's transaction; an id that is not the uploader's, or is
	// already attached, is parley.ENotFound.
	Attach(tx *store.Tx, uploaderUserID, messageID, conversationID int64, ids []int64) ([]AttachmentInfo, error)
	// ForMessages returns the files of each message.
	ForMessages(q store.Querier, messageIDs []int64) (map[int64][]AttachmentInfo, error)
}

// AttachmentInfo is what a message shows of a file.
type AttachmentInfo struct {
	ID          int64
	Name        string
	Size        int64
	ContentType string
}

// Service implements conversations.
type Service struct {
	db          *store.DB
	bus         bus.Bus
	hooks       Hooks
	attachments AttachmentStore
	// Events sends host-facing events (webhooks); nil sends none.
	Events EventSink
	// Quotes checks and stores quote form answers; nil takes any.
	Quotes QuoteRequests
	// ShareBuyerEmail puts the buyer's email into a new conversation's
	// search text, so that sellers find it by email; off by default.
	ShareBuyerEmail bool
}

// EventSink sends an event to the host marketplace from inside the
// transaction of the change that causes it.
type EventSink interface {
	Emit(tx *store.Tx, marketplaceID int64, eventType string, data any) error
}

// NewService returns the conversation service. hooks and attachments may
// be nil.
func NewService(db *store.DB, b bus.Bus, hooks Hooks, attachments AttachmentStore) *Service {
	return &Service{db: db, bus: b, hooks: hooks, attachments: attachments}
}
