package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws/wsutil"
)

// IdleOptions configure an idle-socket memory run (RunIdle): Sockets
// sockets shared among Users signed-in buyers, opened and left idle (only a
// client ping every Ping), with the server's memory read before and after.
type IdleOptions struct {
	BaseURL   string
	APIKey    string
	SSOSecret string

	Sockets int // default 15000
	Users   int // default 100: several sockets per user keep the setup short

	// ServerPID is the server's process, for VmRSS and CPU time from /proc;
	// PprofURL (e.g. http://127.0.0.1:6060) is its --pprof-addr, for
	// runtime.MemStats and goroutines. Either may be zero.
	ServerPID int
	PprofURL  string
	// ProfileDir, when set, receives the server's heap profile and goroutine
	// profiles taken while the sockets are open.
	ProfileDir string

	Settle time.Duration // wait after the last socket before measuring; default 3s
	Hold   time.Duration // keep the sockets open this long after measuring
	Ping   time.Duration // default 30s, <0 none
	Log    io.Writer
}

// MemSnapshot is the server's memory at one point (after a forced GC when
// read through pprof).
type MemSnapshot struct {
	RSS        uint64 `json:"rss"`
	HeapInuse  uint64 `json:"heap_inuse"`
	HeapAlloc  uint64 `json:"heap_alloc"`
	StackInuse uint64 `json:"stack_inuse"`
	Sys        uint64 `json:"sys"`
	Goroutines int    `json:"goroutines"`
}

// IdleResult is what an idle run measured. Per-socket figures are the
// deltas between Before and Open divided by Sockets.
type IdleResult struct {
	Sockets int     `json:"sockets"`
	Users   int     `json:"users"`
	DialSec float64 `json:"dial_s"`

	Before      MemSnapshot `json:"before"`
	Open        MemSnapshot `json:"open"`
	AfterClose  MemSnapshot `json:"after_close"`
	RSSPerSock  float64     `json:"rss_per_socket"`        // bytes
	HeapStackPS float64     `json:"heap_stack_per_socket"` // HeapInuse+StackInuse, bytes
	SysPerSock  float64     `json:"sys_per_socket"`
	Goroutines  float64     `json:"goroutines_per_socket"`
	// IdleCPU is the server's CPU (percent of one core) while the sockets
	// sat idle for Settle.
	IdleCPU float64          `json:"idle_cpu_pct"`
	Closes  map[string]int64 `json:"closes,omitempty"` // sockets the server ended while open
	Frames  int64            `json:"frames"`           // frames the idle sockets received (pongs)
}

