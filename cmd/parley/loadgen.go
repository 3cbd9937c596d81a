package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/parleyhq/parley/internal/loadgen"
)

// loadgenCmd runs "parley loadgen": it loads a running server with
// concurrent senders and prints a summary and a one-line JSON result.
func loadgenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o loadgen.Options
	fs.StringVar(&o.BaseURL, "url", "http://127.0.0.1:8080", "base URL of the server to load")
	fs.StringVar(&o.APIKey, "api-key", os.Getenv("PARLEY_HOST_API_KEY"), "host API key (default $PARLEY_HOST_API_KEY)")
	fs.StringVar(&o.SSOSecret, "sso-secret", os.Getenv("PARLEY_SSO_SECRET"), "HS256 sign-in secret (default $PARLEY_SSO_SECRET)")
	fs.IntVar(&o.Senders, "senders", 50, "concurrent senders")
	fs.IntVar(&o.Conversations, "conversations", 0, "conversations (default: one per sender)")
	fs.BoolVar(&o.SellerReplies, "seller-replies", false, "every second sender answers as the seller")
	fs.DurationVar(&o.Duration, "duration", 0, "measure for this long (default 20s unless --messages)")
	fs.IntVar(&o.Messages, "messages", 0, "measure this many sends instead of a duration")
	fs.DurationVar(&o.Warmup, "warmup", 2*time.Second, "unmeasured sending first")
	fs.IntVar(&o.BodySize, "body-size", 64, "bytes of text per message")
	cpuPIDs := fs.String("cpu-pids", "", "comma-separated pids of the server nodes, whose CPU time is reported")
	cpuComms := fs.String("cpu-comm", "", "comma-separated process names (e.g. postgres) whose CPU time is reported")
	quiet := fs.Bool("json", false, "print only the JSON line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("parley loadgen: unexpected argument %q", fs.Arg(0))
	}
	if o.APIKey == "" || o.SSOSecret == "" {
		return errors.New("parley loadgen: --api-key and --sso-secret (or PARLEY_HOST_API_KEY and PARLEY_SSO_SECRET) are required")
	}
	if o.Duration == 0 && o.Messages == 0 {
		o.Duration = 20 * time.Second
	}
	if !*quiet {
		o.Log = stderr
	}
	cpu, err := cpuSources(*cpuPIDs, *cpuComms)
	if err != nil {
		return err
	}
	o.CPU = cpu
	r, err := loadgen.Run(ctx, o)
	if err != nil {
		return err
	}
	if !*quiet {
		r.Print(stdout)
	}
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	return nil
}
