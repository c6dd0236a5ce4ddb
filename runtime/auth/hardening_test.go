package auth

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Tests for the second security review's hardening items; each failed before its fix.

// cachingHandler is an app handler that declares its response cacheable, the way a
// catalogue page might. how says how it produces the response.
func cachingHandler(how string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		body := "anonymous"
		if u, ok := UserFrom[*testUser](r.Context()); ok {
			body = "user:" + u.ID
		}
		switch how {
		case "write":
			io.WriteString(w, body)
		case "writeheader":
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, body)
		case "nothing": // net/http writes the 200 after the handler returns
		case "flush-first":
			if err := http.NewResponseController(w).Flush(); err != nil {
				http.Error(w, err.Error(), http.StatusTeapot)
				return
			}
			io.WriteString(w, body)
		case "early-hints":
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Set("Cache-Control", "public, max-age=300") // again, after the 103
			io.WriteString(w, body)
		}
	}
}

// cachingServer serves /req and /opt (Required and Optional) through e's guard with a
// handler that sets "Cache-Control: public, max-age=300".
func cachingServer(t *testing.T, e *env, how string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET /req", e.a.Wrap(Route{Method: "GET", Pattern: "/req", OperationID: "req"}, cachingHandler(how)))
	mux.Handle("GET /opt", e.a.Wrap(Route{Method: "GET", Pattern: "/opt", OperationID: "opt", Auth: Optional}, cachingHandler(how)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestHardeningRefreshedResponseIsNoStore: a response that sets session cookies must
// never be stored by a shared cache, whatever Cache-Control the handler chose: the
// next visitor would get the previous one's tokens. The guard used to set no-store
// before the handler ran, and the handler's Set replaced it.
func TestHardeningRefreshedResponseIsNoStore(t *testing.T) {
	for _, how := range []string{"write", "writeheader", "nothing", "flush-first", "early-hints"} {
		for _, path := range []string{"/req", "/opt"} {
			t.Run(how+path, func(t *testing.T) {
				e := newEnv(t)
				base := cachingServer(t, e, how)
				s := e.login("alice")

				// Steady state: no cookie set, the handler's caching is its own business.
				r := doAt(t, base, req{path: path, cookie: e.both(s)})
				if r.status != 200 || len(r.cookies) != 0 || r.header.Get("Cache-Control") != "public, max-age=300" {
					t.Fatalf("valid session: %d %q cookies %q", r.status, r.header.Get("Cache-Control"), r.cookies)
				}

				// Transparent refresh: new cookies, so no-store wins.
				e.clock.Advance(16 * time.Minute)
				r = doAt(t, base, req{path: path, cookie: e.both(s)})
				if r.status != 200 || (how != "nothing" && r.body != "user:alice") {
					t.Fatalf("refresh: %d %q", r.status, r.body)
				}
				if _, n := r.setCookie(e.a.accessName); n != 1 {
					t.Fatalf("refresh set no access cookie: %q", r.cookies)
				}
				if cc := r.header.Values("Cache-Control"); len(cc) != 1 || cc[0] != "no-store" {
					t.Fatalf("refreshed response has Cache-Control %q, want no-store", cc)
				}
			})
		}
	}
}

// TestHardeningOptionalNoStoreOnClearAndSuccessor: the other responses of an Optional
// route that set cookies: clearing dead ones, and handing over the successor of a
// rotated refresh token while the user store is down.
func TestHardeningOptionalNoStoreOnClearAndSuccessor(t *testing.T) {
	t.Run("clear", func(t *testing.T) {
		e := newEnv(t)
		base := cachingServer(t, e, "write")
		r := doAt(t, base, req{path: "/opt", cookie: e.accessCookie("garbage")})
		if r.status != 200 || r.body != "anonymous" || !r.cleared(e) {
			t.Fatalf("bad cookie on an optional route: %d %q %q", r.status, r.body, r.cookies)
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("cookie-clearing response has Cache-Control %q", cc)
		}
	})
	t.Run("successor", func(t *testing.T) {
		e := newEnv(t)
		base := cachingServer(t, e, "write")
		s := e.login("alice")
		e.clock.Advance(16 * time.Minute)
		e.db.down.Store(true)
		r := doAt(t, base, req{path: "/opt", cookie: e.both(s)})
		if next, n := r.setCookie(e.a.refreshName); r.status != 200 || n != 1 || next == s.refresh {
			t.Fatalf("user store down: %d %q", r.status, r.cookies)
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("successor hand-over has Cache-Control %q", cc)
		}
	})
}

// TestHardeningRefreshedStreamingWorks: on the refresh path the handler gets a
// wrapped ResponseWriter; flushing (both ways), deadlines and hijacking through
// http.ResponseController must still reach the real connection.
func TestHardeningRefreshedStreamingWorks(t *testing.T) {
	e := newEnv(t)
	mux := http.NewServeMux()
	mux.Handle("GET /stream", e.a.Wrap(Route{Method: "GET", Pattern: "/stream", OperationID: "stream"},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
				http.Error(w, "deadline: "+err.Error(), http.StatusTeapot)
				return
			}
			w.Header().Set("Cache-Control", "public, max-age=300")
			io.WriteString(w, "one\n")
			f, ok := w.(http.Flusher)
			if !ok {
				http.Error(w, "not a Flusher", http.StatusTeapot)
				return
			}
			f.Flush()
			io.WriteString(w, "two\n")
			if err := rc.Flush(); err != nil {
				io.WriteString(w, "flush: "+err.Error())
			}
		})))
	mux.Handle("GET /hijack", e.a.Wrap(Route{Method: "GET", Pattern: "/hijack", OperationID: "hijack"},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				http.Error(w, "hijack: "+err.Error(), http.StatusTeapot)
				return
			}
			defer conn.Close()
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
			buf.Flush()
		})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s := e.login("alice")
	e.clock.Advance(16 * time.Minute)

	r := doAt(t, srv.URL, req{path: "/stream", cookie: e.both(s)})
	if r.status != 200 || r.body != "one\ntwo\n" || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("streaming on a refreshed response: %d %q %q", r.status, r.body, r.header.Get("Cache-Control"))
	}
	// The refresh rotated s.refresh; the hijack request refreshes with the successor.
	next, _ := r.setCookie(e.a.refreshName)
	r = doAt(t, srv.URL, req{path: "/hijack", cookie: e.accessCookie(s.access) + "; " + e.refreshCookie(next)})
	if r.status != 200 || r.body != "hijacked" {
		t.Fatalf("hijack on a refreshed response: %d %q", r.status, r.body)
	}
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

