//go:build ignore

// Command storm is the refresh storm of scripts/load (issue 16): it signs in N
// sessions through the example's real login, spread over the given instances,
// waits until every access token has expired (access TTL + the guard's leeway),
// then sends one request per session at once, each session to one instance in
// turn, and counts what came back. Every answer must be a 200 that sets a new
// access cookie (a refresh); anything else is a failure. Then each session's new
// cookies are sent to the other instance, which must accept them without
// refreshing again (the rotated session is shared through Redis).
//
//	go run scripts/load/storm.go -sessions 10000 -access-ttl 15s http://127.0.0.1:8081 http://127.0.0.1:8082
//
// Standard library only; not built by `go build ./...` (the ignore tag).
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type session struct {
	access, refresh string
	instance        int
}

func main() {
	n := flag.Int("sessions", 10000, "sessions to sign in")
	ttl := flag.Duration("access-ttl", 15*time.Second, "the instances' -access-ttl")
	leeway := flag.Duration("leeway", 10*time.Second, "the guard's Leeway (auth.DefaultLeeway)")
	conc := flag.Int("c", 64, "concurrent requests")
	email := flag.String("email", "alice@example.com", "account to sign in")
	password := flag.String("password", "wonderland", "its password")
	flag.Parse()
	urls := flag.Args()
	if len(urls) == 0 {
		fmt.Fprintln(os.Stderr, "usage: storm [flags] URL...")
		os.Exit(2)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc}, Timeout: 30 * time.Second}

	// 1. Sign in.
	sessions := make([]session, *n)
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, *email, *password)
	start := time.Now()
	var loginFail atomic.Int64
	parallel(*n, *conc, func(i int) {
		inst := i % len(urls)
		resp, err := client.Post(urls[inst]+"/api/v1/auth/login", "application/json", strings.NewReader(body))
		if err != nil {
			loginFail.Add(1)
			return
		}
		drain(resp)
		a, r := cookie(resp, "access"), cookie(resp, "refresh")
		if resp.StatusCode != 200 || a == "" || r == "" {
			loginFail.Add(1)
			return
		}
		sessions[i] = session{access: a, refresh: r, instance: inst}
	})
	lastLogin := time.Now()
	fmt.Printf("logins: %d in %.1fs (%.0f/s), %d failed\n", *n, lastLogin.Sub(start).Seconds(), float64(*n)/lastLogin.Sub(start).Seconds(), loginFail.Load())
	if loginFail.Load() > 0 {
		os.Exit(1)
	}

	// 2. Wait until the last access token is past exp + leeway: every one has expired.
	wait := time.Until(lastLogin.Add(*ttl + *leeway + time.Second))
	fmt.Printf("waiting %.1fs for every access token to expire\n", wait.Seconds())
	time.Sleep(wait)

	// 3. The storm: every session at once, each to its instance in turn.
	type result struct {
		status  int
		refresh bool
		lat     time.Duration
		err     error
	}
	results := make([]result, *n)
	start = time.Now()
	parallel(*n, *conc, func(i int) {
		s := &sessions[i]
		t0 := time.Now()
		resp, err := get(client, urls[i%len(urls)]+"/api/v1/me", s.access, s.refresh)
		if err != nil {
			results[i] = result{err: err}
			return
		}
		drain(resp)
		a, r := cookie(resp, "access"), cookie(resp, "refresh")
		results[i] = result{status: resp.StatusCode, refresh: a != "", lat: time.Since(t0)}
		if a != "" {
			s.access = a
		}
		if r != "" {
			s.refresh = r
		}
	})
	elapsed := time.Since(start)
	fails, refreshed := 0, 0
	var lats []time.Duration
	statuses := map[string]int{}
	for _, r := range results {
		switch {
		case r.err != nil:
			statuses["error: "+r.err.Error()]++
			fails++
		case r.status != 200 || !r.refresh:
			statuses[fmt.Sprintf("status %d, refreshed %v", r.status, r.refresh)]++
			fails++
		default:
			refreshed++
			lats = append(lats, r.lat)
		}
	}
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	fmt.Printf("storm: %d sessions over %d instances in %.2fs: %d refreshed, %d failed, %.0f refreshes/s", *n, len(urls), elapsed.Seconds(), refreshed, fails, float64(refreshed)/elapsed.Seconds())
	if len(lats) > 0 {
		fmt.Printf(", latency p50 %v p99 %v max %v", pct(lats, 50), pct(lats, 99), lats[len(lats)-1])
	}
	fmt.Println()
	for k, v := range statuses {
		fmt.Printf("  %d × %s\n", v, k)
	}

	// 4. The refreshed sessions on the other instance: 200, no second refresh.
	var after, again atomic.Int64
	parallel(*n, *conc, func(i int) {
		s := sessions[i]
		resp, err := get(client, urls[(i+1)%len(urls)]+"/api/v1/me", s.access, s.refresh)
		if err != nil {
			after.Add(1)
			return
		}
		drain(resp)
		if resp.StatusCode != 200 {
			after.Add(1)
		} else if cookie(resp, "access") != "" {
			again.Add(1)
		}
	})
	fmt.Printf("after: %d sessions on the other instance: %d failed, %d refreshed again\n", *n, after.Load(), again.Load())
	if fails > 0 || after.Load() > 0 || again.Load() > 0 {
		os.Exit(1)
	}
}

func get(c *http.Client, url, access, refresh string) (*http.Response, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", "access="+access+"; refresh="+refresh)
	return c.Do(req)
}

func cookie(resp *http.Response, name string) string {
	for _, c := range resp.Cookies() {
		if c.Name == name && c.MaxAge > 0 {
			return c.Value
		}
	}
	return ""
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// parallel calls f(0..n-1) on conc goroutines.
func parallel(n, conc int, f func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

func pct(s []time.Duration, p int) time.Duration {
	return s[min(len(s)-1, len(s)*p/100)]
}
