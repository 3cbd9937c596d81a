package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws"
)

// SocketOptions configure a delivery run (RunSockets): Sockets buyers each
// hold a socket (buyer i of conversation i mod Conversations), SellerSockets
// more sockets belong to the seller of every conversation, and Senders post
// messages through the HTTP API at a paced total Rate (open loop: a send is
// started at its scheduled time whether or not earlier ones were answered).
// Message k goes to conversation k mod Conversations, written by its buyer,
// so it must reach exactly that buyer's sockets (the author's devices
// included) and every seller socket. Each receiving socket matches the
// message's client_id to the time the send started.
type SocketOptions struct {
	BaseURL   string
	APIKey    string
	SSOSecret string

	Sockets       int     // buyer sockets; default 1000
	Conversations int     // buyers/conversations; default Sockets (one socket per buyer)
	SellerSockets int     // sockets of the seller (they hear every message)
	Senders       int     // concurrent HTTP senders; default 64
	Rate          float64 // messages per second, all senders together; default 2000

	Duration time.Duration // measured sending; default 20s
	Warmup   time.Duration // sending first, unmeasured
	Drain    time.Duration // how long to wait for the last deliveries; default 5s
	Ping     time.Duration // client pings, spread over the sockets; default 30s, <0 none

	BodySize int // default 64
	Log      io.Writer

	// CPU: processes whose CPU time over the measured part (sending after
	// the warm-up, until the last delivery) the result reports.
	CPU []CPUSource
}

