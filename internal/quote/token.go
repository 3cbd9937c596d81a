package quote

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// A link token is "<payload>.<mac>", both base64url without padding:
// payload "q1.<quote>.<version>.<buyer user id>.<expiry unix>", mac its
// HMAC-SHA256 with the installation's quote key.

// Claims is what a link token names.
type Claims struct {
	Quote   int64
	Version int64
	Buyer   int64
	Expires time.Time
}

// Token signs claims into a link token.
func (s *Service) Token(c Claims) string {
	payload := fmt.Sprintf("q1.%d.%d.%d.%d", c.Quote, c.Version, c.Buyer, c.Expires.Unix())
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// linkEncoding decodes link tokens: base64url without padding, canonical.
var linkEncoding = base64.RawURLEncoding.Strict()

var errTampered = parley.Errorf(parley.EInvalidSignature, "This link is not valid: it was changed or cut short. Open the link from the email again.")

// ParseToken checks a token's signature and reads its claims; it does not
// check the time.
func (s *Service) ParseToken(token string) (Claims, error) {
	p64, m64, ok := strings.Cut(token, ".")
	// Strict, and one spelling only: a MAC whose last character differs
	// only in the bits base64 leaves unused, or a token with CR or LF
	// inside (which decoding skips), would otherwise be a second spelling
	// of the same link; a token must be what its bytes encode to.
	payload, err1 := linkEncoding.DecodeString(p64)
	sig, err2 := linkEncoding.DecodeString(m64)
	canonical := linkEncoding.EncodeToString(payload) == p64 && linkEncoding.EncodeToString(sig) == m64
	if !ok || err1 != nil || err2 != nil || !canonical || len(token) > 300 {
		return Claims{}, errTampered
	}
	mac := hmac.New(sha256.New, s.key)
	mac.Write(payload)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return Claims{}, errTampered
	}
	parts := strings.Split(string(payload), ".")
	if len(parts) != 5 || parts[0] != "q1" {
		return Claims{}, errTampered
	}
	var n [4]int64
	for i := range n {
		v, err := strconv.ParseInt(parts[i+1], 10, 64)
		if err != nil {
			return Claims{}, errTampered
		}
		n[i] = v
	}
	return Claims{Quote: n[0], Version: n[1], Buyer: n[2], Expires: time.Unix(n[3], 0)}, nil
}

// Link is the signed link of a quote's version for its buyer.
func (s *Service) Link(c Claims) string { return s.opts.BaseURL + "/q/" + s.Token(c) }

// LinkView is what the confirmation page shows.
type LinkView struct {
	Quote Quote
	Title string // the product's title
	// Accepted: the version was accepted already (confirming again only
	// leads to the cart).
	Accepted bool
}

// OpenLink checks a link for the signed-in caller without changing
// anything: tampered → invalid_signature, past its time or superseded →
// expired, another user's → not_found.
func (s *Service) OpenLink(ctx context.Context, p *identity.Principal, token string) (LinkView, error) {
	c, err := s.ParseToken(token)
	if err != nil {
		return LinkView{}, err
	}
	if p.Host || p.User.ID != c.Buyer {
		return LinkView{}, parley.NotFound("quote")
	}
	q := s.db.Reader(ctx)
	r, err := store.QuoteByID(q, c.Quote)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (r.BuyerUserID != p.User.ID || r.MarketplaceID != p.Marketplace.ID)) {
		return LinkView{}, parley.NotFound("quote")
	} else if err != nil {
		return LinkView{}, err
	}
	qt, err := s.render(q, r)
	if err != nil {
		return LinkView{}, err
	}
	if r.Version == c.Version && r.State == store.QuoteAccepted {
		return LinkView{Quote: qt, Accepted: true, Title: lineTitle(qt)}, nil
	}
	if r.Version != c.Version || qt.State != store.QuoteOffered || !s.db.Now().Before(c.Expires) {
		return LinkView{}, errExpired
	}
	return LinkView{Quote: qt, Title: lineTitle(qt)}, nil
}

// ConfirmLink accepts the link's version and returns where to go next:
// the host's cart.
func (s *Service) ConfirmLink(ctx context.Context, p *identity.Principal, token string) (string, error) {
	v, err := s.OpenLink(ctx, p, token)
	if err != nil {
		return "", err
	}
	if !v.Accepted {
		if _, err := s.Accept(ctx, p, mustID(v.Quote.ID), v.Quote.Version); err != nil {
			return "", err
		}
	}
	r, _ := store.QuoteByID(s.db.Reader(ctx), mustID(v.Quote.ID))
	return s.cartURL(s.db.Reader(ctx), r.MarketplaceID, r.ConversationID)
}

func mustID(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func lineTitle(q Quote) string {
	if len(q.Lines) > 0 {
		return q.Lines[0].Title
	}
	return ""
}
