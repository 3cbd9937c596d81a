package store

import "time"

// PushSubscription is a browser's Web Push subscription of a user.
type PushSubscription struct {
	ID            int64
	MarketplaceID int64
	UserID        int64
	Endpoint      string
	P256dh        string // the browser's ECDH public key, base64url
	Auth          string // the browser's auth secret, base64url
	CreatedAt     time.Time
	LastFailureAt time.Time // zero when the last delivery went through
	LastError     string
}

const pushSubCols = `id, marketplace_id, user_id, endpoint, p256dh, auth, created_at, last_failure_at, last_error`

func scanPushSub(row interface{ Scan(...any) error }) (PushSubscription, error) {
	var s PushSubscription
	var created, failed int64
	if err := row.Scan(&s.ID, &s.MarketplaceID, &s.UserID, &s.Endpoint, &s.P256dh, &s.Auth, &created, &failed, &s.LastError); err != nil {
		return s, mapError(err)
	}
	s.CreatedAt = FromMicros(created)
	if failed != 0 {
		s.LastFailureAt = FromMicros(failed)
	}
	return s, nil
}

// SavePushSubscription records a subscription for s.UserID. The same
// endpoint already the user's keeps its id and takes the new keys
// (created=false); an endpoint another user had moves to this user under
// a new id, since an endpoint is one browser and its last user owns it.
func SavePushSubscription(tx *Tx, s PushSubscription) (PushSubscription, bool, error) {
	old, err := scanPushSub(tx.QueryRow(`SELECT `+pushSubCols+` FROM push_subscriptions WHERE endpoint = ?`, s.Endpoint))
	switch {
	case err == nil && old.UserID == s.UserID && old.MarketplaceID == s.MarketplaceID:
		if _, err := tx.Exec(`UPDATE push_subscriptions SET p256dh = ?, auth = ?, last_failure_at = 0, last_error = '' WHERE id = ?`,
			s.P256dh, s.Auth, old.ID); err != nil {
			return PushSubscription{}, false, err
		}
		old.P256dh, old.Auth, old.LastFailureAt, old.LastError = s.P256dh, s.Auth, time.Time{}, ""
		return old, false, nil
	case err == nil:
		if _, err := tx.Exec(`DELETE FROM push_subscriptions WHERE id = ?`, old.ID); err != nil {
			return PushSubscription{}, false, err
		}
	case err != ErrNotFound:
		return PushSubscription{}, false, err
	}
	// ON CONFLICT: a concurrent subscription of the same endpoint (another
	// node, PostgreSQL) wins; it is read back below.
	if _, err := tx.Exec(`INSERT INTO push_subscriptions (marketplace_id, user_id, endpoint, p256dh, auth, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO NOTHING`,
		s.MarketplaceID, s.UserID, s.Endpoint, s.P256dh, s.Auth, Micros(tx.Now())); err != nil {
		return PushSubscription{}, false, err
	}
	saved, err := scanPushSub(tx.QueryRow(`SELECT `+pushSubCols+` FROM push_subscriptions WHERE endpoint = ?`, s.Endpoint))
	if err != nil {
		return PushSubscription{}, false, err
	}
	return saved, saved.UserID == s.UserID && saved.P256dh == s.P256dh, nil
}

// PushSubscriptionByID returns a subscription, or ErrNotFound.
func PushSubscriptionByID(q Querier, id int64) (PushSubscription, error) {
	return scanPushSub(q.QueryRow(`SELECT `+pushSubCols+` FROM push_subscriptions WHERE id = ?`, id))
}

// PushSubscriptionsOf returns the subscriptions of the users, oldest first.
func PushSubscriptionsOf(q Querier, userIDs []int64) ([]PushSubscription, error) {
	b := &builder{}
	b.w(`SELECT `+pushSubCols+` FROM push_subscriptions WHERE `).in("user_id", userIDs).w(` ORDER BY id`)
	rows, err := q.Query(b.String(), b.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PushSubscription
	for rows.Next() {
		s, err := scanPushSub(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteUserPushSubscription removes one of the user's subscriptions; a
// subscription of anyone else is ErrNotFound.
func DeleteUserPushSubscription(tx *Tx, userID, id int64) error {
	// Read first: refusing before any write keeps the group-commit batch
	// from running again without this request.
	var found int64
	if err := tx.QueryRow(`SELECT id FROM push_subscriptions WHERE id = ? AND user_id = ?`, id, userID).Scan(&found); err != nil {
		return mapError(err)
	}
	_, err := tx.Exec(`DELETE FROM push_subscriptions WHERE id = ?`, id)
	return err
}

// DeletePushSubscription removes a subscription the push service no longer
// knows (404 or 410); one already gone is no error.
func DeletePushSubscription(tx *Tx, id int64) error {
	_, err := tx.Exec(`DELETE FROM push_subscriptions WHERE id = ?`, id)
	return err
}

// RecordPushFailure keeps the last failed delivery of a subscription for
// the operator.
func RecordPushFailure(tx *Tx, id int64, lastErr string) error {
	if len(lastErr) > 500 {
		lastErr = lastErr[:500]
	}
	_, err := tx.Exec(`UPDATE push_subscriptions SET last_failure_at = ?, last_error = ? WHERE id = ?`, Micros(tx.Now()), lastErr, id)
	return err
}

// VAPIDKeys is the installation's application server key pair (RFC 8292),
// both halves base64url without padding: the public key an uncompressed
// P-256 point, the private key its 32-byte scalar.
type VAPIDKeys struct {
	PublicKey  string
	PrivateKey string
	CreatedAt  time.Time
}

// EnsureVAPIDKeys stores the candidate pair unless a pair exists, and
// returns the stored one: nodes starting together all get the pair of
// whichever inserted first.
func EnsureVAPIDKeys(tx *Tx, candidate VAPIDKeys) (VAPIDKeys, error) {
	if _, err := tx.Exec(`INSERT INTO vapid_keys (id, public_key, private_key, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		candidate.PublicKey, candidate.PrivateKey, Micros(tx.Now())); err != nil {
		return VAPIDKeys{}, err
	}
	return StoredVAPIDKeys(tx)
}

// StoredVAPIDKeys returns the stored pair, or ErrNotFound.
func StoredVAPIDKeys(q Querier) (VAPIDKeys, error) {
	var k VAPIDKeys
	var created int64
	err := q.QueryRow(`SELECT public_key, private_key, created_at FROM vapid_keys WHERE id = 1`).Scan(&k.PublicKey, &k.PrivateKey, &created)
	if err != nil {
		return VAPIDKeys{}, mapError(err)
	}
	k.CreatedAt = FromMicros(created)
	return k, nil
}

// MarketplaceHasPushSubscriptions tells whether any user of the
// marketplace has a subscription.
func MarketplaceHasPushSubscriptions(q Querier, marketplaceID int64) (bool, error) {
	var one int64
	err := mapError(q.QueryRow(`SELECT 1 FROM push_subscriptions WHERE marketplace_id = ? LIMIT 1`, marketplaceID).Scan(&one))
	if err == ErrNotFound {
		return false, nil
	}
	return err == nil, err
}
