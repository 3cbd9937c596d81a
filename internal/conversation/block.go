package conversation

import (
	"context"
	"errors"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/bus"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// BlockInput names whom to block: a buyer (user) blocked by the caller's
// seller company, or a seller company (organization) blocked by the caller
// as a buyer. As picks the caller's company when they belong to several.
type BlockInput struct {
	User         string `json:"user"`
	Organization string `json:"organization"`
	As           string `json:"as"`
}

// Block is a standing block as the API shows it.
type Block struct {
	ID           string    `json:"id"`
	User         string    `json:"user,omitempty"`
	Organization string    `json:"organization,omitempty"`
	By           string    `json:"by"`
	CreatedAt    time.Time `json:"created_at"`
}

// resolveBlock turns a block request into the store's block between the
// parties, checking that the caller may make it.
func (s *Service) resolveBlock(ctx context.Context, p *identity.Principal, in BlockInput) (store.Block, Block, error) {
	if p.Host || p.User.ID == 0 {
		return store.Block{}, Block{}, parley.Errorf(parley.EForbidden, "Only a signed-in user can block.")
	}
	q := s.db.Reader(ctx)
	mid := p.Marketplace.ID
	b := store.Block{MarketplaceID: mid, CreatedBy: p.User.ID}
	var out Block
	switch {
	case (in.User == "") == (in.Organization == ""):
		return store.Block{}, Block{}, parley.Invalid(parley.FieldError{Field: "user", Message: "name exactly one of user or organization"})
	case in.User != "":
		org, err := s.actingOrg(p, in.As)
		if err != nil {
			return store.Block{}, Block{}, err
		}
		u, err := store.UserByExternalID(q, mid, in.User)
		if errors.Is(err, store.ErrNotFound) {
			return store.Block{}, Block{}, parley.NotFound("user")
		} else if err != nil {
			return store.Block{}, Block{}, err
		}
		if p.Role(org.ID) != "" && u.ID == p.User.ID {
			return store.Block{}, Block{}, parley.Invalid(parley.FieldError{Field: "user", Message: "you cannot block yourself"})
		}
		b.BlockerOrgID, b.BlockedUserID = org.ID, u.ID
		out.User, out.By = u.ExternalID, org.ExternalID
	default:
		org, err := store.OrganizationByExternalID(q, mid, in.Organization)
		if errors.Is(err, store.ErrNotFound) {
			return store.Block{}, Block{}, parley.NotFound("organization")
		} else if err != nil {
			return store.Block{}, Block{}, err
		}
		if p.Role(org.ID) != "" {
			return store.Block{}, Block{}, parley.Invalid(parley.FieldError{Field: "organization", Message: "you cannot block your own company"})
		}
		b.BlockerUserID, b.BlockedOrgID = p.User.ID, org.ID
		out.Organization, out.By = org.ExternalID, p.User.ExternalID
	}
	return b, out, nil
}

// FindBlock returns the standing block the caller (or the caller's company)
// made against the other party named in in; not found when there is none.
func (s *Service) FindBlock(ctx context.Context, p *identity.Principal, in BlockInput) (Block, error) {
	b, out, err := s.resolveBlock(ctx, p, in)
	if err != nil {
		return Block{}, err
	}
	existing, err := store.FindBlock(s.db.Reader(ctx), b)
	if errors.Is(err, store.ErrNotFound) {
		return Block{}, parley.NotFound("block")
	} else if err != nil {
		return Block{}, err
	}
	out.ID, out.CreatedAt = ID(existing.ID), existing.CreatedAt
	return out, nil
}

// Block makes the caller (or the caller's company) block the other party.
// It reports created=false when the block already stood.
func (s *Service) Block(ctx context.Context, p *identity.Principal, in BlockInput) (Block, bool, error) {
	b, out, err := s.resolveBlock(ctx, p, in)
	if err != nil {
		return Block{}, false, err
	}
	created := false
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		existing, err := store.FindBlock(tx, b)
		if err == nil {
			b = existing
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if b.ID, err = store.InsertBlock(tx, b); err != nil {
			return err
		}
		created = true
		b.CreatedAt = tx.Now()
		return s.touchBetween(tx, b)
	})
	if err != nil {
		return Block{}, false, err
	}
	out.ID, out.CreatedAt = ID(b.ID), b.CreatedAt
	return out, created, nil
}

// actingOrg is the seller company the caller acts for.
func (s *Service) actingOrg(p *identity.Principal, as string) (parley.Organization, error) {
	orgs := p.SellerOrgs()
	for _, o := range orgs {
		if o.ExternalID == as || (as == "" && len(orgs) == 1) {
			return o, nil
		}
	}
	if as == "" && len(orgs) > 1 {
		return parley.Organization{}, parley.Invalid(parley.FieldError{Field: "as", Message: "name the company you block for"})
	}
	if as != "" {
		return parley.Organization{}, parley.NotFound("organization")
	}
	return parley.Organization{}, parley.Invalid(parley.FieldError{Field: "user", Message: "only a seller company blocks a buyer; as a buyer, block the seller's organization"})
}

// touchBetween marks the conversations between the block's parties changed
// and tells both sides.
func (s *Service) touchBetween(tx *store.Tx, b store.Block) error {
	buyer, seller := b.BlockedUserID, b.BlockerOrgID
	if b.BlockerUserID != 0 {
		buyer, seller = b.BlockerUserID, b.BlockedOrgID
	}
	ids, err := store.TouchConversationsBetween(tx, buyer, seller)
	if err != nil {
		return err
	}
	for _, id := range ids {
		s.publishAfterCommit(tx, store.ConversationRow{ID: id, MarketplaceID: b.MarketplaceID, BuyerUserID: buyer, SellerOrgID: seller},
			bus.Event{Type: bus.ConversationUpdated})
	}
	return nil
}

// Unblock removes a block the caller (or their company) made.
func (s *Service) Unblock(ctx context.Context, p *identity.Principal, blockID int64) error {
	if p.Host {
		return parley.NotFound("block")
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		b, err := store.BlockByID(tx, blockID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !ownsBlock(p, b)) {
			return parley.NotFound("block")
		} else if err != nil {
			return err
		}
		if err := store.DeleteBlock(tx, b.ID); err != nil {
			return err
		}
		return s.touchBetween(tx, b)
	})
}

func ownsBlock(p *identity.Principal, b store.Block) bool {
	if b.MarketplaceID != p.Marketplace.ID {
		return false
	}
	if b.BlockerUserID != 0 {
		return b.BlockerUserID == p.User.ID
	}
	return p.Role(b.BlockerOrgID) != ""
}
