package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// testClock is the app's clock in tests: it stands still until the test moves it, so
// "the access token has expired" needs no sleep.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now()} }

// Now returns the current test time.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testAccessTTL is the access-token lifetime in tests; the clock jumps past it.
const testAccessTTL = 15 * time.Minute

// startApp serves the app over real HTTP on a loopback port and returns its base URL.
// Logs go to the test log. wraps are middleware around the app, the first outermost.
func startApp(t *testing.T, clock *testClock, wraps ...func(http.Handler) http.Handler) (*app, string) {
	t.Helper()
	return startAppTrusting(t, clock, nil, wraps...)
}

// startAppTrusting is startApp with front ends on other origins trusted. The app
// runs as run does on a loopback address: development cookies, and its own URL as
// the API origin.
func startAppTrusting(t *testing.T, clock *testClock, trusted []string, wraps ...func(http.Handler) http.Handler) (*app, string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	cfg := config{
		AccessTTL:  testAccessTTL,
		Now:        clock.Now,
		Logger:     slog.New(slog.NewTextHandler(testWriter{t}, nil)),
		BcryptCost: bcrypt.MinCost, // the defaults hash at DefaultCost; tests need no slowness
		Insecure:   true,
		ReportKey:  testReportKey,
	}
	if len(trusted) > 0 {
		cfg.TrustedOrigins, cfg.Origin = trusted, base
	}
	a, err := newApp(cfg)
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	h := a.handler
	for i := len(wraps) - 1; i >= 0; i-- {
		h = wraps[i](h)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return a, srv.URL
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// apiClient is a cookie-keeping HTTP client, like a browser without the browser.
type apiClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newAPIClient(t *testing.T, base string) *apiClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// do sends a request with an optional JSON body and returns the status and body.
func (c *apiClient) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return res.StatusCode, b
}

// login signs in and fails the test unless it worked.
func (c *apiClient) login(email, password string) {
	c.t.Helper()
	if st, b := c.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}); st != http.StatusOK {
		c.t.Fatalf("login %s: %d %s", email, st, b)
	}
}

// plan returns the signed-in user's plan id through the API.
func (c *apiClient) plan() string {
	c.t.Helper()
	st, b := c.do("GET", "/api/v1/subscription_info", nil)
	if st != http.StatusOK {
		c.t.Fatalf("subscription_info: %d %s", st, b)
	}
	var sub struct {
		Plan struct{ ID string } `json:"plan"`
	}
	if err := json.Unmarshal(b, &sub); err != nil {
		c.t.Fatal(err)
	}
	return sub.Plan.ID
}

func TestLoginRefusalSaysNothing(t *testing.T) {
	_, base := startApp(t, newTestClock())
	c := newAPIClient(t, base)

	// Unknown email, wrong password, and no session at all: the same 401, byte for byte.
	st1, wrongEmail := c.do("POST", "/api/v1/auth/login", map[string]string{"email": "nobody@example.com", "password": "wonderland"})
	st2, wrongPass := c.do("POST", "/api/v1/auth/login", map[string]string{"email": "alice@example.com", "password": "wonderlan"})
	st3, noSession := c.do("GET", "/api/v1/me", nil)
	for _, st := range []int{st1, st2, st3} {
		if st != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", st)
		}
	}
	if !bytes.Equal(wrongEmail, wrongPass) || !bytes.Equal(wrongPass, noSession) {
		t.Errorf("401 bodies differ:\nunknown email: %s\nwrong password: %s\nno session: %s", wrongEmail, wrongPass, noSession)
	}
	if bytes.Contains(bytes.ToLower(wrongPass), []byte("password")) || bytes.Contains(bytes.ToLower(wrongEmail), []byte("email")) {
		t.Errorf("401 body names the wrong part: %s", wrongPass)
	}

	// Malformed bodies are 400/415, never a session.
	for _, tc := range []struct {
		name, ctype, body string
		want              int
	}{
		{"not json", "application/json", "{", http.StatusBadRequest},
		{"unknown field", "application/json", `{"email":"alice@example.com","password":"wonderland","admin":true}`, http.StatusBadRequest},
		{"trailing data", "application/json", `{"email":"alice@example.com","password":"wonderland"} {}`, http.StatusBadRequest},
		{"empty password", "application/json", `{"email":"alice@example.com","password":""}`, http.StatusBadRequest},
		{"form", "application/x-www-form-urlencoded", "email=alice@example.com&password=wonderland", http.StatusUnsupportedMediaType},
		{"huge", "application/json", `{"email":"` + strings.Repeat("a", 10<<10) + `","password":"x"}`, http.StatusBadRequest},
	} {
		res, err := http.Post(base+"/api/v1/auth/login", tc.ctype, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want || len(res.Cookies()) != 0 {
			t.Errorf("%s: status %d with %d cookies, want %d and none", tc.name, res.StatusCode, len(res.Cookies()), tc.want)
		}
	}
}

