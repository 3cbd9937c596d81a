package parley

import "time"

// Marketplace is a tenant: every row of Parley belongs to exactly one.
type Marketplace struct {
	ID              int64
	Slug            string
	Name            string
	SSOSecret       string
	ArchiveAfter    time.Duration // no activity for this long moves a conversation to Archive
	TicketAutoclose time.Duration // tickets close this long after their last activity
	UnreadMailAfter time.Duration // a party is mailed when messages stay unread this long
	// SSOIssuer and SSOAudience, when set, are the iss the marketplace's
	// sign-in JWTs must carry and a value their aud must hold.
	SSOIssuer   string
	SSOAudience string
}

// DefaultMarketplaceSlug names the marketplace that the environment
// bootstrap (PARLEY_HOST_API_KEY, PARLEY_SSO_SECRET) configures.
const DefaultMarketplaceSlug = "default"