// TestHardeningSessionHelpersRefuseSafeMethods: CrossOriginProtection lets GET, HEAD
// and OPTIONS through from any site, so a helper reachable by GET could be driven by
// a cross-site <img> (logout) or top-level link (login as the attacker).
func TestHardeningSessionHelpersRefuseSafeMethods(t *testing.T) {
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

// TestHardeningLoginRevokesPreviousFamily: on a shared browser the next user's login
// replaces the cookies, but the previous user's refresh family stayed alive in the
// store, usable by anyone who had copied the token.
func TestHardeningLoginRevokesPreviousFamily(t *testing.T) {
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

// TestHardeningGraceWindowShorterThanAccessTTL: a grace window as long as an access
// token lets a rotated token's hand-back overlap the next real rotation.
func TestHardeningGraceWindowShorterThanAccessTTL(t *testing.T) {
	key, _ := HMACKey("k1", "HS256", testSecret)
	cfg := func(access, grace time.Duration) Config[string] {
		return Config[string]{Issuer: "i", Audience: "a", SigningKey: key, AccessTTL: access, GraceWindow: grace,
			Lookup: func(context.Context, string) (string, error) { return "", nil }, Logger: discardLogger}
	}
	for _, c := range []struct{ access, grace time.Duration }{
		{DefaultAccessTTL, DefaultAccessTTL},
		{time.Minute, 2 * time.Minute},
		{time.Hour, 24 * time.Hour},
	} {
		_, err := New(cfg(c.access, c.grace))
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "GraceWindow") || !strings.Contains(err.Error(), "AccessTTL") {
			t.Errorf("AccessTTL %v, GraceWindow %v: err = %v", c.access, c.grace, err)
		}
	}
	// The default follows a short AccessTTL (the example's -access-ttl 5s demo).
	short := cfg(5*time.Second, 0)
	short.Leeway = time.Second
	if _, err := New(short); err != nil {
		t.Errorf("AccessTTL 5s, default grace: %v", err)
	}
	if _, err := New(cfg(0, DefaultGraceWindow)); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestHardeningStoreEmptySubjectRefused: a store record without a subject (a store
// bug, a hand-edited Redis key) must not reach Lookup as "", which an app's query
// may well match.
func TestHardeningStoreEmptySubjectRefused(t *testing.T) {
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

// TestHardeningBearer401NamesScheme: RFC 6750 wants the scheme in WWW-Authenticate
// on a 401 to a Bearer request; cookie requests, and servers that ignore Bearer,
// must not advertise it.
func TestHardeningBearer401NamesScheme(t *testing.T) {
	bearer := func(c *Config[*testUser]) { c.AllowBearer = true }
	cases := []struct {
		name   string
		opts   []envOpt
		q      req
		status int
		want   string
	}{
		{"bad bearer", []envOpt{bearer}, req{path: "/me", header: map[string]string{"Authorization": "Bearer nope"}}, 401, "Bearer"},
		{"mixed", []envOpt{bearer}, req{path: "/me", cookie: "__Host-access=x", header: map[string]string{"Authorization": "bearer nope"}}, 401, "Bearer"},
		{"cookie only", []envOpt{bearer}, req{path: "/me", cookie: "__Host-access=x"}, 401, ""},
		{"bearer not accepted", nil, req{path: "/me", header: map[string]string{"Authorization": "Bearer nope"}}, 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts...)
			r := e.do(tc.q)
			if r.status != tc.status || r.header.Get("WWW-Authenticate") != tc.want {
				t.Fatalf("%d WWW-Authenticate %q, want %d %q", r.status, r.header.Get("WWW-Authenticate"), tc.status, tc.want)
			}
		})
	}
	// A valid Bearer token still passes, without the header.
	e := newEnv(t, bearer)
	r := e.do(req{path: "/me", header: map[string]string{"Authorization": "Bearer " + e.valid("alice")}})
	if r.status != 200 || r.header.Get("WWW-Authenticate") != "" {
		t.Fatalf("valid bearer: %d %q", r.status, r.header.Get("WWW-Authenticate"))
	}
}

// TestHardeningInsecureWarns: the development switch must not reach production
// silently.
func TestHardeningInsecureWarns(t *testing.T) {
	key, _ := HMACKey("k1", "HS256", testSecret)
	for _, insecure := range []bool{false, true} {
		var buf bytes.Buffer
		_, err := New(Config[string]{Issuer: "i", Audience: "a", SigningKey: key, Insecure: insecure,
			Lookup: func(context.Context, string) (string, error) { return "", nil },
			Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))})
		if err != nil {
			t.Fatal(err)
		}
		warned := false
		for sc := bufio.NewScanner(&buf); sc.Scan(); {
			warned = warned || strings.Contains(sc.Text(), "level=WARN") && strings.Contains(sc.Text(), "Insecure")
		}
		if warned != insecure {
			t.Errorf("Insecure %v: warned %v (log %q)", insecure, warned, buf.String())
		}
	}
}
