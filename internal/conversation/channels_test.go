package conversation

import (
	"strings"
	"testing"
)

func TestValidMarketplaceSlug(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"ebay", true},
		{"ebay.it", true},
		{"mercado-libre_2", true},
		{"9marketplace", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"native", false}, // names this marketplace
		{"eBay", false},
		{"-ebay", false},
		{".ebay", false},
		{"e bay", false},
		{"ebay/it", false},
		{"ébay", false},
	}
	for _, tt := range tests {
		if got := ValidMarketplaceSlug(tt.in); got != tt.ok {
			t.Errorf("ValidMarketplaceSlug(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}
