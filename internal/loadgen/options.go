package loadgen

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Options configure a run. BaseURL, APIKey and SSOSecret are required, and
// one of Duration or Messages.
type Options struct {
	BaseURL   string // e.g. http://127.0.0.1:8080
	APIKey    string // host API key (PARLEY_HOST_API_KEY)
	SSOSecret string // HS256 secret for sign-in JWTs (PARLEY_SSO_SECRET)

	Senders       int // concurrent senders; default 50
	Conversations int // default: one per sender (one per buyer/seller pair with SellerReplies)
	SellerReplies bool

	Duration time.Duration // measure for this long, or
	Messages int           // until this many sends were attempted
	Warmup   time.Duration // send, unmeasured, for this long first

	BodySize int // bytes of message text; default 64

	Client *http.Client // default: one client sized for Senders
	Log    io.Writer    // progress lines; nil means none

	// CPU: processes whose CPU time over the measured part the result
	// reports, with its sum per 1,000 acknowledged messages.
	CPU []CPUSource
}

func (o *Options) defaults() error {
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.BaseURL == "" || o.APIKey == "" || o.SSOSecret == "" {
		return errors.New("loadgen: BaseURL, APIKey and SSOSecret are required")
	}
	if o.Senders <= 0 {
		o.Senders = 50
	}
	if o.Conversations <= 0 {
		o.Conversations = o.Senders
		if o.SellerReplies {
			o.Conversations = (o.Senders + 1) / 2
		}
	}
	if o.Duration <= 0 && o.Messages <= 0 {
		return errors.New("loadgen: set Duration or Messages")
	}
	if o.Duration > 0 && o.Messages > 0 {
		return errors.New("loadgen: set Duration or Messages, not both")
	}
	if o.BodySize <= 0 {
		o.BodySize = 64
	}
	if o.BodySize > 10000 {
		return fmt.Errorf("loadgen: BodySize %d above the API's 10,000 characters", o.BodySize)
	}
	if o.Client == nil {
		o.Client = NewClient(o.Senders)
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return nil
}

// NewClient is an HTTP client that keeps a connection per sender alive.
func NewClient(senders int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = senders + 16
	t.MaxIdleConnsPerHost = senders + 16
	t.IdleConnTimeout = 90 * time.Second
	t.DisableCompression = true
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}
