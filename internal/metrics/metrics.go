package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one node's registry and the metrics the app reports into.
type Metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	jobRuns      *prometheus.CounterVec
	jobDuration  *prometheus.HistogramVec
	rateLimited  *prometheus.CounterVec
	batchSize    prometheus.Histogram
	batchLatency prometheus.Histogram
}

// New returns a registry with the Go runtime's and the process's collectors
// and Parley's own metrics.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parley_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "parley_http_request_duration_seconds",
		Help:    "Time from a request's headers to the end of its answer, by route pattern and method.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parley_job_runs_total",
		Help: "Outbox job runs on this node, by kind and outcome (done, retry, failed).",
	}, []string{"kind", "outcome"})
	m.jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "parley_job_run_duration_seconds",
		Help:    "How long a job's handler ran, by kind.",
		Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
	}, []string{"kind"})
	m.rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parley_rate_limited_total",
		Help: "Requests refused with 429 rate_limited, by the limit that refused them.",
	}, []string{"limit"})
	m.batchSize = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "parley_write_batch_size",
		Help:    "Write requests committed together by the group-commit writer, per transaction.",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
	})
	m.batchLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "parley_write_batch_duration_seconds",
		Help:    "Time a group-commit batch took from its first statement to its commit.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
	})
	m.reg.MustRegister(m.requests, m.duration, m.jobRuns, m.jobDuration, m.rateLimited, m.batchSize, m.batchLatency)
	return m
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Register adds a collector of a part's own (queue depths read at scrape
// time, say).
func (m *Metrics) Register(c prometheus.Collector) { m.reg.MustRegister(c) }

// GaugeFunc adds a gauge whose value fn reads at each scrape.
func (m *Metrics) GaugeFunc(name, help string, fn func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
}

// CounterFunc adds a counter whose value fn reads at each scrape (a count
// a part already keeps, such as sockets cut off for overflowing).
func (m *Metrics) CounterFunc(name, help string, fn func() float64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
}

// JobRan records one run of a job: outcome is done, retry or failed.
func (m *Metrics) JobRan(kind, outcome string, took time.Duration) {
	m.jobRuns.WithLabelValues(kind, outcome).Inc()
	m.jobDuration.WithLabelValues(kind).Observe(took.Seconds())
}

// RateLimited records a refusal by the named limit.
func (m *Metrics) RateLimited(limit string) { m.rateLimited.WithLabelValues(limit).Inc() }

// Batch records a committed group-commit batch of n requests.
func (m *Metrics) Batch(n int, took time.Duration) {
	m.batchSize.Observe(float64(n))
	m.batchLatency.Observe(took.Seconds())
}

// routeKey holds the *string a handler deeper in the chain names its route
// pattern into: the API's route table knows its patterns, the outer mux only
// "/api/".
type routeKey struct{}

// SetRoute names the route pattern of the request being served (a handler
// that knows it better than the outer mux calls it). It does nothing
// outside the middleware.
func SetRoute(ctx context.Context, pattern string) {
	if p, ok := ctx.Value(routeKey{}).(*string); ok {
		*p = pattern
	}
}

// Middleware counts and times every request by route pattern (what
// SetRoute named, else the pattern the mux matched, else "unmatched": never
// the raw path, whose ids would make a series per conversation).
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var route string
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, &route))
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if route == "" {
			route = r.Pattern
		}
		if route == "" {
			route = "unmatched"
		}
		code := rec.code
		switch {
		case rec.hijacked:
			code = http.StatusSwitchingProtocols
		case code == 0:
			code = http.StatusOK
		}
		method := r.Method
		switch method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		default:
			method = "other" // the method is the client's: bound the series
		}
		m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
		m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	})
}

// BatchHook returns the store's OnBatch callback (nil for a nil Metrics,
// so that a node without metrics pays nothing).
func (m *Metrics) BatchHook() func(int, time.Duration) {
	if m == nil {
		return nil
	}
	return m.Batch
}

// JobHook returns the job runner's OnRun callback (nil for a nil Metrics).
func (m *Metrics) JobHook() func(string, string, time.Duration) {
	if m == nil {
		return nil
	}
	return m.JobRan
}

// RefusalHook returns the rate limiter's OnRefused callback (nil for a nil
// Metrics).
func (m *Metrics) RefusalHook() func(string) {
	if m == nil {
		return nil
	}
	return m.RateLimited
}
