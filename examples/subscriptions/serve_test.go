package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
)

func TestCookieMode(t *testing.T) {
	loop := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	loop6 := &net.TCPAddr{IP: net.IPv6loopback, Port: 8080}
	any4 := &net.TCPAddr{IP: net.IPv4zero, Port: 8080}
	public := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 443}
	for _, tc := range []struct {
		name     string
		addr     net.Addr
		args     []string
		insecure bool
	}{
		{"loopback", loop, nil, true},
		{"loopback v6", loop6, nil, true},
		{"every interface", any4, nil, false},
		{"a public address", public, nil, false},
		{"-dev off loopback", any4, []string{"-dev"}, true},
		{"-dev=true", public, []string{"-dev=true"}, true},
		{"-dev=false on loopback", loop, []string{"-dev=false"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			var dev devFlag
			fs.Var(&dev, "dev", "")
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if got, why := cookieMode(tc.addr, dev); got != tc.insecure || why == "" {
				t.Fatalf("insecure = %v (%s), want %v", got, why, tc.insecure)
			}
		})
	}
}

func TestAPIOrigin(t *testing.T) {
	loop := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	any4 := &net.TCPAddr{IP: net.IPv4zero, Port: 8080}
	if got, err := apiOrigin("", loop, []string{"http://127.0.0.1:5173"}); err != nil || got != "http://127.0.0.1:8080" {
		t.Errorf("loopback: %q %v", got, err)
	}
	if got, err := apiOrigin("https://api.example.com", any4, []string{"https://app.example.com"}); err != nil || got != "https://api.example.com" {
		t.Errorf("-origin: %q %v", got, err)
	}
	if got, err := apiOrigin("", any4, nil); err != nil || got != "" {
		t.Errorf("nothing trusted: %q %v", got, err)
	}
	if _, err := apiOrigin("", any4, []string{"https://app.example.com"}); !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "-origin") {
		t.Errorf("off loopback without -origin: %v", err)
	}
}

func TestHTTPServerLimits(t *testing.T) {
	srv := newHTTPServer(nil, discard())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("timeouts: header %v, read %v, write %v, idle %v", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 64<<10 {
		t.Errorf("MaxHeaderBytes %d", srv.MaxHeaderBytes)
	}
}

// TestRunRefusesDeployments: run stops with the runtime's configuration error
// when a trusted origin could not carry the cookies.
func TestRunRefusesDeployments(t *testing.T) {
	for args, want := range map[string]string{
		"-addr 127.0.0.1:0 -trusted-origin https://shop.example":                                             "another site",
		"-addr 127.0.0.1:0 -trusted-origin https://app.example.com/":                                         "not even",
		"-addr 127.0.0.1:0 -trusted-origin null":                                                             "never trusted",
		"-addr 127.0.0.1:0 -dev=false -origin http://api.example.com -trusted-origin http://app.example.com": "browsers refuse Secure cookies",
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := run(ctx, strings.Fields(args), func(string) { t.Errorf("%s: started", args) })
		cancel()
		if !errors.Is(err, auth.ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrConfig with %q", args, err, want)
		}
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
