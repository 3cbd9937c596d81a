package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/catalog"
)

// Password is the password of every demo account.
const Password = "parley-demo"

// Account is a demo sign-in.
type Account struct {
	Email string
	Name  string
	Role  string
}

type person struct {
	email, name, role string
	operator          bool
}

var people = []person{
	{"anna@demo.parley", "Anna Bianchi", "buyer", false},
	{"marko@demo.parley", "Marko Petrović", "buyer", false},
	{"giulia@demo.parley", "Giulia Rossi", "owner of Bottega Rossi", false},
	{"luca@demo.parley", "Luca Verdi", "sales manager of Bottega Rossi", false},
	{"nikos@demo.parley", "Nikos Papadopoulos", "owner of Aegean Studio", false},
	{"elena@demo.parley", "Elena Sokolova", "owner of Sokol Tools", false},
	{"ops@demo.parley", "Olivia Operator", "marketplace operator", true},
}

type company struct {
	id, name, email string
	members         []catalog.Member
}

var companies = []company{
	{"bottega-rossi", "Bottega Rossi", "orders@bottega-rossi.example", []catalog.Member{
		{User: "local:giulia@demo.parley", Role: parley.RoleOwner}, {User: "local:luca@demo.parley", Role: parley.RoleSalesManager}}},
	{"aegean-studio", "Aegean Studio", "hello@aegean-studio.example", []catalog.Member{{User: "local:nikos@demo.parley", Role: parley.RoleOwner}}},
	{"sokol-tools", "Sokol Tools", "sales@sokol-tools.example", []catalog.Member{{User: "local:elena@demo.parley", Role: parley.RoleOwner}}},
}

var products = map[string]catalog.ProductInput{
	"oak-table": {Seller: "bottega-rossi", Kind: "product", Title: "Tavolo in rovere massello", Code: "BR-T-180",
		Tags: []string{"table", "oak", "tavolo"}, Category: []string{"Home", "Furniture", "Tables"},
		Price: parley.Money{Amount: "1250.00", Currency: "EUR", Unit: "piece"}},
	"walnut-chair": {Seller: "bottega-rossi", Kind: "product", Title: "Sedia in noce", Code: "BR-C-45",
		Tags: []string{"chair", "walnut", "sedia"}, Category: []string{"Home", "Furniture", "Chairs"},
		Price: parley.Money{Amount: "320.00", Currency: "EUR", Unit: "piece"}},
	"interior-design": {Seller: "aegean-studio", Kind: "service", Title: "Σχεδιασμός εσωτερικών χώρων (interior design)", Code: "AS-ID",
		Tags: []string{"design", "interior"}, Category: []string{"Services", "Design", "Interior"},
		Price: parley.Money{Amount: "40.00", Currency: "EUR", Unit: "hour"}},
	"drill-set": {Seller: "sokol-tools", Kind: "product", Title: "Набор свёрл по металлу (drill set)", Code: "ST-D-19",
		Tags: []string{"drill", "metal", "tools"}, Category: []string{"Industry", "Tools", "Drilling"},
		Price: parley.Money{Amount: "59.90", Currency: "EUR", Unit: "set"}},
}

// Seed fills the default marketplace with the demo data and returns the
// accounts to sign in as.
func Seed(ctx context.Context, a *app.App) ([]Account, error) {
	mid := a.Marketplace.ID
	var accounts []Account
	for _, p := range people {
		if _, err := a.Identity.CreateLocalUser(ctx, mid, p.email, p.name, Password, p.operator); err != nil {
			return nil, fmt.Errorf("user %s: %w", p.email, err)
		}
		accounts = append(accounts, Account{Email: p.email, Name: p.name, Role: p.role})
	}
	for _, c := range companies {
		if _, err := a.Catalog.UpsertOrganization(ctx, mid, c.id, catalog.OrganizationInput{Name: c.name, Kind: parley.OrgSeller,
			Email: c.email, Members: c.members}); err != nil {
			return nil, fmt.Errorf("company %s: %w", c.id, err)
		}
	}
	for id, p := range products {
		p.URL = a.Config.BaseURL + "/demo/products/" + id
		if _, err := a.Catalog.UpsertProduct(ctx, mid, id, p); err != nil {
			return nil, fmt.Errorf("product %s: %w", id, err)
		}
	}
	placed := time.Now().Add(-72 * time.Hour)
	if _, err := a.Catalog.UpsertOrder(ctx, mid, "ORD-1001", catalog.OrderInput{Buyer: "local:anna@demo.parley", Seller: "bottega-rossi",
		Status: "completed", PlacedAt: &placed,
		Items: []parley.OrderItem{{Product: "walnut-chair", Title: "Sedia in noce", Quantity: 4, Price: "320.00"}}}); err != nil {
		return nil, fmt.Errorf("order: %w", err)
	}
	return accounts, nil
}

// PrintAccounts lists the demo sign-ins.
func PrintAccounts(w io.Writer, baseURL string, accounts []Account) {
	fmt.Fprintf(w, "\nParley demo marketplace at %s\nSign in with any of these (password %q):\n", baseURL, Password)
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-22s %-22s %s\n", a.Email, a.Name, a.Role)
	}
	fmt.Fprintln(w)
}
