package main

import (
	"context"
	"encoding/base64"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// startRedis runs a redis-server of the test's own on a free loopback port and
// returns its URL. Missing binary: a failure when SPECGATE_REQUIRE_REDIS is set,
// else a skip (as runtime/redisstore's helper does).
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("SPECGATE_REQUIRE_REDIS") != "" {
			t.Fatalf("redis-server not found and SPECGATE_REQUIRE_REDIS is set: %v", err)
		}
		t.Skip("redis-server not installed; set SPECGATE_REQUIRE_REDIS to make this a failure")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			c.Close()
			return "redis://127.0.0.1:" + port + "/0"
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not listen on %s", port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startInstance runs the app as main does, with args, until the test ends.
func startInstance(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), func(u string) { urls <- u })
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case u := <-urls:
		return u
	case err := <-done:
		t.Fatalf("instance exited: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("instance did not start")
	}
	return ""
}

func send(t *testing.T, method, url, cookie, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var parts []string
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return resp, strings.Join(parts, "; ")
}

// TestTwoInstancesOnRedis runs two instances of the example on one Redis
// (-redis): a login on one works on the other, a logout on one is refused on the
// other within a second (docs/security-cases.md case 44), and failed logins are counted
// across both (case 45).
func TestTwoInstancesOnRedis(t *testing.T) {
	url := startRedis(t)
	t.Setenv(keyEnv, base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	a := startInstance(t, "-redis", url)
	b := startInstance(t, "-redis", url)

	resp, cookies := send(t, "POST", a+"/api/v1/auth/login", "", `{"email":"alice@example.com","password":"wonderland"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("login on A: %d", resp.StatusCode)
	}
	var access string
	for _, c := range strings.Split(cookies, "; ") {
		if strings.HasPrefix(c, "access=") {
			access = c
		}
	}
	if r, _ := send(t, "GET", b+"/api/v1/me", access, ""); r.StatusCode != 200 {
		t.Fatalf("session from A on B: %d", r.StatusCode)
	}
	start := time.Now()
	if r, _ := send(t, "POST", a+"/api/v1/auth/logout", cookies, ""); r.StatusCode != http.StatusNoContent {
		t.Fatalf("logout on A: %d", r.StatusCode)
	}
	for {
		r, _ := send(t, "GET", b+"/api/v1/me", access, "")
		took := time.Since(start)
		if r.StatusCode == http.StatusUnauthorized {
			if took > time.Second {
				t.Fatalf("B refused the logged-out session after %v, want within 1s", took)
			}
			t.Logf("logout on A: B refused the access token after %v", took)
			break
		}
		if r.StatusCode != 200 || took > 3*time.Second {
			t.Fatalf("B after logout on A: %d after %v", r.StatusCode, took)
		}
		time.Sleep(2 * time.Millisecond)
	}

	// Failed logins count on both: after the default 10, the 11th is 429 on either.
	for i := range 10 {
		inst := []string{a, b}[i%2]
		if r, _ := send(t, "POST", inst+"/api/v1/auth/login", "", `{"email":"Nobody@Example.com","password":"guess"}`); r.StatusCode != 401 {
			t.Fatalf("failure %d: %d, want 401", i+1, r.StatusCode)
		}
	}
	for _, inst := range []string{a, b} {
		r, _ := send(t, "POST", inst+"/api/v1/auth/login", "", `{"email":"nobody@example.com","password":"guess"}`)
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Fatalf("11th failure: %d Retry-After %q, want 429 with Retry-After", r.StatusCode, r.Header.Get("Retry-After"))
		}
	}
}
