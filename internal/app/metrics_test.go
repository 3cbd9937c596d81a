package app_test

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/ratelimit"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// scrape reads the node's /metrics into a map from series (name with its
// labels, as printed) to value.
func scrape(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("scrape status = %d", res.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// TestMetrics: with --metrics-addr, /metrics on its own address counts
// requests by route pattern (not by path, whose ids would make a series
// each), status and method, open sockets, job runs and the queue's depth,
// and the group commit's batches; the public address does not serve it.
func TestMetrics(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { testMetrics(t, d) })
	}
}

func testMetrics(t *testing.T, d store.Dialect) {
	{
		url := ""
		if d == store.Postgres {
			url = storetest.NewSchema(t)
		}
		e := startConfigured(t, func(c *app.Config) {
			c.DatabaseURL = url
			c.MetricsAddr = "127.0.0.1:0"
			c.RateLimits = ratelimit.Settings{}
		})
		if err := e.app.ServeMetrics(); err != nil {
			t.Fatal(err)
		}
		w := e.seed()
		st := e.must(201, "POST", "/api/v1/conversations", w.buyer, map[string]any{"kind": "chat", "product": "p1", "message": msg("m-1", "hello")})
		id := st["conversation"].(map[string]any)["id"].(string)
		e.must(201, "POST", "/api/v1/conversations/"+id+"/messages", w.owner, msg("m-2", "hi"))
		e.call("GET", "/api/v1/conversations/nope", w.buyer, nil)
		// Six wrong passwords for one account: the sixth is over its limit.
		for i := 0; i < 6; i++ {
			e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "nobody@example.com", "password": "wrong-password"})
		}
		e.mustDial(t, w.owner, "")
		// The new conversation mails the seller's owner: a job runs (its
		// run is counted once its handler returns).
		const jobRun = `parley_job_runs_total{kind="mail.new_conversation",outcome="done"}`
		waitFor(t, "the mail job's run counted", func() bool { return scrape(t, e.app.MetricsAddr())[jobRun] >= 1 })

		m := scrape(t, e.app.MetricsAddr())
		for series, want := range map[string]float64{
			`parley_http_requests_total{code="201",method="POST",route="/api/v1/conversations/{id}/messages"}`: 1,
			`parley_http_requests_total{code="201",method="POST",route="/api/v1/conversations"}`:               1,
			`parley_http_requests_total{code="404",method="GET",route="/api/v1/conversations/{id}"}`:           1,
			`parley_http_requests_total{code="101",method="GET",route="/api/v1/ws"}`:                           1,
			`parley_ws_sockets`: 1,
			`parley_rate_limited_total{limit="signin_account"}`:                               1,
			`parley_http_requests_total{code="429",method="POST",route="/api/v1/auth/login"}`: 1,
		} {
			if got := m[series]; got != want {
				t.Errorf("%s = %v, want %v", series, got, want)
			}
		}
		for _, series := range []string{
			`parley_write_batch_size_count`,
			`parley_http_request_duration_seconds_count{method="POST",route="/api/v1/conversations"}`,
			`process_resident_memory_bytes`,
		} {
			if m[series] < 1 {
				t.Errorf("%s = %v, want at least 1", series, m[series])
			}
		}
		found := false
		for series := range m {
			if strings.HasPrefix(series, "parley_jobs{") {
				found = true
			}
			if strings.Contains(series, `route="/api/v1/conversations/`+id) {
				t.Errorf("a series names a conversation's path: %s", series)
			}
		}
		if !found {
			t.Error("no parley_jobs queue depth series")
		}
		if r := e.call("GET", "/metrics", "", nil); r.Status == 200 {
			t.Error("the public address serves /metrics")
		}
	}
}
