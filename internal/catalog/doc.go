// Package catalog takes what a host marketplace pushes to Parley with its
// API key: users, companies with their members, products and services,
// orders with their event timelines. Everything is named by the host's own
// external ids and upserted, so a host can push the same thing again.
package catalog
