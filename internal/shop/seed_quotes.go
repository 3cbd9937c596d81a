package shop

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

type formField = map[string]any

func step(title string, fields ...formField) map[string]any {
	return map[string]any{"title": title, "fields": fields}
}

func field(name, typ, label string, required bool, extra ...any) formField {
	f := formField{"name": name, "type": typ, "label": label, "required": required}
	for i := 0; i+1 < len(extra); i += 2 {
		f[extra[i].(string)] = extra[i+1]
	}
	return f
}

// quoteForms are the shop's quote forms, by category path (names, as the
// shop pushes its products' categories); a category's form applies to its
// subcategories.
var quoteForms = map[string][]map[string]any{
	"Professional services": {
		step("Your project",
			field("summary", "textarea", "What do you need?", true, "help", "A few lines: the place, the goal, what exists already."),
			field("start", "date", "Earliest start", false)),
		step("Scope",
			field("size", "select", "Size", true, "options", []string{"Small (a day or less)", "Medium (up to a week)", "Large (more than a week)"}),
			field("on_site", "boolean", "Work on site", false)),
	},
	"Professional services/Design/Interior design": {
		step("The space",
			field("rooms", "number", "Number of rooms", true, "min", 1, "max", 50),
			field("area", "number", "Floor area (m²)", false, "min", 1, "max", 5000),
			field("style", "select", "Style", false, "options", []string{"Modern", "Mediterranean", "Classic", "Not sure yet"})),
		step("Timing",
			field("deadline", "date", "Needed by", false),
			field("site_visit", "boolean", "Visit the site", false)),
	},
	"Home & Living/Ceramics/Tiles": {
		step("The surface",
			field("area", "number", "Area to tile (m²)", true, "min", 1, "max", 2000),
			field("use", "select", "Where", true, "options", []string{"Kitchen", "Bathroom", "Floor", "Outdoor"}),
			field("delivery_by", "date", "Delivery by", false)),
	},
}

// quoteParameters are the pricing parameters the shop lets sellers apply.
var quoteParameters = []map[string]string{
	{"name": "urgent", "label": "Urgent (within 3 days)", "kind": "percent", "value": "20"},
	{"name": "weekend", "label": "Weekend work", "kind": "percent", "value": "15"},
	{"name": "travel", "label": "Travel", "kind": "fixed", "value": "35.00"},
	{"name": "returning", "label": "Returning customer", "kind": "percent", "value": "-5"},
}

// seedQuotes pushes the shop's quote forms, pricing parameters and cart
// URL (where a buyer lands after confirming a quote's link). The services
// sold by the hour get their category's form; nothing here is per product.
func (s *Shop) seedQuotes(ctx context.Context) error {
	for path, steps := range quoteForms {
		segs := strings.Split(path, "/")
		for i := range segs {
			segs[i] = url.PathEscape(segs[i])
		}
		if err := s.client.host(ctx, http.MethodPut, "quote-forms/"+strings.Join(segs, "%2F"), map[string]any{"locale": "en", "steps": translated(steps)}, nil); err != nil {
			return err
		}
	}
	return s.client.host(ctx, http.MethodPut, "quote-settings", map[string]any{"cart_url": s.cfg.PublicURL + "/shop/cart",
		"parameters": quoteParameters}, nil)
}
