package identity

import (
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Principal is who is calling: a signed-in user, or a host server calling
// with an API key (then User is zero and Host is true).
type Principal struct {
	Marketplace parley.Marketplace
	User        parley.User
	Memberships []parley.Membership
	SessionID   int64
	Host        bool
}

// Viewer is the principal as the store's access predicates need it.
func (p *Principal) Viewer() store.Viewer {
	v := store.Viewer{UserID: p.User.ID, MarketplaceID: p.Marketplace.ID, Operator: p.User.IsOperator}
	for _, m := range p.Memberships {
		if m.Organization.Kind == parley.OrgSeller {
			v.OrgIDs = append(v.OrgIDs, m.Organization.ID)
		}
	}
	return v
}

// Role returns the principal's role in the organization, or "".
func (p *Principal) Role(orgID int64) string {
	for _, m := range p.Memberships {
		if m.Organization.ID == orgID {
			return m.Role
		}
	}
	return ""
}

// SellerOrgs returns the seller companies the principal belongs to.
func (p *Principal) SellerOrgs() []parley.Organization {
	var out []parley.Organization
	for _, m := range p.Memberships {
		if m.Organization.Kind == parley.OrgSeller {
			out = append(out, m.Organization)
		}
	}
	return out
}
