package loadgen

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"
)

// Result is what a run measured. Latencies are of acknowledged sends only.
type Result struct {
	Senders       int            `json:"senders"`
	Conversations int            `json:"conversations"`
	Sent          int64          `json:"sent"`                // acknowledged (2xx)
	Errors        int64          `json:"errors"`              // everything else
	ErrorsBy      map[string]int `json:"errors_by,omitempty"` // HTTP status, or "transport"
	Elapsed       time.Duration  `json:"-"`
	ElapsedSec    float64        `json:"elapsed_s"`
	PerSecond     float64        `json:"per_second"`
	P50           time.Duration  `json:"-"`
	P95           time.Duration  `json:"-"`
	P99           time.Duration  `json:"-"`
	Max           time.Duration  `json:"-"`
	P50ms         float64        `json:"p50_ms"`
	P95ms         float64        `json:"p95_ms"`
	P99ms         float64        `json:"p99_ms"`
	MaxMs         float64        `json:"max_ms"`

	CPUSec     map[string]float64 `json:"cpu_s,omitempty"` // CPU time of the measured processes
	CPUPer1000 float64            `json:"cpu_s_per_1000_msgs,omitempty"`
}

// samples are one sender's measurements.
type samples struct {
	lat    []time.Duration
	errors map[string]int
	nerr   int64
}

func (s *samples) fail(key string) {
	if s.errors == nil {
		s.errors = map[string]int{}
	}
	s.errors[key]++
	s.nerr++
}

func statusKey(code int) string { return strconv.Itoa(code) }

// summarize merges the senders' samples; lat is sorted to read percentiles.
func summarize(all []*samples, elapsed time.Duration) Result {
	var r Result
	var lat []time.Duration
	for _, s := range all {
		lat = append(lat, s.lat...)
		r.Errors += s.nerr
		for k, n := range s.errors {
			if r.ErrorsBy == nil {
				r.ErrorsBy = map[string]int{}
			}
			r.ErrorsBy[k] += n
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r.Sent = int64(len(lat))
	r.Elapsed = elapsed
	r.ElapsedSec = elapsed.Seconds()
	if elapsed > 0 {
		r.PerSecond = float64(r.Sent) / elapsed.Seconds()
	}
	r.P50, r.P95, r.P99 = quantile(lat, 0.50), quantile(lat, 0.95), quantile(lat, 0.99)
	if len(lat) > 0 {
		r.Max = lat[len(lat)-1]
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	r.P50ms, r.P95ms, r.P99ms, r.MaxMs = ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max)
	return r
}

// quantile is the nearest-rank q-quantile of sorted samples.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

// Print writes a human summary.
func (r Result) Print(w io.Writer) {
	fmt.Fprintf(w, "senders %d, conversations %d, %.1fs\n", r.Senders, r.Conversations, r.Elapsed.Seconds())
	fmt.Fprintf(w, "acknowledged %d messages: %.0f msg/s\n", r.Sent, r.PerSecond)
	fmt.Fprintf(w, "latency p50 %s  p95 %s  p99 %s  max %s\n", round(r.P50), round(r.P95), round(r.P99), round(r.Max))
	if len(r.CPUSec) > 0 {
		printCPU(w, r.CPUSec, r.CPUPer1000)
	}
	if r.Errors == 0 {
		fmt.Fprintln(w, "errors 0")
		return
	}
	keys := make([]string, 0, len(r.ErrorsBy))
	for k := range r.ErrorsBy {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "errors %d:", r.Errors)
	for _, k := range keys {
		fmt.Fprintf(w, " %s×%d", k, r.ErrorsBy[k])
	}
	fmt.Fprintln(w)
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}
