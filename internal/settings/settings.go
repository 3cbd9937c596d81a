package settings

import (
	"context"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// Locales are the interface languages a user may choose; "" follows the
// browser.
var Locales = []string{"", "en", "it", "es", "ru", "el", "sr"}

// Settings is what the API shows and takes.
type Settings struct {
	Locale string `json:"locale"`
	Sound  bool   `json:"sound"`
	Push   bool   `json:"push"`
	Email  bool   `json:"email"`
}

// Patch changes the fields that are set.
type Patch struct {
	Locale *string `json:"locale"`
	Sound  *bool   `json:"sound"`
	Push   *bool   `json:"push"`
	Email  *bool   `json:"email"`
}

// Service reads and changes users' settings.
type Service struct {
	db *store.DB
}

// NewService returns the settings service.
func NewService(db *store.DB) *Service { return &Service{db: db} }

func view(s store.UserSettings) Settings {
	return Settings{Locale: s.Locale, Sound: s.Sound, Push: s.Push, Email: s.Email}
}

func signedIn(p *identity.Principal) error {
	if p == nil || p.Host || p.User.ID == 0 {
		return parley.Errorf(parley.EUnauthorized, "Settings belong to a signed-in user.")
	}
	return nil
}

// Get returns the principal's settings.
func (s *Service) Get(ctx context.Context, p *identity.Principal) (Settings, error) {
	if err := signedIn(p); err != nil {
		return Settings{}, err
	}
	us, err := store.UserSettingsOf(s.db.Reader(ctx), p.User.ID)
	return view(us), err
}

// Update applies the patch to the principal's settings and returns them
// whole.
func (s *Service) Update(ctx context.Context, p *identity.Principal, in Patch) (Settings, error) {
	if err := signedIn(p); err != nil {
		return Settings{}, err
	}
	if in.Locale != nil {
		l := strings.TrimSpace(*in.Locale)
		if !slices.Contains(Locales, l) {
			return Settings{}, parley.Invalid(parley.FieldError{Field: "locale", Message: `must be one of "", en, it, es, ru, el, sr`})
		}
		in.Locale = &l
	}
	var out store.UserSettings
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		cur, err := store.UserSettingsOf(tx, p.User.ID)
		if err != nil {
			return err
		}
		if in.Locale != nil {
			cur.Locale = *in.Locale
		}
		if in.Sound != nil {
			cur.Sound = *in.Sound
		}
		if in.Push != nil {
			cur.Push = *in.Push
		}
		if in.Email != nil {
			cur.Email = *in.Email
		}
		out = cur
		return store.SaveUserSettings(tx, cur)
	})
	return view(out), err
}

// Locale returns the user's chosen locale ("" follows the browser).
func (s *Service) Locale(ctx context.Context, userID int64) (string, error) {
	us, err := store.UserSettingsOf(s.db.Reader(ctx), userID)
	return us.Locale, err
}
