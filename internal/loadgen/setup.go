package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/identity"
)

// fixture is what setup made: a token per author and a conversation per
// buyer.
type fixture struct {
	run          string // random prefix of every id this run made
	sellerToken  string
	buyerTokens  []string // one per conversation
	conversation []string // conversation ids, same order
}

// setup creates the seller, product, buyers and conversations through the
// host API and sign-in, each with ids unique to this run so a server can be
// loaded more than once.
func setup(ctx context.Context, o *Options) (*fixture, error) {
	var rb [4]byte
	_, _ = rand.Read(rb[:])
	f := &fixture{run: "lg" + hex.EncodeToString(rb[:])}
	c, base, key := o.Client, o.BaseURL, o.APIKey
	host := func(ctx context.Context, path string, body any) error {
		_, err := call(ctx, c, "PUT", base+"/api/v1/host/"+path, key, body, nil)
		return err
	}
	owner := f.run + "-owner"
	shop := f.run + "-shop"
	product := f.run + "-product"
	if err := host(ctx, "users/"+owner, map[string]any{"email": owner + "@loadgen.invalid", "name": "Loadgen Seller"}); err != nil {
		return nil, err
	}
	if err := host(ctx, "organizations/"+shop, map[string]any{
		"name": "Loadgen Shop " + f.run, "kind": "seller",
		"members": []map[string]string{{"user": owner, "role": "owner"}},
	}); err != nil {
		return nil, err
	}
	if err := host(ctx, "products/"+product, map[string]any{"seller": shop, "title": "Loadgen product", "kind": "product"}); err != nil {
		return nil, err
	}
	signIn := func(ctx context.Context, sub, email, name string) (string, error) {
		jwt, err := identity.SignHostJWT(o.SSOSecret, sub, email, name, time.Now(), 5*time.Minute)
		if err != nil {
			return "", err
		}
		var out struct {
			Token string `json:"token"`
		}
		if _, err := call(ctx, c, "POST", base+"/api/v1/auth/sso", "", map[string]string{"jwt": jwt}, &out); err != nil {
			return "", err
		}
		if out.Token == "" {
			return "", fmt.Errorf("sign-in of %s answered no token", sub)
		}
		return out.Token, nil
	}
	var err error
	if f.sellerToken, err = signIn(ctx, owner, owner+"@loadgen.invalid", "Loadgen Seller"); err != nil {
		return nil, err
	}

	n := o.Conversations
	f.buyerTokens = make([]string, n)
	f.conversation = make([]string, n)
	gctx, cancel := context.WithCancel(ctx)
	setupBuyer := func(i int) error {
		buyer := fmt.Sprintf("%s-buyer%d", f.run, i)
		email := buyer + "@loadgen.invalid"
		name := fmt.Sprintf("Loadgen Buyer %d", i)
		if err := host(gctx, "users/"+buyer, map[string]any{"email": email, "name": name}); err != nil {
			return err
		}
		tok, err := signIn(gctx, buyer, email, name)
		if err != nil {
			return err
		}
		var out struct {
			Conversation struct {
				ID string `json:"id"`
			} `json:"conversation"`
		}
		if _, err := call(gctx, c, "POST", base+"/api/v1/conversations", tok, map[string]any{
			"kind": "chat", "product": product,
			"message": map[string]string{"client_id": buyer + "-hello", "body": "Hello, is this still available?"},
		}, &out); err != nil {
			return err
		}
		if out.Conversation.ID == "" {
			return fmt.Errorf("conversation of %s: answer without an id", buyer)
		}
		f.buyerTokens[i], f.conversation[i] = tok, out.Conversation.ID
		return nil
	}
	defer cancel()
	errs := make([]error, n)
	sem := make(chan struct{}, min(o.Senders, 16))
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if errs[i] = setupBuyer(i); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	if err := firstError(errs); err != nil {
		return nil, fmt.Errorf("loadgen setup: %w", err)
	}
	return f, nil
}

// firstError is the first error that is not a cancellation caused by another.
func firstError(errs []error) error {
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}
