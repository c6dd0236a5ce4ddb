package auth

import (
	"fmt"
	"testing"
	"time"
)

// TestSecuritySessionsEnd covers docs/security-cases.md cases 42 and 43 (sessions that end).
func TestSecuritySessionsEnd(t *testing.T) {
	t.Run("case 42 logout with only a refresh cookie mints nothing", func(t *testing.T) {
		for _, path := range []string{"/logout", "/logout-required", "/logout-optional"} {
			t.Run(path, func(t *testing.T) {
				modes(t, func(t *testing.T, e *env) {
					s := e.login("alice")
					e.clock.Advance(16 * time.Minute) // the access token is gone; only refresh left
					r := e.do(req{method: "POST", path: path, cookie: e.refreshCookie(s.refresh)})
					if r.status != 200 || r.body != "logged out" {
						t.Fatalf("status %d body %q", r.status, r.body)
					}
					// Exactly the two clearing cookies: nothing with a value.
					if !r.cleared(e) || len(r.cookies) != 2 {
						t.Fatalf("want only the two clearing cookies, got %q", r.cookies)
					}
					if e.store != nil {
						// The family is revoked: the refresh token opens nothing.
						if r := e.do(req{path: "/me", cookie: e.refreshCookie(s.refresh)}); r.status != 401 {
							t.Fatalf("refresh token after logout: %d", r.status)
						}
					}
				})
			})
		}
	})

	t.Run("case 43 lifetime capped by the config", func(t *testing.T) {
		e := newEnv(t) // AccessTTL 15m, Leeway 10s, RefreshTTL 24h
		now := e.clock.Now().Unix()
		access := func(iat, exp int64) string {
			return e.tok(fmt.Sprintf(`{"iss":%q,"sub":"alice","aud":%q,"exp":%d,"iat":%d,"jti":"j","sid":"test-sid"}`, testIssuer, testAudience, exp, iat))
		}
		for _, c := range []struct {
			name     string
			iat, exp int64
			want     int
		}{
			{"exactly AccessTTL+Leeway", now - 5, now - 5 + 15*60 + 10, 200},
			{"one second more", now - 5, now - 5 + 15*60 + 11, 401},
			{"valid until 9999", now, 253402300799, 401},
			{"a day", now, now + 86400, 401},
		} {
			r := e.do(req{path: "/me", cookie: e.accessCookie(access(c.iat, c.exp))})
			if r.status != c.want {
				t.Errorf("access %s: status %d, want %d", c.name, r.status, c.want)
			}
		}

		// Stateless refresh tokens: capped by RefreshTTL (+ Leeway).
		s := newEnv(t, stateless())
		ks := s.a.keys.Load()
		for _, c := range []struct {
			name string
			ttl  time.Duration
			want int
		}{
			{"RefreshTTL", 24 * time.Hour, 200},
			{"RefreshTTL+Leeway", 24*time.Hour + 10*time.Second, 200},
			{"a year", 365 * 24 * time.Hour, 401},
		} {
			tok, _, err := mint(ks.refresh, testIssuer, testAudience, "alice", "", nil, s.clock.Now(), c.ttl)
			if err != nil {
				t.Fatal(err)
			}
			r := s.do(req{path: "/me", cookie: s.refreshCookie(tok)})
			if r.status != c.want {
				t.Errorf("stateless refresh %s: status %d, want %d", c.name, r.status, c.want)
			}
		}
	})
}

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
