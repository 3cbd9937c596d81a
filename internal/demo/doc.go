// Package demo holds what `parley serve --demo` needs besides the demo
// marketplace itself (package shop, which pushes its sellers, catalogue and
// orders through the host API like any host): the demo people's local
// accounts with the shared password, so that they can also sign in to
// Parley's own /login, and the list of accounts to print and to show on the
// sign-in pages.
//
// Passwords are Parley's own business (there is no host API for them), so
// the accounts are made in-process through the identity service, the way
// `parley user add` makes them. Their external id, "local:<email>", is the
// id the shop uses for the same people: one person, one Parley user.
package demo
