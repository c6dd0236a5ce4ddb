package auth

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestNewRejectsBadConfig(t *testing.T) {
	key, _ := HMACKey("k1", "HS256", testSecret)
	lookup := func(context.Context, string) (string, error) { return "", nil }
	good := func() Config[string] {
		return Config[string]{Issuer: "i", Audience: "a", SigningKey: key, Lookup: lookup}
	}
	cases := []struct {
		name   string
		mutate func(*Config[string])
		want   string
	}{
		{"no key", func(c *Config[string]) { c.SigningKey = Key{} }, "no signing key"},
		{"no lookup", func(c *Config[string]) { c.Lookup = nil }, "Lookup"},
		{"no issuer", func(c *Config[string]) { c.Issuer = "" }, "Issuer"},
		{"no audience", func(c *Config[string]) { c.Audience = "" }, "Audience"},
		{"refresh not longer than access", func(c *Config[string]) { c.AccessTTL, c.RefreshTTL = time.Hour, time.Hour }, "RefreshTTL"},
		{"negative access TTL", func(c *Config[string]) { c.AccessTTL = -time.Minute }, "AccessTTL"},
		{"leeway as long as access", func(c *Config[string]) { c.Leeway = DefaultAccessTTL }, "Leeway"},
		{"user cache as long as access", func(c *Config[string]) { c.UserCacheTTL = DefaultAccessTTL }, "UserCacheTTL"},
		{"grace as long as refresh", func(c *Config[string]) { c.GraceWindow = DefaultRefreshTTL }, "GraceWindow"},
		{"bad trusted origin", func(c *Config[string]) { c.TrustedOrigins = []string{"not a url"} }, "TrustedOrigins"},
		{"duplicate kid", func(c *Config[string]) { c.VerifyKeys = []Key{key} }, "used twice"},
		{"zero verify key", func(c *Config[string]) { c.VerifyKeys = []Key{{}} }, "zero Key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good()
			tc.mutate(&cfg)
			_, err := New(cfg)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrConfig mentioning %q", err, tc.want)
			}
		})
	}
	if _, err := New(good()); err != nil {
		t.Fatalf("good config: %v", err)
	}
}

func TestSetKeysFlushesTheCache(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice")
	if r := e.do(req{path: "/me", cookie: e.accessCookie(s.access)}); r.status != 200 {
		t.Fatal(r.status)
	}
	k2, _ := HMACKey("k2", "HS256", []byte("a-brand-new-secret-for-rotation!"))
	if err := e.a.SetKeys(k2); err != nil {
		t.Fatal(err)
	}
	if r := e.do(req{path: "/me", cookie: e.accessCookie(s.access)}); r.status != 401 {
		t.Fatalf("token of a removed key still accepted (stale cache): %d", r.status)
	}
	old, _ := HMACKey(testKID, "HS256", testSecret)
	if err := e.a.SetKeys(k2, old); err != nil {
		t.Fatal(err)
	}
	if r := e.do(req{path: "/me", cookie: e.accessCookie(s.access)}); r.status != 200 {
		t.Fatalf("token of a verify-only key: %d", r.status)
	}
}

// TestGraceWindowShorterThanAccessTTL: a grace window as long as an access
// token lets a rotated token's hand-back overlap the next real rotation.
func TestGraceWindowShorterThanAccessTTL(t *testing.T) {
	key, _ := HMACKey("k1", "HS256", testSecret)
	cfg := func(access, grace time.Duration) Config[string] {
		return Config[string]{Issuer: "i", Audience: "a", SigningKey: key, AccessTTL: access, GraceWindow: grace,
			Lookup: func(context.Context, string) (string, error) { return "", nil }, Logger: discardLogger}
	}
	for _, c := range []struct{ access, grace time.Duration }{
		{DefaultAccessTTL, DefaultAccessTTL},
		{time.Minute, 2 * time.Minute},
		{time.Hour, 24 * time.Hour},
	} {
		_, err := New(cfg(c.access, c.grace))
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "GraceWindow") || !strings.Contains(err.Error(), "AccessTTL") {
			t.Errorf("AccessTTL %v, GraceWindow %v: err = %v", c.access, c.grace, err)
		}
	}
	// The default follows a short AccessTTL (the example's -access-ttl 5s demo).
	short := cfg(5*time.Second, 0)
	short.Leeway = time.Second
	if _, err := New(short); err != nil {
		t.Errorf("AccessTTL 5s, default grace: %v", err)
	}
	if _, err := New(cfg(0, DefaultGraceWindow)); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestInsecureWarns: the development switch must not reach production
// silently.
func TestInsecureWarns(t *testing.T) {
	key, _ := HMACKey("k1", "HS256", testSecret)
	for _, insecure := range []bool{false, true} {
		var buf bytes.Buffer
		_, err := New(Config[string]{Issuer: "i", Audience: "a", SigningKey: key, Insecure: insecure,
			Lookup: func(context.Context, string) (string, error) { return "", nil },
			Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))})
		if err != nil {
			t.Fatal(err)
		}
		warned := false
		for sc := bufio.NewScanner(&buf); sc.Scan(); {
			warned = warned || strings.Contains(sc.Text(), "level=WARN") && strings.Contains(sc.Text(), "Insecure")
		}
		if warned != insecure {
			t.Errorf("Insecure %v: warned %v (log %q)", insecure, warned, buf.String())
		}
	}
}
