package conversation

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// ValidMarketplaceSlug reports whether s can name an external marketplace:
// 1 to 64 lowercase ASCII letters, digits, '.', '_' or '-', starting with
// a letter or digit, and not "native", which names this marketplace in
// the list's filter.
func ValidMarketplaceSlug(s string) bool {
	if s == "" || len(s) > 64 || s == parley.ChannelNative {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '.' || c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// Marketplaces lists where the principal's conversations come from, for
// the inbox's marketplace filter: this marketplace first (always: it is
// where the inbox lives), then every external marketplace at least one of
// the principal's conversations was brought from, by name.
func (s *Service) Marketplaces(ctx context.Context, p *identity.Principal) ([]parley.Channel, error) {
	if p.Host {
		return []parley.Channel{}, nil
	}
	ems, err := store.ExternalMarketplacesForViewer(s.db.Reader(ctx), p.Viewer())
	if err != nil {
		return nil, err
	}
	out := []parley.Channel{{Kind: parley.ChannelNative, Marketplace: parley.ChannelNative, Name: p.Marketplace.Name}}
	for _, em := range ems {
		out = append(out, parley.Channel{Kind: parley.ChannelConnector, Marketplace: em.Slug, Name: em.Name})
	}
	return out, nil
}
