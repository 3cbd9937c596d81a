package shop

import "strings"

// Person is someone the shop knows: a buyer, a seller's owner or manager, or
// the marketplace's operator.
//
// The shop's user id is "local:<email>", the external id Parley gives a local
// account (`parley user add`, the demo accounts). One id thus names the same
// person in the shop (JWT `sub`, host API pushes) and in Parley's own /login,
// so a demo account works in both.
type Person struct {
	ID       string
	Email    string
	Name     string
	Locale   string
	Role     string // what the sign-in page says about them
	Operator bool
}

// Seller is a seller company and its people.
type Seller struct {
	ID      string
	Name    string
	Email   string
	Country string
	Lang    string
	About   string
	Members []Member
}

// Member is a person's role in a seller company (owner or sales_manager).
type Member struct {
	User string `json:"user"`
	Role string `json:"role"`
}

// Category is a node of the category tree: an industry (no parent), an area,
// a category or a subcategory (the leaves products belong to).
type Category struct {
	ID     string
	Name   string
	Parent string
}

// Money is a price with the unit it is for (piece, hour, m², set...).
type Money struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	Unit     string `json:"unit,omitempty"`
}

// Product is a product or an hourly service of a seller.
type Product struct {
	ID          string
	Seller      string
	Kind        string // product or service
	Title       string
	Lang        string // language of the title and description
	Code        string
	Tags        []string
	Category    string // a leaf of the tree
	Price       Money
	Description string
	// Agents answer for this product (the seller's members otherwise): the
	// product page's availability is theirs.
	Agents []string
}

// Catalog is the shop's data with its indexes.
type Catalog struct {
	People     []Person
	Sellers    []Seller
	Categories []Category
	Products   []Product

	person   map[string]*Person
	seller   map[string]*Seller
	category map[string]*Category
	product  map[string]*Product
	search   map[string]string // product id → folded text searched
}

// DemoCatalog returns the demo marketplace's data.
func DemoCatalog() *Catalog {
	return newCatalog(demoPeople, demoSellers, demoCategories, demoProducts)
}

func newCatalog(people []Person, sellers []Seller, cats []Category, products []Product) *Catalog {
	c := &Catalog{People: people, Sellers: sellers, Categories: cats, Products: products,
		person: map[string]*Person{}, seller: map[string]*Seller{}, category: map[string]*Category{},
		product: map[string]*Product{}, search: map[string]string{}}
	for i := range c.People {
		c.person[c.People[i].ID] = &c.People[i]
	}
	for i := range c.Sellers {
		c.seller[c.Sellers[i].ID] = &c.Sellers[i]
	}
	for i := range c.Categories {
		c.category[c.Categories[i].ID] = &c.Categories[i]
	}
	for i := range c.Products {
		p := &c.Products[i]
		c.product[p.ID] = p
		parts := []string{p.Title, p.Code, strings.Join(p.Tags, " "), p.Description}
		if s := c.seller[p.Seller]; s != nil {
			parts = append(parts, s.Name)
		}
		for _, cat := range c.Path(p.Category) {
			parts = append(parts, cat.Name)
			for _, n := range categoryNames[cat.ID] {
				parts = append(parts, n)
			}
		}
		c.search[p.ID] = fold(strings.Join(parts, " "))
	}
	return c
}

// Person returns a person by id, or nil.
func (c *Catalog) Person(id string) *Person { return c.person[id] }

// Seller returns a seller by id, or nil.
func (c *Catalog) Seller(id string) *Seller { return c.seller[id] }

// Product returns a product by id, or nil.
func (c *Catalog) Product(id string) *Product { return c.product[id] }

// Category returns a category by id, or nil.
func (c *Catalog) Category(id string) *Category { return c.category[id] }

// Path is the chain from the industry down to the category.
func (c *Catalog) Path(id string) []*Category {
	var path []*Category
	for cat := c.category[id]; cat != nil && len(path) < 10; cat = c.category[cat.Parent] {
		path = append([]*Category{cat}, path...)
	}
	return path
}

// Children are the direct subcategories of id ("" for the industries).
func (c *Catalog) Children(id string) []*Category {
	var out []*Category
	for i := range c.Categories {
		if c.Categories[i].Parent == id {
			out = append(out, &c.Categories[i])
		}
	}
	return out
}

// InCategory lists the products in the category or below it.
func (c *Catalog) InCategory(id string) []*Product {
	var out []*Product
	for i := range c.Products {
		for _, cat := range c.Path(c.Products[i].Category) {
			if cat.ID == id {
				out = append(out, &c.Products[i])
				break
			}
		}
	}
	return out
}

// OfSeller lists a seller's products.
func (c *Catalog) OfSeller(id string) []*Product {
	var out []*Product
	for i := range c.Products {
		if c.Products[i].Seller == id {
			out = append(out, &c.Products[i])
		}
	}
	return out
}

// MemberOf returns the seller companies where the person is a member.
func (c *Catalog) MemberOf(personID string) []*Seller {
	var out []*Seller
	for i := range c.Sellers {
		for _, m := range c.Sellers[i].Members {
			if m.User == personID {
				out = append(out, &c.Sellers[i])
			}
		}
	}
	return out
}

// CategoryNames is the category path as names, the way Parley stores it.
func (c *Catalog) CategoryNames(id string) []string {
	var out []string
	for _, cat := range c.Path(id) {
		out = append(out, cat.Name)
	}
	return out
}
