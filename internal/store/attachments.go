package store

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Attachment is a row of the attachments table: an uploaded file, owned by its
// uploader until a message takes it.
type Attachment struct {
	ID             int64
	MarketplaceID  int64
	UploaderUserID int64
	// MessageID and ConversationID are 0 until the attachment is attached.
	MessageID      int64
	ConversationID int64
	Name           string
	Size           int64
	ContentType    string
	SHA256         string
	CreatedAt      time.Time
}

const attachmentColumns = `id, marketplace_id, uploader_user_id, message_id, conversation_id, name, size, content_type, sha256, created_at`

func scanAttachment(s interface{ Scan(...any) error }) (Attachment, error) {
	var a Attachment
	var msg, conv sql.NullInt64
	var created int64
	err := s.Scan(&a.ID, &a.MarketplaceID, &a.UploaderUserID, &msg, &conv,
		&a.Name, &a.Size, &a.ContentType, &a.SHA256, &created)
	if err != nil {
		return Attachment{}, mapError(err)
	}
	a.MessageID, a.ConversationID = msg.Int64, conv.Int64
	a.CreatedAt = FromMicros(created)
	return a, nil
}

// CreateAttachment inserts an unattached attachment, setting a.ID and
// a.CreatedAt (the transaction's clock).
func CreateAttachment(tx *Tx, a *Attachment) error {
	now := tx.Now()
	err := tx.QueryRow(`INSERT INTO attachments
		(marketplace_id, uploader_user_id, name, size, content_type, sha256, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.MarketplaceID, a.UploaderUserID, a.Name, a.Size, a.ContentType, a.SHA256, Micros(now),
	).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("insert attachment: %w", mapError(err))
	}
	a.MessageID, a.ConversationID = 0, 0
	a.CreatedAt = FromMicros(Micros(now))
	return nil
}

// AttachmentByID returns one attachment, or ErrNotFound.
func AttachmentByID(q Querier, id int64) (Attachment, error) {
	return scanAttachment(q.QueryRow(`SELECT `+attachmentColumns+` FROM attachments WHERE id = ?`, id))
}

// AttachToMessage gives the attachments ids (duplicates ignored) to a message,
// inside the caller's write transaction, and returns them in id order. Every
// id must be an unattached upload of uploaderUserID; otherwise nothing changes
// and the error wraps ErrNotFound, which callers answer as "attachment not
// found" so that nobody learns whether someone else's id exists.
func AttachToMessage(tx *Tx, uploaderUserID, messageID, conversationID int64, ids []int64) ([]Attachment, error) {
	ids = uniqueAttachmentIDs(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := attachmentInList(ids)
	rows, err := tx.Query(`SELECT `+attachmentColumns+` FROM attachments
		WHERE id IN (`+in+`) AND uploader_user_id = ? AND message_id IS NULL
		ORDER BY id`, append(args, uploaderUserID)...)
	if err != nil {
		return nil, fmt.Errorf("select attachments: %w", err)
	}
	found, err := collectAttachments(rows)
	if err != nil {
		return nil, err
	}
	if len(found) != len(ids) {
		return nil, fmt.Errorf("attach %d of %d attachments: %w", len(found), len(ids), ErrNotFound)
	}
	res, err := tx.Exec(`UPDATE attachments SET message_id = ?, conversation_id = ?
		WHERE id IN (`+in+`) AND uploader_user_id = ? AND message_id IS NULL`,
		append(append([]any{messageID, conversationID}, args...), uploaderUserID)...)
	if err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	// The writer runs one transaction at a time, so nothing can take an
	// attachment between the select and the update; check anyway.
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n != int64(len(ids)) {
		return nil, fmt.Errorf("attach updated %d of %d attachments: %w", n, len(ids), ErrNotFound)
	}
	for i := range found {
		found[i].MessageID, found[i].ConversationID = messageID, conversationID
	}
	return found, nil
}

// attachmentChunk bounds the placeholders of one IN list, well under the
// limits of both dialects.
const attachmentChunk = 500

// AttachmentsForMessages returns the attachments of the given messages, keyed
// by message id, each list in id (upload) order. Messages without
// attachments have no key.
func AttachmentsForMessages(q Querier, messageIDs []int64) (map[int64][]Attachment, error) {
	messageIDs = uniqueAttachmentIDs(messageIDs)
	out := make(map[int64][]Attachment)
	for chunk := range slices.Chunk(messageIDs, attachmentChunk) {
		in, args := attachmentInList(chunk)
		rows, err := q.Query(`SELECT `+attachmentColumns+` FROM attachments
			WHERE message_id IN (`+in+`) ORDER BY message_id, id`, args...)
		if err != nil {
			return nil, fmt.Errorf("select attachments: %w", err)
		}
		list, err := collectAttachments(rows)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			out[a.MessageID] = append(out[a.MessageID], a)
		}
	}
	return out, nil
}

func collectAttachments(rows *sql.Rows) ([]Attachment, error) {
	defer rows.Close()
	var list []Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// uniqueAttachmentIDs returns the ids sorted without duplicates, in a new slice.
func uniqueAttachmentIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// attachmentInList returns "?, ?, ?" and the matching arguments.
func attachmentInList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}
