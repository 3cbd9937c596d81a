package parley

import "time"

// User is a person signed in to a marketplace: a buyer, a member of a
// seller company, or an operator. ExternalID is the host's id for them.
type User struct {
	ID            int64
	MarketplaceID int64
	ExternalID    string
	Email         string
	Name          string
	Locale        string
	IsOperator    bool
	PasswordHash  string
	CreatedAt     time.Time
}

// Roles of a member of an organization.
const (
	RoleOwner        = "owner"
	RoleSalesManager = "sales_manager"
)

// Organization kinds.
const (
	OrgSeller = "seller"
	OrgBuyer  = "buyer"
)

// Organization is a company: a seller (a party of conversations) or a buyer.
type Organization struct {
	ID            int64
	MarketplaceID int64
	ExternalID    string
	Name          string
	Kind          string
	Email         string // the official address
	ChatEnabled   bool
}

// Membership is a user's role in an organization.
type Membership struct {
	Organization Organization
	Role         string
}
