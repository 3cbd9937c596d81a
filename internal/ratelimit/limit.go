package ratelimit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limit is a token bucket: Count events at once, refilled evenly over Per
// (30/15s: a burst of 30, then 2 per second). The zero Limit means "the
// default"; Off switches a limit off.
type Limit struct {
	Count int
	Per   time.Duration
}

// Off is the Limit that allows everything.
var Off = Limit{Count: -1}

// IsOff reports whether the limit allows everything.
func (l Limit) IsOff() bool { return l.Count < 0 }

// IsZero reports whether the limit is unset (the default applies).
func (l Limit) IsZero() bool { return l.Count == 0 && l.Per == 0 }

// interval is the time one token takes to come back.
func (l Limit) interval() time.Duration { return l.Per / time.Duration(l.Count) }

// String writes the limit as ParseLimit reads it.
func (l Limit) String() string {
	switch {
	case l.IsOff():
		return "off"
	case l.IsZero():
		return ""
	}
	return strconv.Itoa(l.Count) + "/" + l.Per.String()
}

// Set parses s into the limit (flag.Value).
func (l *Limit) Set(s string) error {
	v, err := ParseLimit(s)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// ParseLimit reads "COUNT/PERIOD" (10/1m, 30/15s, 5/15m; a bare unit means
// one of it: 2/s) or "off".
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if s == "off" {
		return Off, nil
	}
	count, per, ok := strings.Cut(s, "/")
	if !ok {
		return Limit{}, fmt.Errorf("want COUNT/PERIOD (like 10/1m) or off")
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 {
		return Limit{}, fmt.Errorf("count %q: want a positive whole number", count)
	}
	per = strings.TrimSpace(per)
	if per != "" && (per[0] < '0' || per[0] > '9') {
		per = "1" + per
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return Limit{}, fmt.Errorf("period %q: want a positive Go duration (1m, 15s)", per)
	}
	if d/time.Duration(n) <= 0 {
		return Limit{}, fmt.Errorf("%q: the period is too short for the count", s)
	}
	return Limit{Count: n, Per: d}, nil
}