// RunIdle opens the idle sockets and measures the server's memory.
func RunIdle(ctx context.Context, o IdleOptions) (IdleResult, error) {
	if o.BaseURL == "" || o.APIKey == "" || o.SSOSecret == "" {
		return IdleResult{}, errors.New("loadgen: BaseURL, APIKey and SSOSecret are required")
	}
	if o.Sockets <= 0 {
		o.Sockets = 15000
	}
	if o.Users <= 0 {
		o.Users = 100
	}
	o.Users = min(o.Users, o.Sockets)
	if o.Settle <= 0 {
		o.Settle = 3 * time.Second
	}
	if o.Ping == 0 {
		o.Ping = 30 * time.Second
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	o.PprofURL = strings.TrimRight(o.PprofURL, "/")
	fo := Options{BaseURL: strings.TrimRight(o.BaseURL, "/"), APIKey: o.APIKey, SSOSecret: o.SSOSecret, Senders: 16,
		Conversations: o.Users, Client: NewClient(16), Log: o.Log}
	t0 := time.Now()
	f, err := setup(ctx, &fo)
	if err != nil {
		return IdleResult{}, err
	}
	fmt.Fprintf(o.Log, "loadgen: run %s: %d users ready in %s\n", f.run, o.Users, time.Since(t0).Round(time.Millisecond))
	r := IdleResult{Sockets: o.Sockets, Users: o.Users}
	fo.Client.CloseIdleConnections()
	time.Sleep(500 * time.Millisecond)
	if r.Before, err = o.snapshot(ctx); err != nil {
		return r, err
	}

	tokens := make([]string, o.Sockets)
	for i := range tokens {
		tokens[i] = f.buyerTokens[i%o.Users]
	}
	t1 := time.Now()
	clients, err := dialAll(ctx, wsURL(fo.BaseURL), tokens, 64, o.Log)
	if err != nil {
		return r, err
	}
	r.DialSec = time.Since(t1).Seconds()
	fmt.Fprintf(o.Log, "loadgen: %d sockets open in %.1fs\n", len(clients), r.DialSec)

	var stopping atomic.Bool
	var frames atomic.Int64
	closes := map[string]int64{}
	var closesMu sync.Mutex
	var readers sync.WaitGroup
	for _, c := range clients {
		readers.Go(func() {
			for {
				_, _, err := wsutil.ReadServerData(c)
				if err != nil {
					if !stopping.Load() {
						closesMu.Lock()
						closes[closeCode(err)]++
						closesMu.Unlock()
					}
					return
				}
				frames.Add(1)
			}
		})
	}
	pctx, stopPing := context.WithCancel(ctx)
	go pinger(pctx, clients, o.Ping)
	cpu0, _ := cpuTime(o.ServerPID)
	w0 := time.Now()
	select {
	case <-time.After(o.Settle):
	case <-ctx.Done():
	}
	if cpu1, err := cpuTime(o.ServerPID); err == nil && o.ServerPID > 0 {
		r.IdleCPU = 100 * (cpu1 - cpu0).Seconds() / time.Since(w0).Seconds()
	}
	r.Open, err = o.snapshot(ctx)
	if err == nil && o.ProfileDir != "" {
		err = o.saveProfiles(ctx)
	}
	if err == nil && o.Hold > 0 {
		fmt.Fprintf(o.Log, "loadgen: holding %d sockets for %s\n", len(clients), o.Hold)
		select {
		case <-time.After(o.Hold):
		case <-ctx.Done():
		}
	}
	stopPing()
	stopping.Store(true)
	for _, c := range clients {
		c.closeNow()
	}
	readers.Wait()
	if err != nil {
		return r, err
	}
	n := float64(o.Sockets)
	r.RSSPerSock = (float64(r.Open.RSS) - float64(r.Before.RSS)) / n
	r.HeapStackPS = (float64(r.Open.HeapInuse+r.Open.StackInuse) - float64(r.Before.HeapInuse+r.Before.StackInuse)) / n
	r.SysPerSock = (float64(r.Open.Sys) - float64(r.Before.Sys)) / n
	r.Goroutines = float64(r.Open.Goroutines-r.Before.Goroutines) / n
	if len(closes) > 0 {
		r.Closes = closes
	}
	r.Frames = frames.Load()
	// The server lets go of closed sockets: goroutines back near the start.
	time.Sleep(time.Second)
	r.AfterClose, err = o.snapshot(ctx)
	return r, err
}

// snapshot reads the server's RSS and, through pprof (forcing a GC first),
// its MemStats and goroutine count.
func (o *IdleOptions) snapshot(ctx context.Context) (MemSnapshot, error) {
	var m MemSnapshot
	if o.ServerPID > 0 {
		rss, err := procRSS(o.ServerPID)
		if err != nil {
			return m, err
		}
		m.RSS = rss
	}
	if o.PprofURL == "" {
		return m, nil
	}
	body, err := httpGet(ctx, o.PprofURL+"/debug/pprof/heap?debug=1&gc=1")
	if err != nil {
		return m, err
	}
	st := memStats(body)
	m.HeapInuse, m.HeapAlloc, m.StackInuse, m.Sys = st["HeapInuse"], st["HeapAlloc"], st["Stack"], st["Sys"]
	if m.Sys == 0 {
		return m, fmt.Errorf("loadgen: no runtime.MemStats in %s/debug/pprof/heap?debug=1", o.PprofURL)
	}
	// RSS again after the GC the heap profile forced, so both are read at
	// the same point.
	if o.ServerPID > 0 {
		if rss, err := procRSS(o.ServerPID); err == nil {
			m.RSS = rss
		}
	}
	g, err := httpGet(ctx, o.PprofURL+"/debug/pprof/goroutine?debug=1")
	if err != nil {
		return m, err
	}
	// "goroutine profile: total N"
	line, _, _ := bytes.Cut(g, []byte("\n"))
	if _, n, ok := bytes.Cut(line, []byte("total ")); ok {
		m.Goroutines, _ = strconv.Atoi(string(bytes.TrimSpace(n)))
	}
	return m, nil
}

func (o *IdleOptions) saveProfiles(ctx context.Context) error {
	if o.PprofURL == "" {
		return nil
	}
	if err := os.MkdirAll(o.ProfileDir, 0o755); err != nil {
		return err
	}
	for name, path := range map[string]string{
		"heap.pb.gz":      "/debug/pprof/heap?gc=1",
		"heap.txt":        "/debug/pprof/heap?debug=1",
		"goroutine.txt":   "/debug/pprof/goroutine?debug=1",
		"goroutine.pb.gz": "/debug/pprof/goroutine",
	} {
		b, err := httpGet(ctx, o.PprofURL+path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(o.ProfileDir, name), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(o.Log, "loadgen: profiles of the server with the sockets open in %s\n", o.ProfileDir)
	return nil
}

func httpGet(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return b, err
}

// memStats reads the "# Name = value" lines that /debug/pprof/heap?debug=1
// ends with; of "# Stack = inuse / sys" (StackInuse, StackSys) and the like
// it keeps the first number.
func memStats(b []byte) map[string]uint64 {
	out := map[string]uint64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "# ") {
			continue
		}
		k, v, ok := strings.Cut(line[2:], " = ")
		if !ok || strings.ContainsAny(k, " ") {
			continue
		}
		v, _, _ = strings.Cut(v, " / ")
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
			out[k] = n
		}
	}
	return out
}

