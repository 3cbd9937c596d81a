package safehttp

import (
	"net"
	"net/http"
	"time"
)

// Policy says what a client may reach.
type Policy struct {
	// AllowInternal lets requests reach internal addresses (loopback,
	// private networks): for development and tests only.
	AllowInternal bool
	// Timeout bounds a whole request, answer included (0: 30 s).
	Timeout time.Duration
}

// NewClient returns the HTTP client for requests to outsiders' addresses:
// the dialer refuses internal addresses (unless the policy allows them),
// redirects are not followed, no proxy is used, and every step has a
// timeout.
func NewClient(p Policy) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !p.AllowInternal {
		d.Control = control
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                  nil,
			DialContext:            d.DialContext,
			TLSHandshakeTimeout:    10 * time.Second,
			ResponseHeaderTimeout:  20 * time.Second,
			MaxIdleConnsPerHost:    4,
			IdleConnTimeout:        90 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
			ForceAttemptHTTP2:      true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return ErrRedirect },
	}
}
