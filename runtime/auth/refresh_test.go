package auth

import (
	"context"
	"testing"
	"time"
)

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
