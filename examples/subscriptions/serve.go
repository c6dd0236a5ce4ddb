package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// This file holds how the example is deployed: which cookies it sets, which
// front ends it trusts, and the limits of its HTTP server. docs/deploying.md
// explains the shapes.

// originList is a repeatable flag: -trusted-origin URL -trusted-origin URL2.
type originList []string

func (o *originList) String() string { return strings.Join(*o, ",") }

func (o *originList) Set(v string) error {
	if v == "" {
		return errors.New("empty origin")
	}
	*o = append(*o, v)
	return nil
}

// devFlag is -dev: unset means "on a loopback address only"; -dev or -dev=true
// forces development cookies; -dev=false forces Secure cookies even on loopback.
type devFlag struct {
	set, on bool
}

func (d *devFlag) String() string {
	if !d.set {
		return "auto"
	}
	return strconv.FormatBool(d.on)
}

func (d *devFlag) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	d.set, d.on = true, b
	return nil
}

func (d *devFlag) IsBoolFlag() bool { return true }

// cookieMode decides whether the session cookies drop Secure and the __Host-
// prefix (auth.Config.Insecure), and says why, for the log.
func cookieMode(addr net.Addr, dev devFlag) (insecure bool, why string) {
	loopback := isLoopbackAddr(addr)
	switch {
	case dev.set && dev.on:
		return true, "-dev is set"
	case dev.set:
		return false, "-dev=false is set"
	case loopback:
		return true, "the listen address is loopback"
	}
	return false, "the listen address is not loopback"
}

// isLoopbackAddr reports whether addr is a loopback IP (127.0.0.0/8, ::1). An
// unspecified address (0.0.0.0, ::) listens on every interface, so it is not.
func isLoopbackAddr(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// logCookieMode says, once at start, which cookies the example sets and why.
func logCookieMode(log *slog.Logger, insecure bool, why string) {
	if insecure {
		log.Warn("development cookies: no Secure attribute, no __Host- prefix; plain http works. Not for production",
			"because", why)
		return
	}
	log.Info("Secure __Host- cookies: browsers keep them only over https, so serve this behind a TLS-terminating proxy "+
		"(or pass -dev for plain-http development)", "because", why)
}

// apiOrigin is the origin browsers reach the example on (auth.Config.APIOrigin):
// -origin when given, else the listen address itself when it is loopback and
// plain http. Off loopback the address a server listens on is rarely the one
// browsers use, so there it must be given when front ends are trusted.
func apiOrigin(flagValue string, addr net.Addr, trusted []string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if len(trusted) == 0 {
		return "", nil
	}
	if !isLoopbackAddr(addr) {
		return "", fmt.Errorf("%w: -trusted-origin needs -origin URL, the origin browsers reach this server on "+
			"(e.g. https://api.example.com)", errUsage)
	}
	return "http://" + addr.String(), nil
}

// Limits of the example's HTTP server. Every body of the API is tiny and every
// handler answers from memory, so these are generous for it and still bound what a
// slow or hostile client can hold.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	// maxHeaderBytes fits the two session cookies (the runtime caps each token at
	// 4 KB) and the usual browser headers, and refuses more with 431.
	maxHeaderBytes = 32 << 10
)

// newHTTPServer is the example's http.Server: timeouts on every phase of a
// request and a header size limit.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