func (o *SocketOptions) defaults() error {
	if o.BaseURL == "" || o.APIKey == "" || o.SSOSecret == "" {
		return errors.New("loadgen: BaseURL, APIKey and SSOSecret are required")
	}
	if o.Sockets <= 0 {
		o.Sockets = 1000
	}
	if o.Conversations <= 0 || o.Conversations > o.Sockets {
		o.Conversations = o.Sockets
	}
	if o.SellerSockets < 0 {
		o.SellerSockets = 0
	}
	if o.Senders <= 0 {
		o.Senders = 64
	}
	if o.Rate <= 0 {
		o.Rate = 2000
	}
	if o.Duration <= 0 {
		o.Duration = 20 * time.Second
	}
	if o.Drain <= 0 {
		o.Drain = 5 * time.Second
	}
	if o.Ping == 0 {
		o.Ping = 30 * time.Second
	}
	if o.BodySize <= 0 {
		o.BodySize = 64
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return nil
}

// SocketResult is what a delivery run measured. Latencies are from the
// start of the POST to the arrival of message.created on a socket, one
// sample per delivery of a measured (acknowledged) message.
type SocketResult struct {
	Sockets       int     `json:"sockets"` // buyer + seller sockets
	SellerSockets int     `json:"seller_sockets"`
	Conversations int     `json:"conversations"`
	Senders       int     `json:"senders"`
	TargetRate    float64 `json:"target_rate"`
	ElapsedSec    float64 `json:"elapsed_s"`

	Sent       int64          `json:"sent"` // acknowledged measured sends
	PerSecond  float64        `json:"per_second"`
	SendErrors int64          `json:"send_errors"`
	ErrorsBy   map[string]int `json:"send_errors_by,omitempty"`
	AckP50ms   float64        `json:"ack_p50_ms"` // HTTP answer time
	AckP99ms   float64        `json:"ack_p99_ms"`
	// AfterAck: arrival on a socket minus the arrival of the HTTP answer
	// (negative when the socket was first): the fan-out's own delay.
	AfterAckP50ms float64          `json:"after_ack_p50_ms"`
	AfterAckP99ms float64          `json:"after_ack_p99_ms"`
	BeforeAck     float64          `json:"before_ack"` // share of deliveries that beat the answer
	LagP99ms      float64          `json:"lag_p99_ms"` // send start after its scheduled time
	LagMaxMs      float64          `json:"lag_max_ms"`
	Expected      int64            `json:"expected"`   // deliveries the sent messages owe
	Delivered     int64            `json:"delivered"`  // of those, arrived
	Duplicates    int64            `json:"duplicates"` // a socket got a message more often than owed
	Unexpected    int64            `json:"unexpected"` // message.created of no message of this run
	P50ms         float64          `json:"p50_ms"`
	P95ms         float64          `json:"p95_ms"`
	P99ms         float64          `json:"p99_ms"`
	MaxMs         float64          `json:"max_ms"`
	Frames        map[string]int64 `json:"frames"` // every server frame by type, warm-up included
	Resyncs       int64            `json:"resyncs"`
	Closes        map[string]int64 `json:"closes,omitempty"` // sockets the server ended, by close code

	// CPUSec is the CPU time of each measured process group in the measured
	// window; CPUPer1000 their sum per 1,000 acknowledged messages.
	CPUSec     map[string]float64 `json:"cpu_s,omitempty"`
	CPUPer1000 float64            `json:"cpu_s_per_1000_msgs,omitempty"`
	Nodes      int                `json:"nodes"`
}

// pendingMsg is one sent message waiting for its deliveries.
type pendingMsg struct {
	sent    time.Time
	want    int32 // sockets that must get it
	got     int32
	record  bool // measured, not warm-up
	acked   bool
	errored bool
	ackAt   time.Time   // when the HTTP answer was read
	at      []time.Time // arrivals, for the time after the answer
}

// deliveries matches message.created frames to sends.
type deliveries struct {
	mu         sync.Mutex
	m          map[string]*pendingMsg
	lat        []time.Duration
	duplicates int64
	unexpected int64
	owed       int64 // deliveries still missing of acknowledged messages
	owedCh     chan struct{}
}

func (d *deliveries) add(id string, p *pendingMsg) {
	d.mu.Lock()
	d.m[id] = p
	d.mu.Unlock()
}

func (d *deliveries) ack(p *pendingMsg, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !ok {
		p.errored = true
		return
	}
	p.acked = true
	p.ackAt = time.Now()
	d.owed += int64(max(p.want-p.got, 0))
	d.signal()
}

func (d *deliveries) delivered(id string, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.m[id]
	if p == nil {
		d.unexpected++
		return
	}
	p.got++
	if p.got > p.want {
		d.duplicates++
		return
	}
	if p.record {
		d.lat = append(d.lat, at.Sub(p.sent))
		p.at = append(p.at, at)
	}
	if p.acked {
		d.owed--
		d.signal()
	}
}

func (d *deliveries) signal() {
	if d.owed <= 0 {
		select {
		case d.owedCh <- struct{}{}:
		default:
		}
	}
}

// socketStats are one reader's counts.
type socketStats struct {
	frames map[string]int64
	closed string
}

// RunSockets sets up buyers and their conversations, opens the sockets,
// sends at the paced rate and measures send→deliver latency.
func RunSockets(ctx context.Context, o SocketOptions) (SocketResult, error) {
	if err := o.defaults(); err != nil {
		return SocketResult{}, err
	}
	t0 := time.Now()
	client := NewClient(o.Senders)
	// BaseURL may list several nodes, comma-separated: sockets and sends
	// are spread over them; setup goes through the first.
	var nodes []string
	for _, u := range strings.Split(o.BaseURL, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			nodes = append(nodes, u)
		}
	}
	if len(nodes) == 0 {
		return SocketResult{}, errors.New("loadgen: BaseURL is empty")
	}
	fo := Options{BaseURL: nodes[0], APIKey: o.APIKey, SSOSecret: o.SSOSecret, Senders: 16,
		Conversations: o.Conversations, Client: client, Log: o.Log}
	f, err := setup(ctx, &fo)
	if err != nil {
		return SocketResult{}, err
	}
	fmt.Fprintf(o.Log, "loadgen: run %s: %d conversations ready in %s\n", f.run, len(f.conversation), time.Since(t0).Round(time.Millisecond))

	// Sockets: buyer sockets first, then the seller's.
	tokens := make([]string, 0, o.Sockets+o.SellerSockets)
	perConv := make([]int32, o.Conversations)
	for i := range o.Sockets {
		tokens = append(tokens, f.buyerTokens[i%o.Conversations])
		perConv[i%o.Conversations]++
	}
	for range o.SellerSockets {
		tokens = append(tokens, f.sellerToken)
	}
	t1 := time.Now()
	var clients []*wsClient
	for n, node := range nodes {
		var mine []string
		for i := n; i < len(tokens); i += len(nodes) {
			mine = append(mine, tokens[i])
		}
		cs, err := dialAll(ctx, wsURL(node), mine, 64, o.Log)
		if err != nil {
			return SocketResult{}, err
		}
		clients = append(clients, cs...)
	}
	fmt.Fprintf(o.Log, "loadgen: %d sockets open in %s\n", len(clients), time.Since(t1).Round(time.Millisecond))

	d := &deliveries{m: make(map[string]*pendingMsg, int(o.Rate*(o.Duration+o.Warmup).Seconds())+16), owedCh: make(chan struct{}, 1)}
	var stopping atomic.Bool
	stats := make([]socketStats, len(clients))
	var readers sync.WaitGroup
	for i, c := range clients {
		st := &stats[i]
		st.frames = map[string]int64{}
		readers.Go(func() {
			fr := newFrameReader(c, 16<<10)
			for {
				data, op, err := fr.next()
				at := time.Now()
				if err != nil {
					if !stopping.Load() {
						st.closed = closeCode(err)
					}
					return
				}
				if op != ws.OpText {
					continue
				}
				typ := frameType(data)
				st.frames[typ]++
				if typ == "message.created" {
					d.delivered(clientIDOf(data), at)
				}
			}
		})
	}
	pctx, stopPing := context.WithCancel(ctx)
	defer stopPing()
	go pinger(pctx, clients, o.Ping)
	// A socket is registered with the hub just after its handshake answer:
	// give the last ones a moment.
	time.Sleep(200 * time.Millisecond)

	// Send.
	text := bytes.Repeat([]byte("x"), o.BodySize)
	copy(text, "socket load test message ")
	suffix := []byte(`","body":"` + string(text) + `"}`)
	interval := time.Duration(float64(time.Second) / o.Rate)
	total := int64((o.Warmup + o.Duration) / interval)
	warm := int64(o.Warmup / interval)
	if o.Warmup > 0 {
		fmt.Fprintf(o.Log, "loadgen: warming up for %s\n", o.Warmup)
	}
	fmt.Fprintf(o.Log, "loadgen: %d senders at %.0f msg/s for %s, %d sockets (%d seller)\n", o.Senders, o.Rate, o.Duration, len(clients), o.SellerSockets)
	type sendStats struct {
		ack, lag []time.Duration
		samples
	}
	ss := make([]*sendStats, o.Senders)
	start := time.Now().Add(10 * time.Millisecond)
	meter := &cpuMeter{srcs: o.CPU}
	if len(o.CPU) > 0 {
		warmEnd := time.AfterFunc(time.Until(start.Add(o.Warmup)), meter.begin)
		defer warmEnd.Stop()
	}
	var sendWG sync.WaitGroup
	for i := range o.Senders {
		s := &sendStats{}
		ss[i] = s
		sendWG.Go(func() {
			var buf []byte
			for k := int64(i); k < total && ctx.Err() == nil; k += int64(o.Senders) {
				at := start.Add(time.Duration(k) * interval)
				if w := time.Until(at); w > 0 {
					time.Sleep(w)
				}
				conv := int(k % int64(o.Conversations))
				id := f.run + "-k" + strconv.FormatInt(k, 10)
				p := &pendingMsg{want: perConv[conv] + int32(o.SellerSockets), record: k >= warm}
				buf = append(append(append(buf[:0], `{"client_id":"`...), id...), suffix...)
				req, err := http.NewRequestWithContext(ctx, http.MethodPost,
					nodes[k%int64(len(nodes))]+"/api/v1/conversations/"+f.conversation[conv]+"/messages", bytes.NewReader(buf))
				if err != nil {
					continue
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+f.buyerTokens[conv])
				p.sent = time.Now()
				d.add(id, p)
				resp, err := client.Do(req)
				code := 0
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
				}
				ok := err == nil && code/100 == 2
				d.ack(p, ok)
				if !p.record {
					continue
				}
				switch {
				case err != nil:
					if ctx.Err() == nil {
						s.fail("transport")
					}
				case !ok:
					s.fail(statusKey(code))
				default:
					s.ack = append(s.ack, time.Since(p.sent))
				}
				s.lag = append(s.lag, p.sent.Sub(at))
			}
		})
	}
	sendWG.Wait()
	elapsed := time.Since(start) - o.Warmup

	// Wait for what is still owed, up to Drain.
	drained := time.After(o.Drain)
