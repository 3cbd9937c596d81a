package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleyhq/parley/internal/store"
)

// ServeMetrics listens on the metrics address and serves /metrics there:
// the node's sockets and job queues are registered first, read at each
// scrape.
func (a *App) ServeMetrics() error {
	a.Metrics.GaugeFunc("parley_ws_sockets", "WebSockets open on this node.", func() float64 { return float64(a.Hub.Sockets()) })
	a.Metrics.CounterFunc("parley_ws_overflows_total", "Sockets cut off with resync because their queue overflowed.", func() float64 { return float64(a.Hub.Overflows()) })
	a.Metrics.Register(&jobDepths{db: a.DB, desc: prometheus.NewDesc("parley_jobs",
		"Outbox jobs in the whole database by kind and state (queued, running, failed): the queue depths.", []string{"kind", "state"}, nil)})
	ln, err := net.Listen("tcp", a.Config.MetricsAddr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	a.metricsAddr = ln.Addr().String()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("metrics server", "err", err)
		}
	}()
	a.metricsServer = srv
	return nil
}

// MetricsAddr is the address /metrics listens on once Serve runs ("" when
// metrics are off), for tests that ask for port 0.
func (a *App) MetricsAddr() string { return a.metricsAddr }

// jobDepths reads the queue depths from the database at each scrape, with
// a short time limit (a slow database must not hang the scrape).
type jobDepths struct {
	db   *store.DB
	desc *prometheus.Desc
}

func (j *jobDepths) Describe(ch chan<- *prometheus.Desc) { ch <- j.desc }

func (j *jobDepths) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	depths, err := store.JobDepths(j.db.Reader(ctx))
	if err != nil {
		ch <- prometheus.NewInvalidMetric(j.desc, err)
		return
	}
	for _, d := range depths {
		ch <- prometheus.MustNewConstMetric(j.desc, prometheus.GaugeValue, float64(d.Count), d.Kind, d.State)
	}
}
