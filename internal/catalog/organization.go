package catalog

import (
	"context"
	"errors"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// OrganizationView is a company as its members see it in the settings.
type OrganizationView struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Kind        string       `json:"kind"`
	Email       string       `json:"email"`
	ChatEnabled bool         `json:"chat_enabled"`
	Members     []MemberView `json:"members"`
}

// MemberView is one member of a company.
type MemberView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// visibleOrg returns a company the principal belongs to (or operates);
// another company is not found. With owner set, a member who is not an
// owner is forbidden (operators may not change a company either).
func (s *Service) visibleOrg(q store.Querier, p *identity.Principal, externalID string, owner bool) (parley.Organization, error) {
	o, err := store.OrganizationByExternalID(q, p.Marketplace.ID, externalID)
	if errors.Is(err, store.ErrNotFound) {
		return o, parley.NotFound("organization")
	} else if err != nil {
		return o, err
	}
	role := p.Role(o.ID)
	if role == "" && !p.User.IsOperator {
		return o, parley.NotFound("organization")
	}
	if owner && role != parley.RoleOwner {
		return o, parley.Errorf(parley.EForbidden, "Only an owner of the company may change it.")
	}
	return o, nil
}

func (s *Service) orgView(q store.Querier, o parley.Organization) (OrganizationView, error) {
	ms, err := store.MembersWithRoles(q, o.ID)
	if err != nil {
		return OrganizationView{}, err
	}
	v := OrganizationView{ID: o.ExternalID, Name: o.Name, Kind: o.Kind, Email: o.Email, ChatEnabled: o.ChatEnabled, Members: []MemberView{}}
	for _, m := range ms {
		v.Members = append(v.Members, MemberView{ID: m.User.ExternalID, Name: m.User.Name, Role: m.Role})
	}
	return v, nil
}

// Organization returns a company with its members, to its members and the
// marketplace's operators.
func (s *Service) Organization(ctx context.Context, p *identity.Principal, externalID string) (OrganizationView, error) {
	q := s.db.Reader(ctx)
	o, err := s.visibleOrg(q, p, externalID, false)
	if err != nil {
		return OrganizationView{}, err
	}
	return s.orgView(q, o)
}

// SetChatEnabled switches the company's chat on or off (owners only).
func (s *Service) SetChatEnabled(ctx context.Context, p *identity.Principal, externalID string, on bool) (OrganizationView, error) {
	var v OrganizationView
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		o, err := s.visibleOrg(tx, p, externalID, true)
		if err != nil {
			return err
		}
		if err := store.SetChatEnabled(tx, o.ID, on); err != nil {
			return err
		}
		o.ChatEnabled = on
		v, err = s.orgView(tx, o)
		return err
	})
	return v, err
}

// PutMember adds a user of the marketplace to the company or changes
// their role (owners only). The host's next upsert of the company replaces
// the members again.
func (s *Service) PutMember(ctx context.Context, p *identity.Principal, orgID, userID, role string) (OrganizationView, bool, error) {
	if role != parley.RoleOwner && role != parley.RoleSalesManager {
		return OrganizationView{}, false, parley.Invalid(parley.FieldError{Field: "role", Message: "must be owner or sales_manager"})
	}
	var v OrganizationView
	created := false
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		o, err := s.visibleOrg(tx, p, orgID, true)
		if err != nil {
			return err
		}
		u, err := store.UserByExternalID(tx, p.Marketplace.ID, userID)
		if errors.Is(err, store.ErrNotFound) {
			return parley.NotFound("user")
		} else if err != nil {
			return err
		}
		before, err := store.MembersWithRoles(tx, o.ID)
		if err != nil {
			return err
		}
		created = true
		for _, m := range before {
			if m.User.ID == u.ID {
				created = false
				if m.Role == parley.RoleOwner && role != parley.RoleOwner && owners(before) == 1 {
					return parley.Invalid(parley.FieldError{Field: "role", Message: "the company must keep an owner"})
				}
			}
		}
		if err := store.SetMember(tx, o.ID, u.ID, role); err != nil {
			return err
		}
		v, err = s.orgView(tx, o)
		return err
	})
	return v, created, err
}

// RemoveMember takes a user out of the company (owners only); the last
// owner stays.
func (s *Service) RemoveMember(ctx context.Context, p *identity.Principal, orgID, userID string) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		o, err := s.visibleOrg(tx, p, orgID, true)
		if err != nil {
			return err
		}
		u, err := store.UserByExternalID(tx, p.Marketplace.ID, userID)
		if errors.Is(err, store.ErrNotFound) {
			return parley.NotFound("member")
		} else if err != nil {
			return err
		}
		before, err := store.MembersWithRoles(tx, o.ID)
		if err != nil {
			return err
		}
		for _, m := range before {
			if m.User.ID == u.ID && m.Role == parley.RoleOwner && owners(before) == 1 {
				return parley.Invalid(parley.FieldError{Field: "user", Message: "the company must keep an owner"})
			}
		}
		if err := store.RemoveMember(tx, o.ID, u.ID); errors.Is(err, store.ErrNotFound) {
			return parley.NotFound("member")
		} else {
			return err
		}
	})
}

func owners(ms []store.Member) int {
	n := 0
	for _, m := range ms {
		if m.Role == parley.RoleOwner {
			n++
		}
	}
	return n
}
