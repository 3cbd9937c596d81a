package httpapi

import (
	"net/http"

	"github.com/parleyhq/parley/internal/ratelimit"
)

// Routes is the API's route table.
func Routes() []Route {
	return []Route{
		{http.MethodGet, "/healthz", Public, health},
		{http.MethodGet, "/readyz", Public, ready},
		{http.MethodGet, "/api/v1/openapi.json", Public, openAPI},

		{http.MethodPost, "/api/v1/auth/login", Public, login},
		{http.MethodPost, "/api/v1/auth/sso", Public, sso},
		{http.MethodPost, "/api/v1/auth/logout", User, logout},
		{http.MethodGet, "/api/v1/me", User, me},
		{http.MethodGet, "/api/v1/me/settings", User, getSettings},
		{http.MethodPatch, "/api/v1/me/settings", User, patchSettings},

		{http.MethodPut, "/api/v1/host/users/{external_id}", Host, hostUser},
		{http.MethodPut, "/api/v1/host/organizations/{external_id}", Host, hostOrganization},
		{http.MethodPut, "/api/v1/host/products/{external_id}", Host, hostProduct},
		{http.MethodPut, "/api/v1/host/orders/{external_id}", Host, hostOrder},
		{http.MethodPost, "/api/v1/host/orders/{external_id}/events", Host, hostOrderEvent},
		{http.MethodPost, "/api/v1/host/webhooks", Host, limited(ratelimit.Webhooks, hostWebhook)},
		{http.MethodGet, "/api/v1/host/webhooks", Host, hostWebhooks},
		{http.MethodDelete, "/api/v1/host/webhooks/{id}", Host, deleteHostWebhook},
		{http.MethodPut, "/api/v1/host/quote-forms/{category}", Host, withQuotes(hostQuoteForm)},
		{http.MethodPut, "/api/v1/host/products/{external_id}/quote-form", Host, withQuotes(hostProductQuoteForm)},
		{http.MethodPut, "/api/v1/host/quote-settings", Host, withQuotes(hostQuoteSettings)},

		{http.MethodPost, "/api/v1/conversations", User, limited(ratelimit.Starts, startConversation)},
		{http.MethodGet, "/api/v1/conversations", User, listConversations},
		{http.MethodGet, "/api/v1/conversations/marketplaces", User, listMarketplaces},
		{http.MethodGet, "/api/v1/conversations/{id}", User, getConversation},
		{http.MethodPatch, "/api/v1/conversations/{id}", User, patchConversation},
		{http.MethodGet, "/api/v1/conversations/{id}/messages", User, listMessages},
		{http.MethodPost, "/api/v1/conversations/{id}/messages", User, limited(ratelimit.Messages, sendMessage)},
		{http.MethodPost, "/api/v1/conversations/{id}/read", User, readConversation},
		{http.MethodPost, "/api/v1/conversations/{id}/return-proposal", User, limited(ratelimit.Messages, proposeReturn)},
		{http.MethodPost, "/api/v1/conversations/{id}/return-proposal/accept", User, acceptReturn},
		{http.MethodPost, "/api/v1/conversations/{id}/return-proposal/decline", User, declineReturn},
		{http.MethodPost, "/api/v1/attachments", User, limited(ratelimit.Uploads, uploadAttachment)},
		{http.MethodGet, "/api/v1/attachments/{id}", User, getAttachment},
		{http.MethodPost, "/api/v1/blocks", User, createBlock},
		{http.MethodDelete, "/api/v1/blocks/{id}", User, deleteBlock},
		{http.MethodGet, "/api/v1/sync", User, syncChanges},
		{http.MethodGet, "/api/v1/ws", Socket, websocket},
		{http.MethodGet, "/api/v1/organizations/{id}/availability", User, organizationAvailability},
		{http.MethodGet, "/api/v1/products/{id}/availability", User, productAvailability},
		{http.MethodGet, "/api/v1/push/vapid-key", User, vapidKey},
		{http.MethodPost, "/api/v1/push/subscriptions", User, subscribePush},
		{http.MethodDelete, "/api/v1/push/subscriptions/{id}", User, unsubscribePush},
		{http.MethodGet, "/api/v1/products/{id}", User, getProduct},
		{http.MethodGet, "/api/v1/orders/{id}", User, getOrder},
		{http.MethodGet, "/api/v1/users/{id}/profile", User, getBuyerProfile},
		{http.MethodGet, "/api/v1/conversations/{id}/party", User, getParty},
		{http.MethodGet, "/api/v1/conversations/{id}/products", User, conversationProducts},
		{http.MethodPost, "/api/v1/conversations/{id}/order-proposals", User, limited(ratelimit.Messages, proposeOrder)},
		{http.MethodGet, "/api/v1/products/{id}/quote-form", User, withQuotes(productQuoteForm)},
		{http.MethodGet, "/api/v1/conversations/{id}/quote", User, withQuotes(conversationQuote)},
		{http.MethodPost, "/api/v1/conversations/{id}/quotes", User, limited(ratelimit.Messages, withQuotes(offerQuote))},
		{http.MethodPost, "/api/v1/conversations/{id}/quotes/preview", User, withQuotes(previewQuote)},
		{http.MethodGet, "/api/v1/quotes/{id}", User, withQuotes(getQuote)},
		{http.MethodPost, "/api/v1/quotes/{id}/accept", User, withQuotes(answerQuote(true))},
		{http.MethodPost, "/api/v1/quotes/{id}/decline", User, withQuotes(answerQuote(false))},
		{http.MethodGet, "/api/v1/organizations/{id}", User, getOrganization},
		{http.MethodPatch, "/api/v1/organizations/{id}", User, patchOrganization},
		{http.MethodPut, "/api/v1/organizations/{id}/members/{user}", User, putMember},
		{http.MethodDelete, "/api/v1/organizations/{id}/members/{user}", User, deleteMember},

		{http.MethodGet, "/api/v1/admin/jobs", User, listJobs},
		{http.MethodPost, "/api/v1/admin/jobs/{id}/retry", User, retryJob},
		{http.MethodGet, "/api/v1/admin/mails", User, listMails},
		{http.MethodGet, "/api/v1/admin/mails/{id}", User, getMail},
	}
}
