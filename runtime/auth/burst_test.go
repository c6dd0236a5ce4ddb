package auth

import (
	"testing"
	"time"
)

// TestOneRefreshPerBurst: requests that present the same refresh token one after
// the other inside the grace window (a page's queued requests) get the same access
// token and the same successor; only one token is minted.
func TestOneRefreshPerBurst(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice")
	e.clock.Advance(16 * time.Minute)
	var access, refresh string
	for i := range 20 {
		r := e.do(req{path: "/me", cookie: e.both(s)})
		if r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
		a, _ := r.setCookie(e.a.accessName)
		f, _ := r.setCookie(e.a.refreshName)
		if i > 0 && (a != access || f != refresh) {
			t.Fatalf("request %d got another access token or successor than request 0", i)
		}
		access, refresh = a, f
		e.clock.Advance(time.Second) // not overlapping: singleflight cannot help
	}
	if a := e.do(req{path: "/me", cookie: e.accessCookie(access)}); a.status != 200 {
		t.Fatalf("the shared access token: %d", a.status)
	}
	// After the grace window the same refresh token is reuse: nothing minted, and
	// the shared access token dies with its session.
	e.clock.Advance(30 * time.Second)
	if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 401 {
		t.Fatalf("replay after the grace window: %d, want 401", r.status)
	}
	if r := e.do(req{path: "/me", cookie: e.accessCookie(access)}); r.status != 401 {
		t.Fatalf("access token of the revoked session: %d, want 401", r.status)
	}
}
