package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Run sets up the fixture, warms up, then measures. It returns an error
// only when the setup fails or ctx ends before the measurement; failed
// sends are counted in the Result.
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.defaults(); err != nil {
		return Result{}, err
	}
	t0 := time.Now()
	f, err := setup(ctx, &o)
	if err != nil {
		return Result{}, err
	}
	fmt.Fprintf(o.Log, "loadgen: run %s: %d conversations ready in %s\n", f.run, len(f.conversation), time.Since(t0).Round(time.Millisecond))

	ss := make([]*sender, o.Senders)
	for i := range ss {
		ss[i] = newSender(&o, f, i)
	}
	if o.Warmup > 0 {
		fmt.Fprintf(o.Log, "loadgen: warming up for %s\n", o.Warmup)
		deadline := time.Now().Add(o.Warmup)
		phase(ctx, ss, func() bool { return time.Now().Before(deadline) }, false)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	var more func() bool
	if o.Duration > 0 {
		fmt.Fprintf(o.Log, "loadgen: %d senders for %s\n", o.Senders, o.Duration)
		deadline := time.Now().Add(o.Duration)
		more = func() bool { return time.Now().Before(deadline) }
	} else {
		fmt.Fprintf(o.Log, "loadgen: %d senders, %d messages\n", o.Senders, o.Messages)
		var claimed atomic.Int64
		limit := int64(o.Messages)
		more = func() bool { return claimed.Add(1) <= limit }
	}
	meter := &cpuMeter{srcs: o.CPU}
	meter.begin()
	start := time.Now()
	all := phase(ctx, ss, more, true)
	r := summarize(all, time.Since(start))
	r.Senders, r.Conversations = o.Senders, len(f.conversation)
	if cpu := meter.end(); len(o.CPU) > 0 && r.Sent > 0 {
		r.CPUSec = cpu
		var sum float64
		for _, v := range cpu {
			sum += v
		}
		r.CPUPer1000 = sum / (float64(r.Sent) / 1000)
	}
	return r, nil
}

// phase runs every sender until more says no (or ctx ends) and returns the
// senders' samples; record=false discards them (warm-up).
func phase(ctx context.Context, ss []*sender, more func() bool, record bool) []*samples {
	out := make([]*samples, len(ss))
	var wg sync.WaitGroup
	for i, s := range ss {
		out[i] = &samples{lat: make([]time.Duration, 0, 4096)}
		wg.Go(func() {
			for ctx.Err() == nil && more() {
				d, code, err := s.send(ctx)
				if !record {
					continue
				}
				switch {
				case err != nil:
					if ctx.Err() == nil {
						out[i].fail("transport")
					}
				case code/100 != 2:
					out[i].fail(statusKey(code))
				default:
					out[i].lat = append(out[i].lat, d)
				}
			}
		})
	}
	wg.Wait()
	return out
}

// sender writes into one conversation as one author.
type sender struct {
	c      *http.Client
	url    string
	auth   string
	prefix []byte // `{"client_id":"<run>-s<i>-`
	suffix []byte // `","body":"<text>"}`
	seq    int
	buf    []byte
}

func newSender(o *Options, f *fixture, i int) *sender {
	conv, token, who := i%len(f.conversation), "", "buyer"
	if o.SellerReplies {
		conv = (i / 2) % len(f.conversation)
		if i%2 == 1 {
			who = "seller"
		}
	}
	token = f.buyerTokens[conv]
	if who == "seller" {
		token = f.sellerToken
	}
	text := bytes.Repeat([]byte("x"), o.BodySize)
	copy(text, fmt.Sprintf("load test message from %s %d ", who, i))
	return &sender{
		c:      o.Client,
		url:    o.BaseURL + "/api/v1/conversations/" + f.conversation[conv] + "/messages",
		auth:   "Bearer " + token,
		prefix: []byte(`{"client_id":"` + f.run + "-s" + strconv.Itoa(i) + "-"),
		suffix: []byte(`","body":"` + string(text) + `"}`),
	}
}

// send posts one message with a fresh client_id and times it until the
// whole answer is read.
func (s *sender) send(ctx context.Context) (time.Duration, int, error) {
	s.seq++
	s.buf = append(strconv.AppendInt(append(s.buf[:0], s.prefix...), int64(s.seq), 10), s.suffix...)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(s.buf))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", s.auth)
	t := time.Now()
	resp, err := s.c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t)
	if err != nil {
		return 0, 0, err
	}
	return d, resp.StatusCode, nil
}
