-- +goose Up
-- The language of a quote form's plain strings (its titles, labels, help
-- and options as sent without a translation): the form answers in it when
-- the reader's language has no translation. '' for forms sent before
-- translations existed, read as English.
ALTER TABLE quote_forms ADD COLUMN locale TEXT NOT NULL DEFAULT '';
