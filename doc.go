// Package parley holds the domain of Parley, the conversation layer of a
// marketplace: the types every capability shares (marketplaces, users,
// organizations, products, orders, conversations, messages) and the error
// type that carries a stable code from the depths of a feature to the API.
//
// The packages under internal/ implement the capabilities: store for the
// database, conversation for the rules of talking, identity for sign-in,
// httpapi for the JSON API, and so on. Dependencies point inward, to this
// package.
package parley