wait:
	for {
		d.mu.Lock()
		owed := d.owed
		d.mu.Unlock()
		if owed <= 0 {
			break
		}
		select {
		case <-d.owedCh:
		case <-drained:
			break wait
		case <-ctx.Done():
			break wait
		}
	}
	cpu := meter.end()
	stopPing()
	stopping.Store(true)
	for _, c := range clients {
		c.closeNow()
	}
	readers.Wait()

	// Summarize.
	r := SocketResult{Sockets: len(clients), SellerSockets: o.SellerSockets, Conversations: o.Conversations,
		Senders: o.Senders, TargetRate: o.Rate, ElapsedSec: elapsed.Seconds(), Frames: map[string]int64{}, Nodes: len(nodes), CPUSec: cpu}
	var ack, lag []time.Duration
	for _, s := range ss {
		ack, lag = append(ack, s.ack...), append(lag, s.lag...)
		r.SendErrors += s.nerr
		for k, n := range s.errors {
			if r.ErrorsBy == nil {
				r.ErrorsBy = map[string]int{}
			}
			r.ErrorsBy[k] += n
		}
	}
	r.Sent = int64(len(ack))
	if r.Sent > 0 && len(cpu) > 0 {
		var sum float64
		for _, v := range cpu {
			sum += v
		}
		r.CPUPer1000 = sum / (float64(r.Sent) / 1000)
	}
	if elapsed > 0 {
		r.PerSecond = float64(r.Sent) / elapsed.Seconds()
	}
	sortDur(ack)
	sortDur(lag)
	r.AckP50ms, r.AckP99ms = ms(quantile(ack, 0.5)), ms(quantile(ack, 0.99))
	r.LagP99ms, r.LagMaxMs = ms(quantile(lag, 0.99)), ms(quantile(lag, 1))
	d.mu.Lock()
	var after []time.Duration
	for _, p := range d.m {
		if p.record && p.acked {
			r.Expected += int64(p.want)
			r.Delivered += int64(min(p.got, p.want))
			for _, at := range p.at {
				after = append(after, at.Sub(p.ackAt))
			}
		}
	}
	lat := d.lat
	r.Duplicates, r.Unexpected = d.duplicates, d.unexpected
	d.mu.Unlock()
	sortDur(lat)
	sortDur(after)
	r.AfterAckP50ms, r.AfterAckP99ms = ms(quantile(after, 0.5)), ms(quantile(after, 0.99))
	if n := sort.Search(len(after), func(i int) bool { return after[i] >= 0 }); len(after) > 0 {
		r.BeforeAck = float64(n) / float64(len(after))
	}
	r.P50ms, r.P95ms, r.P99ms, r.MaxMs = ms(quantile(lat, 0.5)), ms(quantile(lat, 0.95)), ms(quantile(lat, 0.99)), ms(quantile(lat, 1))
	for _, st := range stats {
		for k, n := range st.frames {
			r.Frames[k] += n
		}
		if st.closed != "" {
			if r.Closes == nil {
				r.Closes = map[string]int64{}
			}
			r.Closes[st.closed]++
		}
	}
	r.Resyncs = r.Frames["resync"]
	return r, nil
}

