package auth

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	appOrigin = "https://app.example.com" // trusted, same site as apiOrigin
	apiOrigin = "https://api.example.com"
)

// corsEnv is an env whose TrustedOrigins is appOrigin, with a second server that
// serves the same routes through Authenticator.CORS, as an app would.
func corsEnv(t *testing.T, opts ...envOpt) (*env, string) {
	t.Helper()
	opts = append([]envOpt{func(c *Config[*testUser]) { c.TrustedOrigins, c.APIOrigin = []string{appOrigin}, apiOrigin }}, opts...)
	e := newEnv(t, opts...)
	srv := httptest.NewServer(e.a.CORS(newTestMux(e.a)))
	t.Cleanup(srv.Close)
	return e, srv.URL
}

// preflight is the OPTIONS request a browser sends before a PUT with a JSON body.
func preflight(origin, method, headers string) map[string]string {
	h := map[string]string{"Origin": origin, "Access-Control-Request-Method": method, "Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}
	if headers != "" {
		h["Access-Control-Request-Headers"] = headers
	}
	return h
}

// from is the header set of a browser's CORS request from origin.
func from(origin string) map[string]string {
	return map[string]string{"Origin": origin, "Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}
}

// corsHeaders returns the Access-Control-* headers of h.
func corsHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			out[k] = v
		}
	}
	return out
}

// varies reports whether h's Vary lists name.
func varies(h http.Header, name string) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), name) {
				return true
			}
		}
	}
	return false
}

// assertCORS checks what every response to a trusted origin carries (case 53).
func assertCORS(t *testing.T, r result, origin string) {
	t.Helper()
	if got := r.header.Values("Access-Control-Allow-Origin"); len(got) != 1 || got[0] != origin {
		t.Errorf("Access-Control-Allow-Origin = %q, want exactly [%q]", got, origin)
	}
	if got := r.header.Values("Access-Control-Allow-Credentials"); len(got) != 1 || got[0] != "true" {
		t.Errorf("Access-Control-Allow-Credentials = %q, want [true]", got)
	}
	if !varies(r.header, "Origin") {
		t.Errorf("Vary = %q, want Origin in it", r.header.Values("Vary"))
	}
	for k, vs := range corsHeaders(r.header) {
		for _, v := range vs {
			if strings.Contains(v, "*") {
				t.Errorf("%s: %q has a wildcard", k, v)
			}
		}
	}
}

