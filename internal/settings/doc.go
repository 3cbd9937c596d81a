// Package settings owns a user's own preferences: the interface language
// (locale; "" follows the browser), whether the web app plays a sound,
// and whether Parley may notify them by Web Push and by email.
//
// Settings are one row per user (store.UserSettings), created on the first
// change; a user without a row has the defaults, everything on. Other
// packages read them where they decide: internal/push skips users with
// push off, internal/notify leaves users with email off out of its mails,
// and GET /api/v1/me shows the settings' locale.
package settings