func sortDur(s []time.Duration) { sort.Slice(s, func(i, j int) bool { return s[i] < s[j] }) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Print writes a human summary.
func (r SocketResult) Print(w io.Writer) {
	fmt.Fprintf(w, "sockets %d (%d of the seller), conversations %d, senders %d, %.1fs\n", r.Sockets, r.SellerSockets, r.Conversations, r.Senders, r.ElapsedSec)
	fmt.Fprintf(w, "sent %d messages acknowledged: %.0f msg/s (target %.0f); send errors %d %v\n", r.Sent, r.PerSecond, r.TargetRate, r.SendErrors, r.ErrorsBy)
	fmt.Fprintf(w, "HTTP answer p50 %.2f ms  p99 %.2f ms; send start after schedule p99 %.2f ms max %.2f ms\n", r.AckP50ms, r.AckP99ms, r.LagP99ms, r.LagMaxMs)
	fmt.Fprintf(w, "delivered %d of %d expected (duplicates %d, unexpected %d)\n", r.Delivered, r.Expected, r.Duplicates, r.Unexpected)
	fmt.Fprintf(w, "deliver minus HTTP answer p50 %.2f ms  p99 %.2f ms (%.0f %% of deliveries before the answer)\n", r.AfterAckP50ms, r.AfterAckP99ms, 100*r.BeforeAck)
	fmt.Fprintf(w, "send→deliver p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms\n", r.P50ms, r.P95ms, r.P99ms, r.MaxMs)
	keys := make([]string, 0, len(r.Frames))
	for k := range r.Frames {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprint(w, "frames:")
	for _, k := range keys {
		fmt.Fprintf(w, " %s×%d", k, r.Frames[k])
	}
	fmt.Fprintf(w, "\nresyncs %d, sockets closed by the server %d %v\n", r.Resyncs, sumCounts(r.Closes), r.Closes)
	if len(r.CPUSec) > 0 {
		printCPU(w, r.CPUSec, r.CPUPer1000)
		fmt.Fprintf(w, "(each message delivered to %.1f sockets)\n", float64(r.Expected)/float64(max(r.Sent, 1)))
	}
}

func sumCounts(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
