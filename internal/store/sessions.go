package store

import "time"

// Session is a sign-in: the hash of its bearer token and its user.
type Session struct {
	ID        int64
	UserID    int64
	ExpiresAt time.Time
}

// CreateSession stores a new session for the token hash.
func CreateSession(tx *Tx, userID int64, tokenHash string, expires time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(`INSERT INTO sessions (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id`,
		userID, tokenHash, Micros(tx.Now()), Micros(expires)).Scan(&id)
	return id, mapError(err)
}

// SessionByTokenHash returns the live session with the token hash.
func SessionByTokenHash(q Querier, tokenHash string) (Session, error) {
	var s Session
	var exp int64
	err := q.QueryRow(`SELECT id, user_id, expires_at FROM sessions WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`,
		tokenHash, Micros(q.Now())).Scan(&s.ID, &s.UserID, &exp)
	s.ExpiresAt = FromMicros(exp)
	return s, mapError(err)
}

// RevokeSession ends a session.
func RevokeSession(tx *Tx, id int64) error {
	_, err := tx.Exec(`UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, Micros(tx.Now()), id)
	return err
}
