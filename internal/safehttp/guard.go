package safehttp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// ErrBlocked is the error (wrapped) of a request to an internal address.
var ErrBlocked = errors.New("safehttp: internal address refused")

// ErrRedirect is the error (wrapped) of an answer that redirects: it is
// never followed.
var ErrRedirect = errors.New("safehttp: redirect not followed")

// blockedPrefixes are the ranges outside the public internet, beyond what
// netip.Addr's predicates name.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT (some clouds' metadata)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("::/96"),           // unspecified, IPv4-compatible
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// nat64 embeds an IPv4 address in its last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// Internal reports whether ip is an address a request from Parley must not
// reach unless allowed: loopback, private, link-local, multicast,
// unspecified and reserved ranges, in IPv4, IPv6 and IPv4-in-IPv6 forms.
func Internal(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	if nat64.Contains(ip) {
		b := ip.As16()
		return Internal(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || !ip.IsValid() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// control is the dialer's check of the resolved address it connects to.
func control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlocked, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || Internal(ip) {
		return fmt.Errorf("%w: %s", ErrBlocked, host)
	}
	return nil
}

// CheckURL validates an address to send requests to, as far as can be told
// without resolving it: an http(s) URL with a host and no user name, and,
// unless allowInternal, no literal internal address or localhost name.
// Its error is safe to show.
func CheckURL(raw string, allowInternal bool) error {
	u, err := url.Parse(raw)
	if err != nil || !WebURL(raw) {
		return errors.New("must be an http(s) URL")
	}
	if u.User != nil {
		return errors.New("must not carry a user name or password")
	}
	if allowInternal {
		return nil
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return errors.New("must not name an internal address")
	}
	if ip, err := netip.ParseAddr(host); err == nil && Internal(ip) {
		return errors.New("must not name an internal address")
	}
	return nil
}

// WebURL reports whether raw is an absolute http or https URL with a host
// and no control characters or spaces: what Parley accepts wherever it
// stores a URL that a page may render as a link (never javascript:,
// data:, vbscript:).
func WebURL(raw string) bool {
	for _, r := range raw {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}
