package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// instance is one of several Authenticators sharing a store, on the real clock,
// behind its own loopback server: what two replicas of a service are.
type instance struct {
	a   *Authenticator[*testUser]
	url string
}

func newInstances(t *testing.T, store RefreshStore, n int, opts ...envOpt) []instance {
	t.Helper()
	db := newUserDB()
	key, err := HMACKey(testKID, "HS256", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	var out []instance
	for range n {
		cfg := Config[*testUser]{
			Issuer: testIssuer, Audience: testAudience, SigningKey: key,
			Lookup: db.Lookup, Roles: func(u *testUser) []string { return u.Roles },
			Store: store, Logger: discardLogger, GraceWindow: time.Millisecond,
		}
		for _, o := range opts {
			o(&cfg)
		}
		a, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(newTestMux(a))
		t.Cleanup(func() { srv.Close(); a.Close() })
		out = append(out, instance{a: a, url: srv.URL})
	}
	return out
}

// loginAt signs user in on inst and returns its cookies as a Cookie header.
func loginAt(t *testing.T, inst instance, user string) (access, both string) {
	t.Helper()
	r := doAt(t, inst.url, req{method: "POST", path: "/login", form: "user=" + user})
	if r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	a, _ := r.setCookie(inst.a.accessName)
	f, _ := r.setCookie(inst.a.refreshName)
	return inst.a.accessName + "=" + a, inst.a.accessName + "=" + a + "; " + inst.a.refreshName + "=" + f
}

// mustServe fails unless inst serves /me to cookie: the session is live there (and
// now cached as live, which is what revocation has to overcome).
func mustServe(t *testing.T, inst instance, cookie string) {
	t.Helper()
	if r := doAt(t, inst.url, req{path: "/me", cookie: cookie}); r.status != 200 {
		t.Fatalf("before revocation: %d %s", r.status, r.body)
	}
}

// refusedWithin polls inst with cookie until it answers 401 and returns how long
// that took from start; it fails the test when it takes longer than limit. The
// poll is bounded; nothing here asserts timing through sleeps.
func refusedWithin(t *testing.T, inst instance, cookie string, start time.Time, limit time.Duration) time.Duration {
	t.Helper()
	deadline := start.Add(limit + time.Second)
	for {
		r := doAt(t, inst.url, req{path: "/me", cookie: cookie})
		took := time.Since(start)
		switch {
		case r.status == 401:
			if took > limit {
				t.Fatalf("refused after %v, want within %v", took, limit)
			}
			return took
		case r.status != 200:
			t.Fatalf("status %d while waiting for the refusal: %s", r.status, r.body)
		case time.Now().After(deadline):
			t.Fatalf("still served %v after the revocation (limit %v)", took, limit)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// revocationCase44 runs docs/security-cases.md case 44 against instances sharing one store:
// logout, reuse detection and RevokeUser on instance 0 end the session on
// instance 1 within limit. It logs each measured latency.
func revocationCase44(t *testing.T, insts []instance, limit time.Duration) {
	a, b := insts[0], insts[1]
	t.Run("logout", func(t *testing.T) {
		access, both := loginAt(t, a, "alice")
		mustServe(t, b, access)
		start := time.Now()
		if r := doAt(t, a.url, req{method: "POST", path: "/logout", cookie: both}); r.status != 200 {
			t.Fatalf("logout: %d", r.status)
		}
		t.Logf("logout on one instance: access token refused on the other after %v", refusedWithin(t, b, access, start, limit))
	})
	t.Run("reuse detection", func(t *testing.T) {
		access, both := loginAt(t, a, "alice")
		refresh := both[strings.Index(both, "; ")+2:]
		mustServe(t, b, access)
		if r := doAt(t, a.url, req{method: "POST", path: "/refresh", cookie: refresh}); r.status != 200 {
			t.Fatalf("refresh: %d", r.status)
		}
		time.Sleep(5 * time.Millisecond) // past the 1ms grace window: a replay is reuse
		start := time.Now()
		if r := doAt(t, a.url, req{method: "POST", path: "/refresh", cookie: refresh}); r.status != 401 {
			t.Fatalf("replay: %d, want 401", r.status)
		}
		t.Logf("reuse detection on one instance: refused on the other after %v", refusedWithin(t, b, access, start, limit))
	})
	t.Run("RevokeUser", func(t *testing.T) {
		first, _ := loginAt(t, a, "alice")
		second, _ := loginAt(t, b, "alice")
		bob, _ := loginAt(t, a, "bob")
		mustServe(t, b, first)
		mustServe(t, a, second)
		start := time.Now()
		if err := a.a.RevokeUser(t.Context(), "alice"); err != nil {
			t.Fatal(err)
		}
		t.Logf("RevokeUser: first session refused after %v, second after %v",
			refusedWithin(t, b, first, start, limit), refusedWithin(t, a, second, start, limit))
		mustServe(t, b, bob) // another user's session is untouched
	})
}

func TestRevocationMemoryStoreCase44(t *testing.T) {
	revocationCase44(t, newInstances(t, NewMemoryStore(), 2), time.Second)
}

// mutedStore is a MemoryStore whose change channel is down: Subscribe fails at once,
// every time, so only the session cache lifetime bounds staleness.
type mutedStore struct{ *MemoryStore }

func (mutedStore) Subscribe(context.Context, func(string)) error {
	return errors.New("change channel unreachable")
}

func TestRevocationChannelDown(t *testing.T) {
	// Never longer than the cache lifetime (1s by default), channel or not; the
	// 50ms are the poll's own step and round trip, measured from the revocation.
	revocationCase44(t, newInstances(t, mutedStore{NewMemoryStore()}, 2), DefaultSessionCacheTTL+50*time.Millisecond)
}

func TestRevocationStoreDownFailsClosed(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice")
	if r := e.do(req{path: "/me", cookie: e.accessCookie(s.access)}); r.status != 200 {
		t.Fatalf("live session: %d", r.status)
	}
	e.store.down.Store(true)
	// Inside the cache lifetime the session is known: no store round trip.
	if r := e.do(req{path: "/me", cookie: e.accessCookie(s.access)}); r.status != 200 {
		t.Fatalf("cached session with the store down: %d", r.status)
	}
	e.clock.Advance(DefaultSessionCacheTTL)
	if r := e.do(req{path: "/me", cookie: e.accessCookie(s.access)}); r.status != http.StatusServiceUnavailable {
		t.Fatalf("unknown state with the store down: %d, want 503", r.status)
	}
	e.store.down.Store(false)
	if r := e.do(req{path: "/me", cookie: e.accessCookie(s.access)}); r.status != 200 {
		t.Fatalf("store back: %d", r.status)
	}
}

func TestRevocationNoSessionIDRefused(t *testing.T) {
	e := newEnv(t)
	e.sid = "" // a correctly signed access token that names no session
	if r := e.do(req{path: "/me", cookie: e.accessCookie(e.valid("alice"))}); r.status != 401 {
		t.Fatalf("token without sid: %d, want 401", r.status)
	}
	e.sid = "no-such-session"
	if r := e.do(req{path: "/me", cookie: e.accessCookie(e.valid("alice"))}); r.status != 401 {
		t.Fatalf("token of an unknown session: %d, want 401", r.status)
	}
}

func TestRevokeUserStateless(t *testing.T) {
	e := newEnv(t, stateless())
	if err := e.a.RevokeUser(t.Context(), "alice"); !errors.Is(err, ErrNotRevocable) {
		t.Fatalf("RevokeUser without a store: %v, want ErrNotRevocable", err)
	}
}
