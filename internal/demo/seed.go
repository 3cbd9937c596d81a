package demo

import (
	"context"
	"fmt"
	"io"

	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/shop"
)

// Password is the password of every demo account.
const Password = "parley-demo"

// Account is a demo sign-in.
type Account struct {
	ID       string // the external id, shared by Parley and the shop
	Email    string
	Name     string
	Role     string
	Operator bool
}

// Accounts lists the demo people, the same in Parley and in the shop.
func Accounts() []Account {
	var out []Account
	for _, p := range shop.DemoCatalog().People {
		out = append(out, Account{ID: p.ID, Email: p.Email, Name: p.Name, Role: p.Role, Operator: p.Operator})
	}
	return out
}

// CreateAccounts makes (or updates) the local accounts of the demo people
// with the demo password. It is idempotent.
func CreateAccounts(ctx context.Context, ids *identity.Service, marketplaceID int64) ([]Account, error) {
	accounts := Accounts()
	for _, a := range accounts {
		u, err := ids.CreateLocalUser(ctx, marketplaceID, a.Email, a.Name, Password, a.Operator)
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.Email, err)
		}
		if u.ExternalID != a.ID {
			return nil, fmt.Errorf("demo account %s: external id %q, the shop expects %q", a.Email, u.ExternalID, a.ID)
		}
	}
	return accounts, nil
}

// PrintAccounts lists the demo sign-ins.
func PrintAccounts(w io.Writer, baseURL string, accounts []Account) {
	fmt.Fprintf(w, "\nParley demo: the marketplace is at %s/shop/, Parley's back office at %s/login\n", baseURL, baseURL)
	fmt.Fprintf(w, "Sign in to the back office with any of these (password %q); the shop signs in with one click:\n", Password)
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-22s %-20s %s\n", a.Email, a.Name, a.Role)
	}
	fmt.Fprintln(w)
}
