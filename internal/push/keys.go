package push

import (
	"context"
	"errors"
	"fmt"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/parleyhq/parley/internal/store"
)

// loadKeys returns the stored VAPID key pair, making it on the first start.
func loadKeys(ctx context.Context, db *store.DB) (store.VAPIDKeys, error) {
	k, err := store.StoredVAPIDKeys(db.Reader(ctx))
	if err == nil {
		return k, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return k, fmt.Errorf("push: read VAPID keys: %w", err)
	}
	private, public, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return k, fmt.Errorf("push: generate VAPID keys: %w", err)
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		k, err = store.EnsureVAPIDKeys(tx, store.VAPIDKeys{PublicKey: public, PrivateKey: private})
		return err
	})
	if err != nil {
		return k, fmt.Errorf("push: store VAPID keys: %w", err)
	}
	return k, nil
}
