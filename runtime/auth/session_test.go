package auth

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

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