// procRSS is VmRSS of a process, in bytes.
func procRSS(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// cpuTime is a process's user+system CPU time from /proc/<pid>/stat
// (clock ticks of 10 ms).
func cpuTime(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, errors.New("no pid")
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("bad /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("bad /proc stat")
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond, nil
}

// Print writes a human summary.
func (r IdleResult) Print(w io.Writer) {
	mib := func(b uint64) float64 { return float64(b) / (1 << 20) }
	fmt.Fprintf(w, "idle sockets %d (%d users), opened in %.1fs\n", r.Sockets, r.Users, r.DialSec)
	fmt.Fprintf(w, "            %10s %10s %10s %10s %10s\n", "RSS", "HeapInuse", "StackInuse", "Sys", "goroutines")
	for _, s := range []struct {
		name string
		m    MemSnapshot
	}{{"before", r.Before}, {"open", r.Open}, {"after close", r.AfterClose}} {
		fmt.Fprintf(w, "%-11s %8.1f M %8.1f M %8.1f M %8.1f M %10d\n", s.name, mib(s.m.RSS), mib(s.m.HeapInuse), mib(s.m.StackInuse), mib(s.m.Sys), s.m.Goroutines)
	}
	fmt.Fprintf(w, "per idle socket: RSS %.1f KiB, heap+stack %.1f KiB, Sys %.1f KiB, %.2f goroutines\n",
		r.RSSPerSock/1024, r.HeapStackPS/1024, r.SysPerSock/1024, r.Goroutines)
	fmt.Fprintf(w, "server CPU while idle: %.1f %% of a core; frames received %d; closed by the server %d %v\n", r.IdleCPU, r.Frames, sumCounts(r.Closes), r.Closes)
}
