package auth

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// modes runs f in both refresh modes.
func modes(t *testing.T, f func(t *testing.T, e *env)) {
	t.Run("store", func(t *testing.T) { e := newEnv(t); e.t = t; f(t, e) })
	t.Run("stateless", func(t *testing.T) { e := newEnv(t, stateless()); e.t = t; f(t, e) })
}

// TestRefresh covers docs/security-cases.md cases 28 to 36: the transparent refresh
// of an expired access token, in both refresh modes where a case applies to both.
func TestRefresh(t *testing.T) {
	t.Run("case 28 expired access and valid refresh: one new access cookie, no-store", func(t *testing.T) {
		modes(t, func(t *testing.T, e *env) {
			s := e.login("alice")
			e.clock.Advance(16 * time.Minute)
			r := e.do(req{path: "/me", cookie: e.both(s)})
			if r.status != 200 || r.body != "user:alice" {
				t.Fatalf("status %d body %q", r.status, r.body)
			}
			access, n := r.setCookie(e.a.accessName)
			if n != 1 || access == "" || access == s.access {
				t.Fatalf("%d access cookies, value %q", n, access)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Fatalf("Cache-Control %q", cc)
			}
			refresh, nr := r.setCookie(e.a.refreshName)
			if e.store != nil && (nr != 1 || refresh == s.refresh) {
				t.Fatalf("store mode: %d refresh cookies (%q): want one rotated", nr, refresh)
			}
			if e.store == nil && nr != 0 {
				t.Fatalf("stateless mode re-set the refresh cookie")
			}
			// The new access cookie works alone and sets nothing.
			if r2 := e.do(req{path: "/me", cookie: e.accessCookie(access)}); r2.status != 200 || len(r2.cookies) != 0 {
				t.Fatalf("new access cookie: %d %q", r2.status, r2.cookies)
			}
		})
	})
	t.Run("case 29 refresh token expired", func(t *testing.T) {
		modes(t, func(t *testing.T, e *env) {
			s := e.login("alice")
			e.clock.Advance(25 * time.Hour)
			if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 401 || !r.cleared(e) {
				t.Fatalf("status %d, cleared %v: %q", r.status, r.cleared(e), r.cookies)
			}
		})
	})
	t.Run("case 29 refresh token revoked by logout", func(t *testing.T) {
		e := newEnv(t)
		e.t = t
		s := e.login("alice")
		if r := e.do(req{method: "POST", path: "/logout", cookie: e.both(s)}); r.status != 200 || !r.cleared(e) {
			t.Fatalf("logout %d %q", r.status, r.cookies)
		}
		e.clock.Advance(16 * time.Minute)
		if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 401 || !r.cleared(e) {
			t.Fatalf("status %d, cookies %q", r.status, r.cookies)
		}
	})
	t.Run("case 29 refresh token unknown", func(t *testing.T) {
		modes(t, func(t *testing.T, e *env) {
			for _, f := range []string{randomString(32), "AAAA", e.valid("alice")} {
				if r := e.do(req{path: "/me", cookie: e.refreshCookie(f)}); r.status != 401 || !r.cleared(e) {
					t.Fatalf("refresh %q: status %d, cookies %q", f, r.status, r.cookies)
				}
			}
		})
	})
	t.Run("case 30 rotated token inside the grace window yields the same successor", func(t *testing.T) {
		e := newEnv(t)
		e.t = t
		s := e.login("alice")
		e.clock.Advance(16 * time.Minute)
		first, _ := e.do(req{path: "/me", cookie: e.both(s)}).setCookie(e.a.refreshName)
		e.clock.Advance(10 * time.Second)
		r := e.do(req{path: "/me", cookie: e.both(s)})
		again, _ := r.setCookie(e.a.refreshName)
		if r.status != 200 || again != first || first == "" {
			t.Fatalf("replay in grace: %d, successor %q vs %q", r.status, again, first)
		}
	})
	t.Run("case 30 rotated token after the grace window revokes the family", func(t *testing.T) {
		e := newEnv(t)
		e.t = t
		s := e.login("alice")
		e.clock.Advance(16 * time.Minute)
		next, _ := e.do(req{path: "/me", cookie: e.both(s)}).setCookie(e.a.refreshName)
		e.clock.Advance(31 * time.Second)
		if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 401 || !r.cleared(e) {
			t.Fatalf("replay after grace: %d", r.status)
		}
		if e.eventCount(EventReuseDetected) != 1 {
			t.Fatalf("reuse-detected events: %d", e.eventCount(EventReuseDetected))
		}
		if r := e.do(req{path: "/me", cookie: e.refreshCookie(next)}); r.status != 401 {
			t.Fatalf("successor after reuse: %d, want 401 (family revoked)", r.status)
		}
	})
	t.Run("case 31 fifty parallel requests share one rotation", func(t *testing.T) {
		modes(t, func(t *testing.T, e *env) {
			s := e.login("alice")
			e.clock.Advance(16 * time.Minute)
			results := parallel(t, 50, func(i int) result { return doAt(t, e.srv.URL, req{path: "/me", cookie: e.both(s)}) })
			checkOneSuccessor(t, e, results)
		})
	})
	t.Run("case 32 two instances sharing one store: no double issue", func(t *testing.T) {
		e := newEnv(t)
		e.t = t
		// A second instance: same keys and store, its own Authenticator and server.
		cfg := e.a.cfg
		b, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srvB := httptest.NewServer(newTestMux(b))
		defer srvB.Close()
		s := e.login("alice")
		e.clock.Advance(16 * time.Minute)
		results := parallel(t, 40, func(i int) result {
			base := e.srv.URL
			if i%2 == 1 {
				base = srvB.URL
			}
			return doAt(t, base, req{path: "/me", cookie: e.both(s)})
		})
		checkOneSuccessor(t, e, results)
	})
	t.Run("case 33 tokens in each other's cookies", func(t *testing.T) {
		modes(t, func(t *testing.T, e *env) {
			s := e.login("alice")
			r := e.do(req{path: "/me", cookie: e.accessCookie(s.refresh) + "; " + e.refreshCookie(s.access)})
			if r.status != 401 || !r.cleared(e) {
				t.Fatalf("status %d cookies %q", r.status, r.cookies)
			}
		})
	})
	t.Run("case 34 expired access alone is never re-signed", func(t *testing.T) {
		modes(t, func(t *testing.T, e *env) {
			s := e.login("alice")
			e.clock.Advance(16 * time.Minute)
			r := e.do(req{path: "/me", cookie: e.accessCookie(s.access)})
			if v, _ := r.setCookie(e.a.accessName); r.status != 401 || v != "" {
				t.Fatalf("status %d, new access %q", r.status, v)
			}
		})
	})
	t.Run("case 35 deleted or disabled user with a valid access token", func(t *testing.T) {
		modes(t, func(t *testing.T, e *env) {
			a, b := e.login("alice"), e.login("bob")
			e.db.mu.Lock()
			delete(e.db.users, "alice")
			e.db.disabled["bob"] = true
			e.db.mu.Unlock()
			for _, s := range []testSession{a, b} {
				if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 401 || !r.cleared(e) {
					t.Fatalf("status %d cookies %q", r.status, r.cookies)
				}
				e.clock.Advance(16 * time.Minute) // and through the refresh path
				if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 401 || !r.cleared(e) {
					t.Fatalf("refresh path: status %d cookies %q", r.status, r.cookies)
				}
			}
		})
	})
	t.Run("case 36 user store down: 503, then back", func(t *testing.T) {
		modes(t, func(t *testing.T, e *env) {
			s := e.login("alice")
			e.db.down.Store(true)
			r := e.do(req{path: "/me", cookie: e.both(s)})
			if r.status != 503 || len(r.cookies) != 0 || !strings.Contains(r.body, `"code":"unavailable"`) {
				t.Fatalf("db down: %d %q %q", r.status, r.body, r.cookies)
			}
			e.db.down.Store(false)
			if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 200 {
				t.Fatalf("db back: %d", r.status)
			}
		})
	})
	t.Run("case 36 refresh store down: 503, then back", func(t *testing.T) {
		e := newEnv(t)
		e.t = t
		s := e.login("alice")
		e.clock.Advance(16 * time.Minute)
		e.store.down.Store(true)
		if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 503 || len(r.cookies) != 0 {
			t.Fatalf("store down: %d %q", r.status, r.cookies)
		}
		if r := e.do(req{method: "POST", path: "/login", form: "user=bob"}); r.status != 503 {
			t.Fatalf("login with the store down: %d", r.status)
		}
		e.store.down.Store(false)
		if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 200 {
			t.Fatalf("store back: %d", r.status)
		}
	})
}

