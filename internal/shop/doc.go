// Package shop is the demo marketplace that `parley serve --demo` mounts at
// /shop/: a small host application with sellers, a four-level category tree
// (industries → areas → categories → subcategories), products and hourly
// services, search, a cart, checkout, order history and a seller link to the
// back office.
//
// It is deliberately a separate program that happens to share the process:
// it reaches Parley only over HTTP, the way any host marketplace does.
//
//   - The host API with its API key pushes users, companies, products and
//     orders (and their event timelines) and registers a webhook.
//   - Its users are signed in to Parley with short HS256 JWTs signed with the
//     SSO secret: server side (POST /api/v1/auth/sso, to read a seller's
//     availability), in the widget's data-jwt, and in the seller's "Open my
//     inbox" form that posts to /auth/sso.
//   - Its pages load Parley's widget (/widget.js) and call
//     window.Parley.open({...}); without the widget the buttons are plain
//     links to /app/.
//   - Parley's webhooks reach it at /shop/webhooks/parley, verified with the
//     Parley-Signature HMAC (see webhook.go for the events it handles).
//
// The catalogue and the people are Go data in catalog_*.go. What the shop
// changes at run time (carts, the orders it placed, the webhook secret, its
// cookie key) is a JSON file, shop.json, in its own directory under the data
// dir: a host keeps its own database, not Parley's, and a demo's state is
// small enough to rewrite whole on each change (atomically, by rename).
package shop
