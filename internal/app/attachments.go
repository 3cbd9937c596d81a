package app

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/attachment"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// attachmentStore lets the conversation service bind files to messages.
type attachmentStore struct{}

func (attachmentStore) Attach(tx *store.Tx, uploader, messageID, convID int64, ids []int64) ([]conversation.AttachmentInfo, error) {
	rows, err := store.AttachToMessage(tx, uploader, messageID, convID, ids)
	if errors.Is(err, store.ErrNotFound) {
		return nil, parley.NotFound("attachment")
	} else if err != nil {
		return nil, err
	}
	return infos(rows), nil
}

func (attachmentStore) ForMessages(q store.Querier, ids []int64) (map[int64][]conversation.AttachmentInfo, error) {
	m, err := store.AttachmentsForMessages(q, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]conversation.AttachmentInfo, len(m))
	for id, rows := range m {
		out[id] = infos(rows)
	}
	return out, nil
}

func infos(rows []store.Attachment) []conversation.AttachmentInfo {
	out := make([]conversation.AttachmentInfo, len(rows))
	for i, a := range rows {
		out[i] = conversation.AttachmentInfo{ID: a.ID, Name: a.Name, Size: a.Size, ContentType: a.ContentType}
	}
	return out
}

// attachmentAPI serves uploads to the API: the uploader sees a file until
// it is attached, then the parties of its conversation do.
type attachmentAPI struct {
	svc  *attachment.Service
	conv *conversation.Service
}

func (a attachmentAPI) MaxSize() int64 { return a.svc.MaxSize() }

func (a attachmentAPI) Upload(ctx context.Context, p *identity.Principal, name string, r io.Reader) (parley.AttachmentRef, error) {
	att, err := a.svc.Upload(ctx, p.Marketplace.ID, p.User.ID, name, r)
	if err != nil {
		return parley.AttachmentRef{}, err
	}
	return parley.AttachmentRef{ID: conversation.ID(att.ID), Name: att.Name, Size: att.Size, ContentType: att.ContentType}, nil
}

func (a attachmentAPI) Serve(w http.ResponseWriter, r *http.Request, p *identity.Principal, id int64) error {
	att, err := a.svc.Get(r.Context(), id)
	if err != nil {
		return parley.NotFound("attachment")
	}
	if att.MarketplaceID != p.Marketplace.ID {
		return parley.NotFound("attachment")
	}
	if att.ConversationID == 0 {
		if att.UploaderUserID != p.User.ID {
			return parley.NotFound("attachment")
		}
	} else if _, err := a.conv.Get(r.Context(), p, att.ConversationID); err != nil {
		return parley.NotFound("attachment")
	}
	body, err := a.svc.Open(r.Context(), att)
	if err != nil {
		return err
	}
	defer body.Close()
	attachment.Serve(w, r, att, body)
	return nil
}
