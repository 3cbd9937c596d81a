package quote

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// Amounts are int64 counts of the currency's minor units (cents for EUR,
// yen for JPY); decimal strings exist only at the edges.

// scale is the number of decimals of a currency's minor unit (2 for EUR,
// 0 for JPY, 3 for KWD); unknown codes take 2.
func scale(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	s, _ := currency.Standard.Rounding(u)
	return s
}

const maxMinor = 1_000_000_000_000 // 10^12 minor units: ten billion euros

// parseDecimal reads a non-negative decimal string with at most digits
// decimals into an integer scaled by 10^digits ("12.5" at 2 → 1250).
func parseDecimal(s string, digits int) (int64, bool) {
	s = strings.TrimSpace(s)
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > digits || (hasDot && frac == "") {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
	}
	for range digits - len(frac) {
		f *= 10
	}
	n := w*pow10(digits) + f
	if n > maxMinor*100 {
		return 0, false
	}
	return n, true
}

// formatDecimal writes n, scaled by 10^digits, as a decimal string.
func formatDecimal(n int64, digits int) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	if digits == 0 {
		return sign + strconv.FormatInt(n, 10)
	}
	p := pow10(digits)
	return fmt.Sprintf("%s%d.%0*d", sign, n/p, digits, n%p)
}

// trimDecimal writes a quantity in hundredths without useless zeros ("6",
// "6.5", "6.25").
func trimDecimal(hundredths int64) string {
	s := formatDecimal(hundredths, 2)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// divRound divides, rounding half away from zero.
func divRound(a, b int64) int64 {
	if (a < 0) != (b < 0) {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}
