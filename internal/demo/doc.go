// Package demo seeds the demo marketplace that `parley serve --demo` shows:
// seller companies with owners and sales managers, buyers, products and
// hourly services in a category tree, and a completed order to open a ticket
// on. It goes through the same catalog and identity services that the host
// API uses, and it is idempotent: seeding twice changes nothing.
package demo
