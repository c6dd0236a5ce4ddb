// Command subscriptions is specgate's example app: a subscriptions API built on
// generated code and the runtime, and a small page to use it from a browser.
//
//	go run ./examples/subscriptions            # http://127.0.0.1:8080
//	go run ./examples/subscriptions -access-ttl 10s
//	go run ./examples/subscriptions -trusted-origin http://127.0.0.1:5173  # a SPA on another port
//
// On a loopback address it sets development cookies (plain http); elsewhere Secure
// __Host- cookies, for serving behind HTTPS (-dev overrides). See docs/deploying.md.
//
//	SUBSCRIPTIONS_HMAC_KEY=... go run ./examples/subscriptions -redis redis://127.0.0.1:6379/0
//
// Sign in as alice@example.com / wonderland or admin@example.com / admin-pass.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], nil)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "subscriptions:", err)
		os.Exit(1)
	}
}

// errUsage marks bad command-line arguments (the flag package printed why).
var errUsage = errors.New("usage")

// run parses args, serves the app until ctx ends, then shuts down gracefully. ready,
// when not nil, gets the base URL once the listener is open (tests pass
// -addr 127.0.0.1:0 and read the port from it).
func run(ctx context.Context, args []string, ready func(url string)) error {
	fs := flag.NewFlagSet("subscriptions", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	accessTTL := fs.Duration("access-ttl", 15*time.Minute, "access-token lifetime; short values show the silent refresh")
	var trusted originList
	fs.Var(&trusted, "trusted-origin", "`URL` of a front end on another origin (repeatable), e.g. https://app.example.com")
	origin := fs.String("origin", "", "the `URL` browsers reach this server on; needed with -trusted-origin off loopback")
	var dev devFlag
	fs.Var(&dev, "dev", "development cookies (no Secure, no __Host-) for plain http; default: only on a loopback address")
	bcryptCost := fs.Int("bcrypt-cost", 0, "bcrypt cost of the seed users' password hashes (0: bcrypt's default, 10); scripts/load lowers it to log in 10,000 sessions")
	redisURL := fs.String("redis", "", "Redis URL (redis://host:6379/0): sessions, revocation and login throttle shared by every instance; set "+keyEnv+" to the same key on each")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg := config{AccessTTL: *accessTTL, Logger: log, ReportKey: os.Getenv(reportKeyEnv), BcryptCost: *bcryptCost}
	if *redisURL != "" {
		opts, err := redis.ParseURL(*redisURL)
		if err != nil {
			return fmt.Errorf("%w: -redis: %w", errUsage, err)
		}
		opts.ContextTimeoutEnabled = true
		client := redis.NewClient(opts)
		defer client.Close()
		cfg.Redis = client
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	insecure, why := cookieMode(ln.Addr(), dev)
	logCookieMode(log, insecure, why)
	apiOrig, err := apiOrigin(*origin, ln.Addr(), trusted)
	if err != nil {
		return err
	}
	cfg.Insecure, cfg.TrustedOrigins, cfg.Origin = insecure, trusted, apiOrig
	a, err := newApp(cfg)
	if err != nil {
		return err
	}
	defer a.close()
	url := "http://" + ln.Addr().String()
	log.Info("serving the subscriptions example", "url", url, "access_ttl", *accessTTL, "trusted_origins", trusted.String())
	if ready != nil {
		ready(url)
	}

	srv := newHTTPServer(a.handler, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
