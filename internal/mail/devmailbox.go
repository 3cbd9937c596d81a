package mail

import (
	"context"

	"github.com/parleyhq/parley/internal/store"
)

// DevMailbox keeps mail in the database instead of sending it.
type DevMailbox struct {
	db   *store.DB
	from string
}

// NewDevMailbox returns a mailbox in db; from is the default sender.
func NewDevMailbox(db *store.DB, from string) *DevMailbox {
	return &DevMailbox{db: db, from: from}
}

// Send stores m.
func (d *DevMailbox) Send(ctx context.Context, m Message) error {
	m, err := prepare(m, d.from)
	if err != nil {
		return err
	}
	return d.db.Write(ctx, func(tx *store.Tx) error {
		_, err := store.InsertDevMail(tx, store.DevMail{
			MarketplaceID: m.MarketplaceID, To: m.To, From: m.From, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		})
		return err
	})
}

// List returns the stored mail of a marketplace (store.AllMarketplaces: of
// all) newest first. cursor is 0 for the first page, then the next value
// returned; next is 0 after the last page.
func (d *DevMailbox) List(ctx context.Context, marketplaceID, cursor int64, limit int) (mails []store.DevMail, next int64, err error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	mails, err = store.DevMails(d.db.Reader(ctx), marketplaceID, cursor, limit+1)
	if err != nil {
		return nil, 0, err
	}
	if len(mails) > limit {
		mails = mails[:limit]
		next = mails[limit-1].ID
	}
	return mails, next, nil
}

// Get returns one stored mail of the marketplace (store.AllMarketplaces: of
// any), or store.ErrNotFound.
func (d *DevMailbox) Get(ctx context.Context, marketplaceID, id int64) (store.DevMail, error) {
	return store.DevMailByID(d.db.Reader(ctx), marketplaceID, id)
}
