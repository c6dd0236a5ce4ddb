package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSessionsEnd covers docs/security-cases.md cases 42 and 43 (sessions that end).
func TestSessionsEnd(t *testing.T) {
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

// helperServer routes the session helpers without a method in the pattern, so every
// method reaches them: an app whose router does not restrict the method.
func helperServer(t *testing.T, e *env) string {
	t.Helper()
	mux := newTestMux(e.a) // for /me
	call := map[string]func(http.ResponseWriter, *http.Request) error{
		"/any/login":   func(w http.ResponseWriter, r *http.Request) error { return e.a.Login(w, r, "bob") },
		"/any/refresh": e.a.Refresh,
		"/any/logout":  e.a.Logout,
	}
	for path, f := range call {
		mux.Handle(path, e.a.Wrap(Route{Pattern: path, OperationID: path, Auth: Public}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := f(w, r); err != nil {
				p, _ := ProblemFor(err)
				WriteProblem(w, r, p)
				return
			}
			io.WriteString(w, "done")
		})))
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestSessionHelpersRefuseSafeMethods: CrossOriginProtection lets GET, HEAD
// and OPTIONS through from any site, so a helper reachable by GET could be driven by
// a cross-site <img> (logout) or top-level link (login as the attacker).
func TestSessionHelpersRefuseSafeMethods(t *testing.T) {
	e := newEnv(t)
	base := helperServer(t, e)
	s := e.login("alice")
	crossSite := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
	for _, path := range []string{"/any/login", "/any/refresh", "/any/logout"} {
		for _, method := range []string{"GET", "HEAD", "OPTIONS"} {
			t.Run(method+path, func(t *testing.T) {
				r := doAt(t, base, req{method: method, path: path, cookie: e.both(s), header: crossSite})
				if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" {
					t.Fatalf("%s %s: %d Allow %q", method, path, r.status, r.header.Get("Allow"))
				}
				if len(r.cookies) != 0 {
					t.Fatalf("%s %s set cookies: %q", method, path, r.cookies)
				}
				if method != "HEAD" && (r.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(r.body, `"code":"method-not-allowed"`)) {
					t.Fatalf("%s %s body: %q %q", method, path, r.header.Get("Content-Type"), r.body)
				}
			})
		}
	}
	// Nothing happened to alice's session: neither revoked nor rotated.
	e.clock.Advance(16 * time.Minute)
	if r := e.do(req{path: "/me", cookie: e.both(s)}); r.status != 200 || r.body != "user:alice" {
		t.Fatalf("alice after the refused requests: %d %q", r.status, r.body)
	}
	// POST still works, and a DELETE logout is the app's choice.
	if r := doAt(t, base, req{method: "POST", path: "/any/login"}); r.status != 200 {
		t.Fatalf("POST login: %d %q", r.status, r.body)
	}
	if r := doAt(t, base, req{method: "DELETE", path: "/any/logout", cookie: e.both(s)}); r.status != 200 || !r.cleared(e) {
		t.Fatalf("DELETE logout: %d %q", r.status, r.body)
	}
}

// revokeFailsStore is the real MemoryStore whose RevokeFamily cannot reach it.
type revokeFailsStore struct{ *MemoryStore }

func (s revokeFailsStore) RevokeFamily(context.Context, TokenHash) error { return errStoreDown }

// TestLoginRevokesPreviousFamily: on a shared browser the next user's login
// replaces the cookies, but the previous user's refresh family stayed alive in the
// store, usable by anyone who had copied the token.
func TestLoginRevokesPreviousFamily(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice")
	r := e.do(req{method: "POST", path: "/login", form: "user=bob", cookie: e.both(alice)})
	if r.status != 200 {
		t.Fatalf("bob's login: %d %q", r.status, r.body)
	}
	e.clock.Advance(16 * time.Minute)
	if r := e.do(req{path: "/me", cookie: e.both(alice)}); r.status != 401 {
		t.Fatalf("alice's refresh token after bob logged in on her browser: %d %q", r.status, r.body)
	}

	t.Run("store error fails closed", func(t *testing.T) {
		e := newEnv(t, func(c *Config[*testUser]) { c.Store = revokeFailsStore{NewMemoryStore()} })
		alice := e.login("alice")
		r := e.do(req{method: "POST", path: "/login", form: "user=bob", cookie: e.both(alice)})
		if r.status != 503 || len(r.cookies) != 0 {
			t.Fatalf("login that cannot revoke the previous family: %d %q", r.status, r.cookies)
		}
		// Without an old session to revoke, the store is never asked to.
		if r := e.do(req{method: "POST", path: "/login", form: "user=bob"}); r.status != 200 {
			t.Fatalf("login without cookies: %d %q", r.status, r.body)
		}
	})
}