// TestSecurityCrossOrigin is docs/security-cases.md's cross-origin group (cases 53, 54).
func TestSecurityCrossOrigin(t *testing.T) {
	e, base := corsEnv(t)
	s := e.login("alice")

	t.Run("case 53 a trusted origin: preflight, success and error responses carry its origin", func(t *testing.T) {
		e.t = t
		cases := []struct {
			name string
			q    req
			want int
		}{
			{"preflight", req{method: "OPTIONS", path: "/me", header: preflight(appOrigin, "POST", "content-type")}, 204},
			{"success", req{path: "/me", cookie: e.both(s), header: from(appOrigin)}, 200},
			{"unsafe success", req{method: "POST", path: "/me", cookie: e.both(s), form: "x=1", header: from(appOrigin)}, 200},
			{"401 without cookies", req{path: "/me", header: from(appOrigin)}, 401},
			{"403 without the role", req{path: "/admin", cookie: e.both(s), header: from(appOrigin)}, 403},
			{"404 of the mux", req{path: "/nowhere", header: from(appOrigin)}, 404},
			{"405 of the mux", req{method: "DELETE", path: "/me", cookie: e.both(s), header: from(appOrigin)}, 405},
			{"login", req{method: "POST", path: "/login", form: "user=bob", header: from(appOrigin)}, 200},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := doAt(t, base, tc.q)
				if r.status != tc.want {
					t.Fatalf("status %d, want %d (%s)", r.status, tc.want, r.body)
				}
				assertCORS(t, r, appOrigin)
			})
		}
		t.Run("503 when the user store is down", func(t *testing.T) {
			e.db.down.Store(true)
			defer e.db.down.Store(false)
			r := doAt(t, base, req{path: "/me", cookie: e.both(s), header: from(appOrigin)})
			if r.status != 503 {
				t.Fatalf("status %d, want 503", r.status)
			}
			assertCORS(t, r, appOrigin)
		})
	})

	t.Run("case 54 an untrusted origin and Origin null: no CORS headers, unsafe requests 403", func(t *testing.T) {
		e.t = t
		for _, origin := range []string{"https://evil.example", "null", "https://app.example.com.evil.example", "http://app.example.com"} {
			t.Run(origin, func(t *testing.T) {
				for _, q := range []req{
					{method: "OPTIONS", path: "/me", header: preflight(origin, "POST", "content-type")},
					{path: "/me", cookie: e.both(s), header: from(origin)},
					{path: "/me", header: from(origin)},
					{method: "POST", path: "/me", cookie: e.both(s), form: "x=1", header: from(origin)},
				} {
					r := doAt(t, base, q)
					if h := corsHeaders(r.header); len(h) != 0 {
						t.Errorf("%s %s: CORS headers %v", q.method, q.path, h)
					}
					if q.method == "OPTIONS" && r.status < 300 {
						t.Errorf("preflight answered %d, want a failure", r.status)
					}
					if q.method == "POST" && (r.status != 403 || !strings.Contains(r.body, `"code":"csrf"`)) {
						t.Errorf("unsafe request: %d %s, want the CSRF 403", r.status, r.body)
					}
				}
				// The same refusals without Sec-Fetch-Site (an older browser):
				// Origin alone decides.
				r := doAt(t, base, req{method: "POST", path: "/logout", cookie: e.both(s), form: "x=1", header: map[string]string{"Origin": origin}})
				if r.status != 403 || len(r.cookies) != 0 || len(corsHeaders(r.header)) != 0 {
					t.Errorf("logout from %s: %d, cookies %q, CORS %v", origin, r.status, r.cookies, corsHeaders(r.header))
				}
			})
		}
		// Nothing changed: the session those requests carried still works.
		if r := doAt(t, base, req{path: "/me", cookie: e.both(s)}); r.status != 200 || r.body != "user:alice" {
			t.Fatalf("session after the untrusted requests: %d %s", r.status, r.body)
		}
	})
}

