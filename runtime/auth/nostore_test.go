package auth

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

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

// TestRefreshedResponseIsNoStore: a response that sets session cookies must
// never be stored by a shared cache, whatever Cache-Control the handler chose: the
// next visitor would get the previous one's tokens. The guard used to set no-store
// before the handler ran, and the handler's Set replaced it.
func TestRefreshedResponseIsNoStore(t *testing.T) {
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

// TestOptionalNoStoreOnClearAndSuccessor: the other responses of an Optional
// route that set cookies: clearing dead ones, and handing over the successor of a
// rotated refresh token while the user store is down.
func TestOptionalNoStoreOnClearAndSuccessor(t *testing.T) {
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

// TestRefreshedStreamingWorks: on the refresh path the handler gets a
// wrapped ResponseWriter; flushing (both ways), deadlines and hijacking through
// http.ResponseController must still reach the real connection.
func TestRefreshedStreamingWorks(t *testing.T) {
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
