package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/redisstore"
)

// outageTimeout is the stores' Timeout in the outage test.
const outageTimeout = time.Second

// clock is a test clock shared by both instances, starting at the wall clock
// because Redis expires keys by its own.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Now().UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// events counts what both instances report.
type events struct {
	mu     sync.Mutex
	counts map[auth.EventKind]int
	// reasons of the refresh events, to tell rotations from grace answers.
	reasons map[auth.Reason]int
}

func (e *events) record(ev auth.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts[ev.Kind]++
	e.reasons[ev.Reason]++
}

func (e *events) count(k auth.EventKind) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.counts[k]
}

// cluster is two instances of one app, each its own Authenticator and HTTP server,
// sharing one Redis through two go-redis clients, as two pods would.
type cluster struct {
	redis  *redisServer
	client *redis.Client // a third client, to inspect Redis
	prefix string
	clock  *clock
	events *events
	urls   [2]string
}

func newCluster(t *testing.T, storeTimeout time.Duration) *cluster {
	t.Helper()
	c := &cluster{
		redis:  startRedis(t),
		prefix: uniquePrefix(),
		clock:  newClock(),
		events: &events{counts: map[auth.EventKind]int{}, reasons: map[auth.Reason]int{}},
	}
	c.client = c.redis.Client(t)
	key, err := auth.HMACKey("k1", "HS256", []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.urls {
		store := redisstore.New(c.redis.Client(t), redisstore.Options{KeyPrefix: c.prefix, Timeout: storeTimeout})
		a, err := auth.New(auth.Config[string]{
			Issuer:     "https://specgate.test",
			Audience:   "api",
			SigningKey: key,
			Store:      store,
			Lookup: func(_ context.Context, sub string) (string, error) {
				if sub != "alice" {
					return "", auth.ErrUserNotFound
				}
				return sub, nil
			},
			Insecure: true, // plain-http httptest servers
			Now:      c.clock.Now,
			OnEvent:  c.events.record,
			Logger:   slog.New(slog.DiscardHandler),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		mux := http.NewServeMux()
		mux.Handle("GET /me", a.Wrap(auth.Route{Method: "GET", Pattern: "/me", OperationID: "me", Auth: auth.Required},
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				u, _ := auth.UserFrom[string](r.Context())
				fmt.Fprint(w, u)
			})))
		mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
			if err := a.Login(w, r, "alice"); err != nil {
				p, _ := auth.ProblemFor(err)
				auth.WriteProblem(w, r, p)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		c.urls[i] = srv.URL
	}
	return c
}

// session is a client's pair of cookies.
type session struct{ access, refresh string }

// login signs alice in through instance i.
func (c *cluster) login(t *testing.T, i int) session {
	t.Helper()
	s, err := c.tryLogin(i)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tryLogin is login that returns its failure.
func (c *cluster) tryLogin(i int) (session, error) {
	resp, err := http.Post(c.urls[i]+"/login", "", nil)
	if err != nil {
		return session{}, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return session{}, fmt.Errorf("login via instance %d: %s", i, resp.Status)
	}
	s := merge(session{}, resp)
	if s.access == "" || s.refresh == "" {
		return session{}, fmt.Errorf("login set %q, want both cookies", resp.Header.Values("Set-Cookie"))
	}
	return s, nil
}

// eventually retries fn for up to 10s: recovery after an outage is allowed a moment
// (reconnects, a loaded machine), not a restart.
func eventually(t *testing.T, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery within 10s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// result is one answered request.
type result struct {
	status  int
	session session // the cookies after the response, as a browser would keep them
	cleared bool    // the response expired a cookie
	took    time.Duration
}

// get requests /me from instance i with the session's cookies.
func (c *cluster) get(t *testing.T, i int, s session) result {
	t.Helper()
	req, err := http.NewRequest("GET", c.urls[i]+"/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	if s.access != "" {
		parts = append(parts, "access="+s.access)
	}
	if s.refresh != "" {
		parts = append(parts, "refresh="+s.refresh)
	}
	req.Header.Set("Cookie", strings.Join(parts, "; "))
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return result{}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	r := result{status: resp.StatusCode, session: merge(s, resp), took: time.Since(start)}
	for _, ck := range resp.Cookies() {
		r.cleared = r.cleared || ck.MaxAge < 0
	}
	return r
}

// merge applies a response's Set-Cookie headers to s.
func merge(s session, resp *http.Response) session {
	for _, ck := range resp.Cookies() {
		v := ck.Value
		if ck.MaxAge < 0 {
			v = ""
		}
		switch ck.Name {
		case "access":
			s.access = v
		case "refresh":
			s.refresh = v
		}
	}
	return s
}

// tokenKeys counts the refresh-token keys in Redis: one per token ever issued.
func (c *cluster) tokenKeys(t *testing.T) int {
	t.Helper()
	keys, err := c.client.Keys(t.Context(), c.prefix+"rt:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(keys)
}

// TestTwoInstances is docs/security-cases.md cases 30-32 across instances: 50 parallel
// requests with one expired access token and one refresh token, spread over two
// instances, all succeed with one rotation; a replay after the grace window revokes
// the family on both.
func TestTwoInstances(t *testing.T) {
	c := newCluster(t, behaviourTimeout)
	s := c.login(t, 0)
	c.clock.Advance(auth.DefaultAccessTTL + time.Minute) // access expired, refresh not

	const n = 50
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i] = c.get(t, i%2, s)
		})
	}
	close(start)
	wg.Wait()

	var next session
	for i, r := range results {
		if r.status != http.StatusOK {
			t.Fatalf("request %d via instance %d: %d, want 200", i, i%2, r.status)
		}
		if r.session.refresh == s.refresh || r.session.access == s.access {
			t.Fatalf("request %d kept the old cookies, want a refreshed session", i)
		}
		if next.refresh == "" {
			next = r.session
		}
		// No forked family: every request got the one successor.
		if r.session.refresh != next.refresh {
			t.Fatalf("request %d got refresh token %q, request 0 got %q", i, r.session.refresh, next.refresh)
		}
	}
	// One rotation: the login's token and its single successor, nothing more.
	if got := c.tokenKeys(t); got != 2 {
		t.Fatalf("%d refresh tokens in Redis after the burst, want 2 (one rotation)", got)
	}
	if got := c.events.count(auth.EventRefresh); got < 2 || got > n {
		t.Fatalf("%d refresh events, want one per instance at least (singleflight), at most %d", got, n)
	}
	t.Logf("%d refresh events for %d requests", c.events.count(auth.EventRefresh), n)

	// Replay of the old refresh token after the grace window: reuse, family revoked.
	c.clock.Advance(auth.DefaultAccessTTL + time.Minute) // past grace; new access expired too
	r := c.get(t, 1, session{refresh: s.refresh})
	if r.status != http.StatusUnauthorized || !r.cleared {
		t.Fatalf("replay after grace: %d (cleared %v), want 401 clearing cookies", r.status, r.cleared)
	}
	if got := c.events.count(auth.EventReuseDetected); got != 1 {
		t.Fatalf("%d reuse events, want 1", got)
	}
	// The live successor is dead on both instances.
	for i := range c.urls {
		if r := c.get(t, i, next); r.status != http.StatusUnauthorized {
			t.Fatalf("successor on instance %d after reuse: %d, want 401", i, r.status)
		}
	}
}

// TestRedisOutage is docs/security-cases.md case 36 across instances: with redis-server killed
// mid-run, requests that need a refresh get 503 within the store timeout while a
// valid access token still gets 200; once Redis is back, both instances work again
// without a restart.
func TestRedisOutage(t *testing.T) {
	c := newCluster(t, outageTimeout)
	stale := c.login(t, 0)
	c.clock.Advance(auth.DefaultAccessTTL + time.Minute)
	fresh := c.login(t, 1) // its access token is valid now
	// Both instances learn that fresh's session is live: a valid access token needs
	// no store within the session cache lifetime, and only then.
	for i := range c.urls {
		if r := c.get(t, i, fresh); r.status != http.StatusOK {
			t.Fatalf("fresh session on instance %d: %d", i, r.status)
		}
	}

	// Traffic runs while Redis dies: each answer is 200 or 503, never 401 (the
	// session is fine) and never anything else.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var during sync.Map
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r := c.get(t, (w+i)%2, stale)
				during.Store(r.status, true)
				if r.status != http.StatusOK && r.status != http.StatusServiceUnavailable {
					t.Errorf("refresh during outage: %d, want 200 or 503", r.status)
					return
				}
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	c.redis.Kill()
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()

	for i := range c.urls {
		// The store is down: no refresh, fail closed, fast, and the session survives.
		r := c.get(t, i, stale)
		if r.status != http.StatusServiceUnavailable {
			t.Fatalf("refresh on instance %d with Redis down: %d, want 503", i, r.status)
		}
		if r.cleared {
			t.Fatalf("503 on instance %d cleared the cookies; the session is not dead", i)
		}
		if r.took > outageTimeout+time.Second {
			t.Fatalf("503 on instance %d took %v with store Timeout %v", i, r.took, outageTimeout)
		}
		// A valid access token whose session state is cached needs no store.
		if r := c.get(t, i, fresh); r.status != http.StatusOK {
			t.Fatalf("valid access token on instance %d with Redis down: %d, want 200", i, r.status)
		}
	}
	// Past the session cache lifetime the state must be asked for again: with the
	// store down that is 503 (a revocation could have been missed), not a pass.
	c.clock.Advance(auth.DefaultSessionCacheTTL)
	for i := range c.urls {
		if r := c.get(t, i, fresh); r.status != http.StatusServiceUnavailable || r.cleared {
			t.Fatalf("access token past the session cache lifetime with Redis down on instance %d: %d (cleared %v), want 503", i, r.status, r.cleared)
		}
	}

	// Redis comes back empty (no persistence): old sessions are gone, but logins and
	// refreshes work again on both instances with the same clients.
	c.redis.Restart()
	for i := range c.urls {
		eventually(t, func() error {
			s, err := c.tryLogin(i)
			if err != nil {
				return err
			}
			c.clock.Advance(auth.DefaultAccessTTL + time.Minute)
			r := c.get(t, 1-i, s)
			if r.status != http.StatusOK || r.session.refresh == s.refresh {
				return fmt.Errorf("refresh via instance %d after restart: %d, want 200 and a new refresh token", 1-i, r.status)
			}
			return nil
		})
	}
	t.Logf("statuses seen while Redis died: %v", keys(&during))
}

func keys(m *sync.Map) []any {
	var out []any
	m.Range(func(k, _ any) bool { out = append(out, k); return true })
	return out
}
