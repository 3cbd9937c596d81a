package outbox

import (
	"math/rand/v2"
	"time"
)

// Backoff bounds: the first retry waits about 10s, each next one twice as
// long, never more than an hour.
const (
	backoffBase = 10 * time.Second
	backoffMax  = time.Hour
)

// Backoff is the default delay before retrying a job whose attempt-th try
// failed: 10s·2^(attempt-1) capped at one hour, drawn at random from the upper
// half of that so that jobs failing together (a mail server down) do not
// retry together.
func Backoff(attempt int) time.Duration {
	d := backoffMax
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 20 {
		d = min(backoffBase<<(attempt-1), backoffMax)
	}
	half := d / 2
	return half + rand.N(half+1)
}
