package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// Address is the client's address as the limits count it: the
// connection's remote address, or, when that is a trusted proxy, the
// nearest address in X-Forwarded-For that is not a trusted proxy. An IPv6
// client is counted by its /64 (one subscriber's network: anyone holding one
// address holds them all).
func (l *Limiter) Address(r *http.Request) string {
	var proxies []netip.Prefix
	if l != nil {
		proxies = l.proxies
	}
	return addressKey(clientAddr(r, proxies))
}

func clientAddr(r *http.Request, proxies []netip.Prefix) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	addr = addr.Unmap()
	if !trusted(addr, proxies) {
		return addr
	}
	// The proxies append: the rightmost entry is what the last proxy saw.
	// Walk back over the trusted ones; the first other is the client.
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// Garbage in the header: go no further back than what a
			// trusted proxy vouched for.
			return addr
		}
		hop = hop.Unmap()
		if !trusted(hop, proxies) {
			return hop
		}
		addr = hop
	}
	return addr
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func addressKey(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// ParseProxies reads a comma-separated list of addresses and CIDR prefixes
// (10.0.0.0/8, 192.0.2.7, fd00::/8).
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q: want an address or a CIDR prefix", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q: want an address or a CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// AccountKey is the key of a sign-in account: the marketplace and the email
// as the sign-in looks it up (trimmed, in lower case).
func AccountKey(marketplaceID int64, email string) string {
	return strconv.FormatInt(marketplaceID, 10) + ":" + strings.ToLower(strings.TrimSpace(email))
}
