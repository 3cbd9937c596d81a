package attachment

import (
	"github.com/parleyhq/parley/internal/store"
)

// Attachment is an uploaded file's record: the store's row (MessageID and
// ConversationID are 0 until a message takes the upload; Name is the
// sanitized original name; ContentType the sniffed type; SHA256 the blob key
// and ETag), with the rules of serving it.
type Attachment store.Attachment

// FromStore converts a store row, such as those returned by
// store.AttachToMessage and store.AttachmentsForMessages.
func FromStore(a store.Attachment) Attachment { return Attachment(a) }

// Attached reports whether a message has taken the attachment.
func (a Attachment) Attached() bool { return a.MessageID != 0 }

// Inline reports whether the attachment may be shown in the page rather than
// downloaded: only for the raster image types, which browsers never execute.
func (a Attachment) Inline() bool { return inlineTypes[a.ContentType] }

var inlineTypes = map[string]bool{
	"image/jpeg": true,
	"image/png":  true,
	"image/gif":  true,
	"image/webp": true,
}