// parallel runs n requests at once and returns their results.
func parallel(t *testing.T, n int, do func(i int) result) []result {
	t.Helper()
	out := make([]result, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			out[i] = do(i)
		}()
	}
	start.Done()
	done.Wait()
	return out
}

// checkOneSuccessor: every request succeeded, with a store they all got the same
// successor, and the store holds exactly one rotation (two tokens, one family).
func checkOneSuccessor(t *testing.T, e *env, results []result) {
	t.Helper()
	var successor string
	for i, r := range results {
		if r.status != 200 || r.body != "user:alice" {
			t.Fatalf("request %d: %d %q", i, r.status, r.body)
		}
		if _, n := r.setCookie(e.a.accessName); n != 1 {
			t.Fatalf("request %d: %d access cookies", i, n)
		}
		if e.store == nil {
			continue
		}
		v, n := r.setCookie(e.a.refreshName)
		if n != 1 || (successor != "" && v != successor) {
			t.Fatalf("request %d: refresh %q, others got %q: the family forked", i, v, successor)
		}
		successor = v
	}
	if e.store != nil {
		// Beside the env's own session (testSID): one token and one family.
		if tokens, families := e.store.Len(); tokens != 3 || families != 2 {
			t.Fatalf("store holds %d tokens in %d families, want 3 in 2 (the env's session, and one rotation)", tokens, families)
		}
		if r := e.do(req{path: "/me", cookie: e.refreshCookie(successor)}); r.status != 200 {
			t.Fatalf("the successor does not work: %d", r.status)
		}
	}
}