func TestSubscriptionFlow(t *testing.T) {
	clock := newTestClock()
	_, base := startApp(t, clock)
	alice := newAPIClient(t, base)
	alice.login("ALICE@example.com ", "wonderland") // emails are case-insensitive

	if got := alice.plan(); got != "basic" {
		t.Fatalf("alice's plan = %q, want basic", got)
	}
	if st, b := alice.do("PUT", "/api/v1/subscription", map[string]string{"plan": "gold"}); st != http.StatusBadRequest {
		t.Errorf("unknown plan: %d %s, want 400", st, b)
	}
	if st, b := alice.do("PUT", "/api/v1/subscription", map[string]string{"plan": "plus"}); st != http.StatusOK {
		t.Fatalf("change plan: %d %s", st, b)
	}
	if got := alice.plan(); got != "plus" {
		t.Errorf("plan after change = %q, want plus", got)
	}

	// The feed is personalised for the plan when signed in, public otherwise.
	var feed struct {
		Personalised bool
		Items        []struct{ ID string }
	}
	_, b := alice.do("GET", "/api/v1/feed", nil)
	if err := json.Unmarshal(b, &feed); err != nil {
		t.Fatal(err)
	}
	if !feed.Personalised || len(feed.Items) != 2 || feed.Items[1].ID != "daily" {
		t.Errorf("alice's feed = %s, want the digest and the daily briefing", b)
	}
	anon := newAPIClient(t, base)
	if st, b := anon.do("GET", "/api/v1/feed", nil); st != http.StatusOK || !strings.Contains(string(b), `"personalised":false`) {
		t.Errorf("anonymous feed: %d %s", st, b)
	}
	if st, _ := anon.do("GET", "/api/v1/plans", nil); st != http.StatusOK {
		t.Errorf("plans are public, got %d", st)
	}

	// Roles: alice is not an admin, admin is.
	if st, _ := alice.do("GET", "/api/v1/admin/users", nil); st != http.StatusForbidden {
		t.Errorf("alice on /admin/users: %d, want 403", st)
	}
	admin := newAPIClient(t, base)
	admin.login("admin@example.com", "admin-pass")
	if st, b := admin.do("GET", "/api/v1/admin/users", nil); st != http.StatusOK || !strings.Contains(string(b), `"alice@example.com"`) {
		t.Errorf("admin on /admin/users: %d %s", st, b)
	}

	// Past the access TTL the refresh cookie carries the session on.
	clock.Advance(testAccessTTL + time.Minute)
	if got := alice.plan(); got != "plus" {
		t.Errorf("plan after expiry = %q", got)
	}

	// Signing out revokes the session.
	if st, b := alice.do("POST", "/api/v1/auth/logout", nil); st != http.StatusNoContent {
		t.Fatalf("logout: %d %s", st, b)
	}
	if st, _ := alice.do("GET", "/api/v1/subscription_info", nil); st != http.StatusUnauthorized {
		t.Errorf("after logout: %d, want 401", st)
	}
	if st, _ := alice.do("GET", "/api/v1/nope", nil); st != http.StatusNotFound {
		t.Errorf("unknown API path: %d, want 404", st)
	}
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-access-ttl", "1m"}, func(u string) { urls <- u })
	}()
	var base string
	select {
	case base = <-urls:
	case err := <-done:
		t.Fatalf("run returned early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not start listening")
	}

	c := newAPIClient(t, base)
	st, page := c.do("GET", "/", nil)
	if st != http.StatusOK || !strings.Contains(string(page), `<form id="login-form"`) {
		t.Fatalf("GET /: %d %.200s", st, page)
	}
	c.login("alice@example.com", "wonderland")
	if got := c.plan(); got != "basic" {
		t.Errorf("plan = %q", got)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}

	if err := run(context.Background(), []string{"-access-ttl", "soon"}, nil); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("bad flag: %v, want a usage error", err)
	}
}
