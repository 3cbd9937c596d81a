package store

import "time"

// UserSettings are a user's own notification and display choices.
type UserSettings struct {
	UserID    int64
	Locale    string // "" follows the browser
	Sound     bool
	Push      bool
	Email     bool
	UpdatedAt time.Time
}

// DefaultUserSettings are the settings of a user who never changed them.
func DefaultUserSettings(userID int64) UserSettings {
	return UserSettings{UserID: userID, Sound: true, Push: true, Email: true}
}

const userSettingsCols = `user_id, locale, sound, push, email, updated_at`

func scanUserSettings(row interface{ Scan(...any) error }) (UserSettings, error) {
	var s UserSettings
	var sound, push, email, updated int64
	if err := row.Scan(&s.UserID, &s.Locale, &sound, &push, &email, &updated); err != nil {
		return s, mapError(err)
	}
	s.Sound, s.Push, s.Email = sound != 0, push != 0, email != 0
	s.UpdatedAt = FromMicros(updated)
	return s, nil
}

// UserSettingsOf returns a user's settings, the defaults when they have none.
func UserSettingsOf(q Querier, userID int64) (UserSettings, error) {
	s, err := scanUserSettings(q.QueryRow(`SELECT `+userSettingsCols+` FROM user_settings WHERE user_id = ?`, userID))
	if err == ErrNotFound {
		return DefaultUserSettings(userID), nil
	}
	return s, err
}

// UserSettingsFor returns the settings of each of the users, defaults
// included.
func UserSettingsFor(q Querier, userIDs []int64) (map[int64]UserSettings, error) {
	out := make(map[int64]UserSettings, len(userIDs))
	for _, id := range userIDs {
		out[id] = DefaultUserSettings(id)
	}
	if len(userIDs) == 0 {
		return out, nil
	}
	b := &builder{}
	b.w(`SELECT `+userSettingsCols+` FROM user_settings WHERE `).in("user_id", userIDs)
	rows, err := q.Query(b.String(), b.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanUserSettings(rows)
		if err != nil {
			return nil, err
		}
		out[s.UserID] = s
	}
	return out, rows.Err()
}

// SaveUserSettings stores a user's settings whole.
func SaveUserSettings(tx *Tx, s UserSettings) error {
	_, err := tx.Exec(`INSERT INTO user_settings (`+userSettingsCols+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale, sound = excluded.sound, push = excluded.push,
		email = excluded.email, updated_at = excluded.updated_at`,
		s.UserID, s.Locale, boolInt(s.Sound), boolInt(s.Push), boolInt(s.Email), Micros(tx.Now()))
	return err
}