// TestCORSFetchRules checks the answers against the Fetch standard's CORS
// protocol (https://fetch.spec.whatwg.org/#http-cors-protocol), rule by rule.
func TestCORSFetchRules(t *testing.T) {
	e, base := corsEnv(t)
	s := e.login("alice")

	t.Run("Allow-Origin is the request's origin byte for byte, never *", func(t *testing.T) {
		r := doAt(t, base, req{path: "/public", header: from(appOrigin)})
		if got := r.header["Access-Control-Allow-Origin"]; !slices.Equal(got, []string{appOrigin}) {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("an origin is compared byte for byte: other spellings are other origins", func(t *testing.T) {
		for _, o := range []string{"https://APP.example.com", "https://app.example.com:443", "https://app.example.com/", "https://app.example.com."} {
			if h := corsHeaders(doAt(t, base, req{path: "/public", header: from(o)}).header); len(h) != 0 {
				t.Errorf("%q: %v", o, h)
			}
		}
	})
	t.Run("Allow-Credentials is exactly true, on preflights and responses", func(t *testing.T) {
		for _, q := range []req{{method: "OPTIONS", path: "/me", header: preflight(appOrigin, "POST", "")}, {path: "/public", header: from(appOrigin)}} {
			if got := doAt(t, base, q).header["Access-Control-Allow-Credentials"]; !slices.Equal(got, []string{"true"}) {
				t.Errorf("%s: %q", q.method, got)
			}
		}
	})
	t.Run("a preflight answers with an ok status and no body", func(t *testing.T) {
		r := doAt(t, base, req{method: "OPTIONS", path: "/me", header: preflight(appOrigin, "POST", "content-type")})
		if r.status != 204 || r.body != "" {
			t.Fatalf("%d %q", r.status, r.body)
		}
	})
	t.Run("Allow-Methods are the route table's methods for the path", func(t *testing.T) {
		for path, want := range map[string]string{"/me": "GET, POST", "/login": "POST", "/public": "GET"} {
			r := doAt(t, base, req{method: "OPTIONS", path: path, header: preflight(appOrigin, "POST", "")})
			if got := r.header.Get("Access-Control-Allow-Methods"); got != want {
				t.Errorf("%s: %q, want %q", path, got, want)
			}
		}
	})
	t.Run("Allow-Methods lists the methods of overlapping patterns as the mux routes them", func(t *testing.T) {
		p := newCORSPolicy([]string{appOrigin}, CORSConfig{})
		for _, rt := range []Route{{Method: "GET", Pattern: "/pets/mine"}, {Method: "DELETE", Pattern: "/pets/{id}"}, {Method: "PUT", Pattern: "/pets/{id}"}, {Method: "GET", Pattern: "/pets/{id}"}} {
			p.learn(rt, t.Errorf)
		}
		for path, want := range map[string]string{"/pets/mine": "DELETE, GET, PUT", "/pets/7": "DELETE, GET, PUT", "/pets": "", "/pets/7/x": ""} {
			if got := p.methodsFor(httptest.NewRequest("OPTIONS", path, nil)); got != want {
				t.Errorf("%s: %q, want %q", path, got, want)
			}
		}
	})
	t.Run("a preflight to a path no route has is not answered", func(t *testing.T) {
		r := doAt(t, base, req{method: "OPTIONS", path: "/nowhere", header: preflight(appOrigin, "GET", "")})
		if r.status != 404 || r.header.Get("Access-Control-Allow-Methods") != "" {
			t.Fatalf("%d, methods %q", r.status, r.header.Get("Access-Control-Allow-Methods"))
		}
	})
	t.Run("OPTIONS without Access-Control-Request-Method is no preflight", func(t *testing.T) {
		r := doAt(t, base, req{method: "OPTIONS", path: "/me", header: from(appOrigin)})
		if r.status != 405 || r.header.Get("Access-Control-Allow-Methods") != "" {
			t.Fatalf("%d %v", r.status, corsHeaders(r.header))
		}
		assertCORS(t, r, appOrigin)
	})
	t.Run("a preflight never reaches the guard: no credentials needed, none touched", func(t *testing.T) {
		e.clock.Advance(time.Hour) // the access token has expired: a guarded request would refresh
		defer e.clock.Advance(-time.Hour)
		r := doAt(t, base, req{method: "OPTIONS", path: "/me", cookie: e.both(s), header: preflight(appOrigin, "GET", "")})
		if r.status != 204 || len(r.cookies) != 0 {
			t.Fatalf("%d, cookies %q", r.status, r.cookies)
		}
	})
	t.Run("Allow-Headers cover the defaults, apiKey scheme headers and configured ones", func(t *testing.T) {
		p := newCORSPolicy([]string{appOrigin}, CORSConfig{AllowHeaders: []string{"x-request-id", "Content-Type"}})
		key := Scheme{Name: "apiKey", Kind: APIKey, In: InHeader, Param: "x-api-key"}
		query := Scheme{Name: "q", Kind: APIKey, In: InQuery, Param: "key"}
		p.learn(Route{Method: "GET", Pattern: "/k", Security: []Requirement{{{Scheme: key}}, {{Scheme: query}}}}, t.Errorf)
		if got, want := p.allowHeaders()[0], "Content-Type, Authorization, x-api-key, x-request-id"; got != want {
			t.Fatalf("%q, want %q", got, want)
		}
		r := doAt(t, base, req{method: "OPTIONS", path: "/me", header: preflight(appOrigin, "POST", "content-type")})
		if got := r.header.Get("Access-Control-Allow-Headers"); got != "Content-Type, Authorization" {
			t.Fatalf("served %q", got)
		}
	})
	t.Run("Max-Age is the default, configured, or 0", func(t *testing.T) {
		r := doAt(t, base, req{method: "OPTIONS", path: "/me", header: preflight(appOrigin, "POST", "")})
		if got := r.header.Get("Access-Control-Max-Age"); got != "7200" {
			t.Errorf("default %q", got)
		}
		for d, want := range map[time.Duration]string{time.Minute: "60", -1: "0"} {
			if got := newCORSPolicy(nil, CORSConfig{MaxAge: d}).maxAge[0]; got != want {
				t.Errorf("%v: %q, want %q", d, got, want)
			}
		}
	})
	t.Run("responses expose Retry-After and WWW-Authenticate, plus configured headers", func(t *testing.T) {
		r := doAt(t, base, req{path: "/me", header: from(appOrigin)})
		if got := r.header.Get("Access-Control-Expose-Headers"); got != "Retry-After, WWW-Authenticate" {
			t.Errorf("%q", got)
		}
		if got := newCORSPolicy(nil, CORSConfig{ExposeHeaders: []string{"x-trace"}}).expose[0]; got != "Retry-After, WWW-Authenticate, x-trace" {
			t.Errorf("configured %q", got)
		}
	})
	t.Run("Vary: Origin on responses to an untrusted origin too; preflights vary on the method", func(t *testing.T) {
		if r := doAt(t, base, req{path: "/public", header: from("https://evil.example")}); !varies(r.header, "Origin") {
			t.Errorf("untrusted: Vary %q", r.header.Values("Vary"))
		}
		r := doAt(t, base, req{method: "OPTIONS", path: "/me", header: preflight(appOrigin, "POST", "")})
		if !varies(r.header, "Origin") || !varies(r.header, "Access-Control-Request-Method") {
			t.Errorf("preflight: Vary %q", r.header.Values("Vary"))
		}
	})
	t.Run("same-origin requests and requests without Origin get nothing added", func(t *testing.T) {
		for _, h := range []map[string]string{nil, {"Origin": appOrigin, "Sec-Fetch-Site": "same-origin"}} {
			r := doAt(t, base, req{path: "/public", header: h})
			if len(corsHeaders(r.header)) != 0 || r.header.Get("Vary") != "" {
				t.Errorf("%v: %v, Vary %q", h, corsHeaders(r.header), r.header.Get("Vary"))
			}
		}
	})
	t.Run("two Origin headers are no browser's: no CORS headers", func(t *testing.T) {
		rq := httptest.NewRequest("GET", "/public", nil)
		rq.Header["Origin"] = []string{appOrigin, appOrigin}
		w := httptest.NewRecorder()
		e.a.CORS(newTestMux(e.a)).ServeHTTP(w, rq)
		if h := corsHeaders(w.Header()); len(h) != 0 {
			t.Fatalf("%v", h)
		}
	})
	t.Run("a handler's own Vary is kept, and shared values are never written into", func(t *testing.T) {
		h := e.a.CORS(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Accept-Encoding")
			w.Header().Add("Access-Control-Expose-Headers", "X-Mine")
		}))
		for range 2 {
			w := httptest.NewRecorder()
			rq := httptest.NewRequest("GET", "/public", nil)
			rq.Header.Set("Origin", appOrigin)
			h.ServeHTTP(w, rq)
			if got := w.Header().Values("Vary"); !slices.Equal(got, []string{"Origin", "Accept-Encoding"}) {
				t.Fatalf("Vary %q", got)
			}
		}
		if hdrVaryOrigin[0] != "Origin" || len(e.a.cors.expose) != 1 || e.a.cors.expose[0] != "Retry-After, WWW-Authenticate" {
			t.Fatalf("shared values changed: %q %q", hdrVaryOrigin, e.a.cors.expose)
		}
	})
	t.Run("without TrustedOrigins CORS is the next handler itself", func(t *testing.T) {
		plain := newEnv(t)
		mux := http.NewServeMux()
		if h := plain.a.CORS(mux); h != http.Handler(mux) {
			t.Fatalf("CORS wrapped %T", h)
		}
	})
}

// TestCORSLearnBadPattern: a pattern the std matcher refuses is logged, not a
// panic, and its preflights are not answered.
func TestCORSLearnBadPattern(t *testing.T) {
	p := newCORSPolicy([]string{appOrigin}, CORSConfig{})
	var logged []string
	log := func(msg string, _ ...any) { logged = append(logged, msg) }
	p.learn(Route{Method: "GET", Pattern: "/a/{x"}, log)
	p.learn(Route{Method: "GET", Pattern: "/b"}, log)
	p.learn(Route{Method: "GET", Pattern: "/b"}, log) // the same route twice (two muxes) is fine
	if len(logged) != 1 {
		t.Fatalf("logged %q", logged)
	}
	if got := p.methodsFor(httptest.NewRequest("OPTIONS", "/a/{x", nil)); got != "" {
		t.Fatalf("bad pattern answered %q", got)
	}
	if got := p.methodsFor(httptest.NewRequest("OPTIONS", "/b", nil)); got != "GET" {
		t.Fatalf("/b: %q", got)
	}
}
