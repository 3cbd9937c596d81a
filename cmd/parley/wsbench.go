package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/loadgen"
)

// wsbenchCmd runs "parley wsbench": WebSocket load against a running server.
//
//	--mode deliver: buyer sockets (plus seller sockets) and paced HTTP senders;
//	                send→deliver latency of message.created
//	--mode idle:    many idle sockets; the server's memory per socket
func wsbenchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley wsbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("mode", "deliver", "deliver (send→deliver latency) or idle (memory per idle socket)")
	url := fs.String("url", "http://127.0.0.1:8080", "base URL of the server; deliver: several nodes, comma-separated")
	apiKey := fs.String("api-key", os.Getenv("PARLEY_HOST_API_KEY"), "host API key (default $PARLEY_HOST_API_KEY)")
	secret := fs.String("sso-secret", os.Getenv("PARLEY_SSO_SECRET"), "HS256 sign-in secret (default $PARLEY_SSO_SECRET)")
	sockets := fs.Int("sockets", 0, "buyer sockets (deliver, default 1000) or idle sockets (idle, default 15000)")
	ping := fs.Duration("ping", 30*time.Second, "client ping period per socket (negative: none)")
	// deliver
	convs := fs.Int("conversations", 0, "deliver: buyers/conversations (default: one per socket)")
	sellerSockets := fs.Int("seller-sockets", 1, "deliver: sockets of the seller, which hear every message")
	senders := fs.Int("senders", 64, "deliver: concurrent HTTP senders")
	rate := fs.Float64("rate", 2000, "deliver: messages per second, all senders together")
	duration := fs.Duration("duration", 20*time.Second, "deliver: measured sending")
	warmup := fs.Duration("warmup", 2*time.Second, "deliver: unmeasured sending first")
	bodySize := fs.Int("body-size", 64, "deliver: bytes of text per message")
	cpuPIDs := fs.String("cpu-pids", "", "deliver: comma-separated pids of the server nodes, whose CPU time is reported")
	cpuComms := fs.String("cpu-comm", "", "deliver: comma-separated process names (e.g. postgres,nats-server) whose CPU time is reported")
	// idle
	users := fs.Int("users", 100, "idle: users sharing the sockets")
	pid := fs.Int("server-pid", 0, "idle: the server's pid, for VmRSS and CPU from /proc")
	pprofURL := fs.String("pprof", "", "idle: the server's pprof base URL, e.g. http://127.0.0.1:6060")
	profileDir := fs.String("profile-dir", "", "idle: save the server's heap and goroutine profiles here with the sockets open")
	settle := fs.Duration("settle", 3*time.Second, "idle: wait after opening before measuring")
	hold := fs.Duration("hold", 0, "idle: keep the sockets open this long after measuring")
	quiet := fs.Bool("json", false, "print only the JSON line")
	cpuProfile := fs.String("cpuprofile", "", "write the load generator's own CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("parley wsbench: unexpected argument %q", fs.Arg(0))
	}
	if *apiKey == "" || *secret == "" {
		return errors.New("parley wsbench: --api-key and --sso-secret (or PARLEY_HOST_API_KEY and PARLEY_SSO_SECRET) are required")
	}
	var log io.Writer = io.Discard
	if !*quiet {
		log = stderr
	}
	var result interface{ Print(io.Writer) }
	switch *mode {
	case "deliver", "sockets":
		cpu, err := cpuSources(*cpuPIDs, *cpuComms)
		if err != nil {
			return err
		}
		r, err := loadgen.RunSockets(ctx, loadgen.SocketOptions{BaseURL: *url, APIKey: *apiKey, SSOSecret: *secret,
			Sockets: *sockets, Conversations: *convs, SellerSockets: *sellerSockets, Senders: *senders, Rate: *rate,
			Duration: *duration, Warmup: *warmup, Ping: *ping, BodySize: *bodySize, Log: log, CPU: cpu})
		if err != nil {
			return err
		}
		result = r
	case "idle":
		r, err := loadgen.RunIdle(ctx, loadgen.IdleOptions{BaseURL: *url, APIKey: *apiKey, SSOSecret: *secret,
			Sockets: *sockets, Users: *users, ServerPID: *pid, PprofURL: *pprofURL, ProfileDir: *profileDir,
			Settle: *settle, Hold: *hold, Ping: *ping, Log: log})
		if err != nil {
			return err
		}
		result = r
	default:
		return fmt.Errorf("parley wsbench: --mode %q: want deliver or idle", *mode)
	}
	if !*quiet {
		result.Print(stdout)
	}
	line, err := json.Marshal(result)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	return nil
}

// startCPUProfile profiles this process into path until stop is called:
// the load generator shares the machine with the server, so its own cost
// is worth knowing.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// cpuSources reads --cpu-pids and --cpu-comm.
func cpuSources(pids, comms string) ([]loadgen.CPUSource, error) {
	var out []loadgen.CPUSource
	if pids != "" {
		src := loadgen.CPUSource{Label: "parley"}
		for _, f := range strings.Split(pids, ",") {
			pid, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || pid <= 0 {
				return nil, fmt.Errorf("parley wsbench: --cpu-pids %q: want comma-separated process ids", pids)
			}
			src.PIDs = append(src.PIDs, pid)
		}
		out = append(out, src)
	}
	for _, c := range strings.Split(comms, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, loadgen.CPUSource{Label: c, Comm: c})
		}
	}
	return out, nil
}
