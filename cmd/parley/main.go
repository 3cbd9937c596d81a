// Command parley runs Parley, the conversation layer of a marketplace.
//
//	parley serve [--demo] [flags]   run the server (flags have PARLEY_* twins)
//	parley user add --email E --name N --password P [--operator]
//	parley loadgen --url URL [--senders 50] [--duration 20s | --messages N]
//	parley wsbench --mode deliver|idle --url URL [--sockets N] ...
//	parley version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/demo"
	"github.com/parleyhq/parley/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "parley:", err)
		}
		os.Exit(2)
	}
}

const usage = `usage:
  parley serve [--demo] [--addr 127.0.0.1:8080] [--data ./parley-data] ...
  parley user add --email EMAIL --name NAME --password PASSWORD [--operator]
  parley loadgen --url http://127.0.0.1:8080 [--senders 50] [--duration 20s | --messages N]
  parley wsbench --mode deliver|idle --url http://127.0.0.1:8080 [--sockets N] ...
  parley version
Run "parley serve -h" for every setting and its PARLEY_* environment twin.`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return fmt.Errorf("want: parley user add ...")
		}
		return userAdd(ctx, args[2:], stdout, stderr)
	case "loadgen":
		return loadgenCmd(ctx, args[1:], stdout, stderr)
	case "wsbench":
		return wsbenchCmd(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "parley", version)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

var version = "dev"

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, err := app.ParseConfig(fs, args, app.Getenv)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		return err
	}
	if cfg.Demo {
		accounts, err := demo.Seed(ctx, a)
		if err != nil {
			return fmt.Errorf("demo seed: %w", err)
		}
		demo.PrintAccounts(stdout, cfg.BaseURL, accounts)
		for _, acc := range accounts {
			a.DemoAccounts = append(a.DemoAccounts, web.Account{Email: acc.Email, Name: acc.Name, Role: acc.Role})
		}
		a.DemoPassword = demo.Password
	}
	return a.Serve(ctx)
}

func userAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "email address (sign-in name)")
	name := fs.String("name", "", "display name")
	password := fs.String("password", "", "password (at least 8 characters)")
	operator := fs.Bool("operator", false, "make the user an operator of the marketplace")
	cfg, err := app.ParseConfig(fs, args, app.Getenv)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, io.Discard)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Identity.CreateLocalUser(ctx, a.Marketplace.ID, *email, *name, *password, *operator)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s (%s) ready; id %s\n", u.Email, u.Name, u.ExternalID)
	return nil
}
