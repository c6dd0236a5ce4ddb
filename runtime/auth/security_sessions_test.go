package auth

import (
	"testing"
	"time"
)

// TestSecuritySessionsEnd covers SECURITY.md cases 42 and 43 (sessions that end).
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
}
