// Package web is Parley's web app: the pages of the seller back office and
// the buyer area (inbox, conversation, settings, dev mailbox), the sign-in
// pages, the installable-app files (manifest, service worker) and the
// embeddable widget (/widget.js and the /widget/frame it opens).
//
// Pages are rendered by the server with html/template and then driven by
// small vanilla JavaScript ES modules that call the JSON API (/api/v1) and
// listen on the WebSocket; there is no build step: templates, scripts, styles
// and message catalogues are embedded in the binary with embed.FS.
//
// Languages (en, it, es, ru, el, sr in Latin script) come from go-i18n
// message files with CLDR plural forms. The language of a page is the
// signed-in user's settings locale, else the "parley_lang" cookie set by the
// switcher, else Accept-Language. Strings the scripts need are passed in a
// JSON block of the page.
//
// Sign-in uses the identity service and the API's session cookie
// (httpapi.SessionCookie). Forms that change state are refused when they
// come from another origin (http.CrossOriginProtection), except POST
// /auth/sso, whose signed host JWT is itself the credential and which a host
// marketplace posts from its own origin.
package web