// TestRefreshKeepsSuccessorWhenLookupFails: the store rotates before the user
// lookup runs. If the lookup then fails (503) and the response does not hand over the
// successor, the client replays the rotated token once the outage is over; after the
// grace window that is "reuse", which revokes the family and logs the user out with a
// false security alert. docs/security-cases.md case 36 says it works again when the store is back.
func TestRefreshKeepsSuccessorWhenLookupFails(t *testing.T) {
	cases := []struct {
		name, method, path string
		status             int // while the user store is down
	}{
		{"required route", "GET", "/me", 503},
		{"optional route", "GET", "/maybe", 200},
		{"Refresh helper", "POST", "/refresh", 503},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.t = t
			s := e.login("alice")
			e.clock.Advance(16 * time.Minute)
			e.db.down.Store(true)
			r := e.do(req{method: tc.method, path: tc.path, cookie: e.both(s)})
			if r.status != tc.status {
				t.Fatalf("user store down: %d %s", r.status, r.body)
			}
			next, n := r.setCookie(e.a.refreshName)
			if n != 1 || next == "" || next == s.refresh {
				t.Fatalf("rotated, but the successor was not handed over: %q", r.cookies)
			}
			if _, n := r.setCookie(e.a.accessName); n != 0 {
				t.Fatalf("an access cookie was set on a failed refresh: %q", r.cookies)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Fatalf("Cache-Control %q on a response that sets a token", cc)
			}
			// The outage outlasts the grace window; then the store is back.
			e.clock.Advance(time.Minute)
			e.db.down.Store(false)
			r = e.do(req{path: "/me", cookie: e.accessCookie(s.access) + "; " + e.refreshCookie(next)})
			if r.status != 200 || r.body != "user:alice" {
				t.Fatalf("user store back: %d %s", r.status, r.body)
			}
			if n := e.eventCount(EventReuseDetected); n != 0 {
				t.Fatalf("%d reuse-detected events for a legitimate client", n)
			}
		})
	}
}

// TestStoreEmptySubjectRefused: a store record without a subject (a store
// bug, a hand-edited Redis key) must not reach Lookup as "", which an app's query
// may well match.
func TestStoreEmptySubjectRefused(t *testing.T) {
	lax := func(c *Config[*testUser]) {
		lookup := c.Lookup
		c.Lookup = func(ctx context.Context, sub string) (*testUser, error) {
			if sub == "" {
				return &testUser{ID: "(guest)"}, nil // e.g. WHERE id = '' matched a row
			}
			return lookup(ctx, sub)
		}
	}
	e := newEnv(t, lax)
	tok := randomString(32)
	rs := RefreshSession{Family: "f-empty", Subject: "", ExpiresAt: e.clock.Now().Add(time.Hour)}
	if err := e.store.MemoryStore.Issue(context.Background(), hashToken(tok), rs); err != nil {
		t.Fatal(err)
	}
	r := e.do(req{path: "/me", cookie: e.refreshCookie(tok)})
	if r.status != 401 || !r.cleared(e) {
		t.Fatalf("a stored session without subject: %d %q %q", r.status, r.body, r.cookies)
	}
	if _, n := r.setCookie(e.a.accessName); n != 1 {
		t.Fatalf("cookies: %q", r.cookies)
	}
}
