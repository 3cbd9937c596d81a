// Package mail owns outgoing e-mail. Callers see one Mailer interface with
// two implementations, chosen once at startup by New from PARLEY_SMTP_URL:
//
//   - SMTP sends through a relay given as smtp://user:pass@host:port
//     (STARTTLS when the server offers it) or smtps://user:pass@host:port
//     (TLS from the first byte), using github.com/wneessen/go-mail. Each Send
//     opens its own connection, so concurrent sends do not share state.
//   - DevMailbox, used when no URL is set, keeps every mail in the dev_mails
//     table so that a developer (and the end-to-end tests) can read what
//     would have been sent.
//
// Mail is sent from outbox jobs, never inside a request: a send that fails is
// retried by the outbox.
package mail
