package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// Keys and tokens of the security test API.
var (
	keyReports = "partner-reports-key-0123456789abcdef" // scopes reports:read
	keyPlain   = "partner-plain-key-0123456789abcdefgh" // no scopes
)

// The document's schemes, as the generator emits them.
var (
	schKeyH   = Scheme{Name: "partnerKey", Kind: APIKey, In: InHeader, Param: "X-API-Key"}
	schKeyQ   = Scheme{Name: "queryKey", Kind: APIKey, In: InQuery, Param: "api_key"}
	schKeyC   = Scheme{Name: "cookieKey", Kind: APIKey, In: InCookie, Param: "api_key"}
	schBearer = Scheme{Name: "bearer", Kind: HTTPBearer}
	schOAuth  = Scheme{Name: "oauth", Kind: OAuth2}
	schOIDC   = Scheme{Name: "oidc", Kind: OpenIDConnect}
	schBasic  = Scheme{Name: "basic", Kind: HTTPBasic}
	schSess   = Scheme{Name: "session", Kind: APIKey, In: InCookie, Param: "__Host-access"}
)

func need(s Scheme, scopes ...string) SchemeRequirement {
	return SchemeRequirement{Scheme: s, Scopes: scopes}
}

func alt(srs ...SchemeRequirement) Requirement { return Requirement(srs) }

// secRoutes is the security test API's route table.
var secRoutes = []Route{
	{Method: "GET", Pattern: "/partner", OperationID: "partner", Security: []Requirement{alt(need(schKeyH))}},
	{Method: "GET", Pattern: "/q", OperationID: "queryKey", Security: []Requirement{alt(need(schKeyQ))}},
	{Method: "GET", Pattern: "/c", OperationID: "cookieKey", Security: []Requirement{alt(need(schKeyC))}},
	{Method: "GET", Pattern: "/orders", OperationID: "listOrders", Security: []Requirement{alt(need(schBearer, "orders:read"))}},
	{Method: "POST", Pattern: "/orders", OperationID: "createOrder", Security: []Requirement{alt(need(schOAuth, "orders:write"))}},
	{Method: "GET", Pattern: "/oidc", OperationID: "oidc", Security: []Requirement{alt(need(schOIDC))}},
	{Method: "GET", Pattern: "/basic", OperationID: "basic", Security: []Requirement{alt(need(schBasic))}},
	{Method: "GET", Pattern: "/report", OperationID: "report", Security: []Requirement{alt(need(schSess, "admin")), alt(need(schKeyH, "reports:read"))}},
	{Method: "GET", Pattern: "/combined", OperationID: "combined", Security: []Requirement{alt(need(schKeyH), need(schOAuth, "orders:write"))}},
	{Method: "GET", Pattern: "/opt", OperationID: "opt", Auth: Optional, Security: []Requirement{alt(need(schKeyH)), alt(need(schSess))}},
	{Method: "GET", Pattern: "/optbearer", OperationID: "optBearer", Auth: Optional, Security: []Requirement{alt(need(schBearer, "orders:read"))}},
	{Method: "GET", Pattern: "/sess", OperationID: "sess", Security: []Requirement{alt(need(schSess))}},
	{Method: "POST", Pattern: "/sess", OperationID: "sessPost", Security: []Requirement{alt(need(schSess))}},
	{Method: "GET", Pattern: "/three", OperationID: "three", Security: []Requirement{alt(need(schSess, "admin")), alt(need(schBearer, "orders:write")), alt(need(schKeyH, "reports:read"))}},
}

// tokenVerifier is the bearer verifier of the test IdP.
func tokenVerifier(_ context.Context, c Credential) (Principal, error) {
	switch c.Value {
	case "tok-orders":
		return Principal{Subject: "client-rw", Scopes: []string{"orders:read", "orders:write"}}, nil
	case "tok-read":
		return Principal{Subject: "client-ro", Scopes: []string{"orders:read"}}, nil
	case "tok-down":
		return Principal{}, errors.New("idp: connection refused")
	case "tok-panic":
		panic("idp client: nil pointer")
	}
	return Principal{}, fmt.Errorf("token: %w", ErrInvalidCredential)
}

func basicVerifier(_ context.Context, c Credential) (Principal, error) {
	if c.Username == "svc" && c.Password == "s3cret:with:colons" {
		return Principal{Subject: "svc"}, nil
	}
	return Principal{}, ErrInvalidCredential
}

func secVerifiers(t testing.TB) map[string]Verifier {
	keys := NewAPIKeys()
	if err := keys.Add(keyReports, Principal{Subject: "partner-a", Scopes: []string{"reports:read"}}); err != nil {
		t.Fatal(err)
	}
	if err := keys.Add(keyPlain, Principal{Subject: "partner-b"}); err != nil {
		t.Fatal(err)
	}
	return map[string]Verifier{
		"partnerKey": keys, "queryKey": keys, "cookieKey": keys,
		"bearer": VerifierFunc(tokenVerifier), "oauth": VerifierFunc(tokenVerifier), "oidc": VerifierFunc(tokenVerifier),
		"basic":   VerifierFunc(basicVerifier),
		"session": Session,
	}
}

// whoHandler answers with who the guard let in: schemes, subjects and the user.
var whoHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	var names, subs []string
	for _, p := range PrincipalsFrom(r.Context()) {
		names, subs = append(names, p.Scheme), append(subs, p.Subject)
	}
	user := "-"
	if u, ok := UserFrom[*testUser](r.Context()); ok {
		user = u.ID
	}
	p, ok := PrincipalFrom(r.Context())
	if ok != (len(names) > 0) || ok && p.Scheme != names[0] {
		http.Error(w, "PrincipalFrom disagrees with PrincipalsFrom", http.StatusTeapot)
		return
	}
	fmt.Fprintf(w, "schemes=%s subjects=%s user=%s", strings.Join(names, "+"), strings.Join(subs, "+"), user)
})

// secEnv is newEnv plus a second loopback server serving secRoutes with the same
// Authenticator, so e.login's cookies work on both.
type secEnv struct {
	*env
	url string
}

func newSecEnv(t *testing.T, opts ...envOpt) *secEnv {
	t.Helper()
	vs := secVerifiers(t)
	e := newEnv(t, append([]envOpt{func(c *Config[*testUser]) { c.Verifiers = vs }}, opts...)...)
	mux := http.NewServeMux()
	if err := e.a.CheckRoutes(secRoutes); err != nil {
		t.Fatal(err)
	}
	for _, rt := range secRoutes {
		mux.Handle(rt.Method+" "+rt.Pattern, e.a.Wrap(rt, whoHandler))
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &secEnv{env: e, url: srv.URL}
}

func (s *secEnv) do(q req) result { return doAt(s.t, s.url, q) }

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

type secCase struct {
	name   string
	q      req
	status int
	body   string // substring of the body for 200s
}

// runSecCases runs the cases as subtests and reports whether all of them ran: under
// a -run filter (say -run '/case_N') the others do not, so checks on the events they
// all leave behind must not follow.
func runSecCases(t *testing.T, s *secEnv, cases []secCase) (all bool) {
	t.Helper()
	unauthorizedBody := string(ProblemUnauthorized.body())
	ran := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ran++
			r := s.do(tc.q)
			if r.status != tc.status {
				t.Fatalf("%s %s: status %d, want %d (%s)", tc.q.method, tc.q.path, r.status, tc.status, r.body)
			}
			if tc.status == http.StatusOK && !strings.Contains(r.body, tc.body) {
				t.Fatalf("body %q, want it to contain %q", r.body, tc.body)
			}
			if tc.status == http.StatusUnauthorized && r.body != unauthorizedBody {
				t.Fatalf("a 401 with another body: %q", r.body)
			}
		})
	}
	return ran == len(cases)
}

func TestAPIKeyScheme(t *testing.T) {
	s := newSecEnv(t)
	h := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	all := runSecCases(t, s, []secCase{
		{"header key", req{path: "/partner", header: h("X-API-Key", keyPlain)}, 200, "schemes=partnerKey subjects=partner-b user=-"},
		{"header key, name case-insensitive", req{path: "/partner", header: h("x-api-key", keyReports)}, 200, "subjects=partner-a"},
		{"no key", req{path: "/partner"}, 401, ""},
		{"wrong key", req{path: "/partner", header: h("X-API-Key", keyPlain+"x")}, 401, ""},
		{"empty key", req{path: "/partner", header: h("X-API-Key", "")}, 401, ""},
		{"key in the query, scheme says header", req{path: "/partner?X-API-Key=" + keyPlain}, 401, ""},
		{"key in a cookie, scheme says header", req{path: "/partner", cookie: "X-API-Key=" + keyPlain}, 401, ""},
		{"key as bearer, scheme says header", req{path: "/partner", header: h("Authorization", "Bearer "+keyPlain)}, 401, ""},
		{"query key", req{path: "/q?api_key=" + keyPlain}, 200, "schemes=queryKey"},
		{"query key escaped", req{path: "/q?api%5Fkey=" + strings.ReplaceAll(keyPlain, "-", "%2D")}, 200, "schemes=queryKey"},
		{"query key twice", req{path: "/q?api_key=" + keyPlain + "&api_key=" + keyPlain}, 401, ""},
		{"query key twice, one escaped", req{path: "/q?api_key=" + keyPlain + "&api%5fkey=x"}, 401, ""},
		{"query key empty", req{path: "/q?api_key="}, 401, ""},
		{"query key bad escape", req{path: "/q?api_key=%zz"}, 401, ""},
		{"query key in header", req{path: "/q", header: h("api_key", keyPlain)}, 401, ""},
		{"cookie key", req{path: "/c", cookie: "a=b; api_key=" + keyPlain}, 200, "schemes=cookieKey"},
		{"cookie key twice", req{path: "/c", cookie: "api_key=" + keyPlain + "; api_key=" + keyPlain}, 401, ""},
		{"cookie key empty", req{path: "/c", cookie: "api_key="}, 401, ""},
		{"cookie key in query", req{path: "/c?api_key=" + keyPlain}, 401, ""},
	})
	// A header sent twice needs two header lines, which Header.Set cannot make.
	r, _ := http.NewRequest("GET", s.url+"/partner", nil)
	r.Header["X-Api-Key"] = []string{keyPlain, keyPlain}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("header key sent twice: %d, want 401", resp.StatusCode)
	}
	if all && (!s.hasEvent(EventRejected, ReasonDuplicateCredential, "partnerKey") || !s.hasEvent(EventRejected, ReasonDuplicateCookie, "cookieKey") ||
		!s.hasEvent(EventRejected, ReasonInvalidCredential, "partnerKey") || !s.hasEvent(EventRejected, ReasonEmptyCredential, "queryKey")) {
		t.Fatalf("401 reasons not recorded: %+v", s.events)
	}
}

func (e *env) hasEvent(k EventKind, reason Reason, scheme string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.ContainsFunc(e.events, func(ev Event) bool { return ev.Kind == k && ev.Reason == reason && ev.Scheme == scheme })
}

func TestHTTPSchemes(t *testing.T) {
	s := newSecEnv(t)
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": tok} }
	all := runSecCases(t, s, []secCase{
		{"bearer with scope", req{path: "/orders", header: bearer("Bearer tok-read")}, 200, "schemes=bearer subjects=client-ro"},
		{"bearer, scheme case-insensitive", req{path: "/orders", header: bearer("bEARER tok-read")}, 200, "schemes=bearer"},
		{"bearer unknown", req{path: "/orders", header: bearer("Bearer tok-nope")}, 401, ""},
		{"bearer empty", req{path: "/orders", header: bearer("Bearer ")}, 401, ""},
		{"bearer not token68", req{path: "/orders", header: bearer("Bearer tok read")}, 401, ""},
		{"basic instead of bearer", req{path: "/orders", header: bearer(basicAuth("svc", "s3cret:with:colons"))}, 401, ""},
		{"no authorization", req{path: "/orders"}, 401, ""},
		{"oauth2 with scope", req{method: "POST", path: "/orders", header: bearer("Bearer tok-orders")}, 200, "schemes=oauth subjects=client-rw"},
		{"oauth2 lacking scope", req{method: "POST", path: "/orders", header: bearer("Bearer tok-read")}, 403, ""},
		{"oauth2 invalid", req{method: "POST", path: "/orders", header: bearer("Bearer tok-x")}, 401, ""},
		{"oidc", req{path: "/oidc", header: bearer("Bearer tok-read")}, 200, "schemes=oidc"},
		{"basic", req{path: "/basic", header: bearer(basicAuth("svc", "s3cret:with:colons"))}, 200, "schemes=basic subjects=svc"},
		{"basic wrong password", req{path: "/basic", header: bearer(basicAuth("svc", "s3cret"))}, 401, ""},
		{"basic not strict base64", req{path: "/basic", header: bearer("Basic " + strings.TrimRight(base64.StdEncoding.EncodeToString([]byte("svc:s3cret:with:colons")), "="))}, 401, ""},
		{"basic without colon", req{path: "/basic", header: bearer("Basic " + base64.StdEncoding.EncodeToString([]byte("svc")))}, 401, ""},
		{"basic with a control byte", req{path: "/basic", header: bearer(basicAuth("svc\x00", "s3cret:with:colons"))}, 401, ""},
		{"bearer instead of basic", req{path: "/basic", header: bearer("Bearer tok-read")}, 401, ""},
		{"verifier error is 503", req{path: "/orders", header: bearer("Bearer tok-down")}, 503, ""},
		{"verifier panic is 500", req{path: "/orders", header: bearer("Bearer tok-panic")}, 500, ""},
	})
	r := s.do(req{path: "/orders"})
	if got := r.header.Values("WWW-Authenticate"); !slices.Equal(got, []string{"Bearer"}) {
		t.Errorf("bearer 401 challenge %q", got)
	}
	r = s.do(req{path: "/basic"})
	if got := r.header.Values("WWW-Authenticate"); !slices.Equal(got, []string{`Basic realm="basic", charset="UTF-8"`}) {
		t.Errorf("basic 401 challenge %q", got)
	}
	if r := s.do(req{path: "/partner"}); r.header.Get("WWW-Authenticate") != "" {
		t.Errorf("api key 401 with a challenge %q", r.header.Get("WWW-Authenticate"))
	}
	if all && (!s.hasEvent(EventUnavailable, ReasonVerifierError, "bearer") || !s.hasEvent(EventInternal, ReasonVerifierPanic, "bearer") ||
		!s.hasEvent(EventForbidden, ReasonScopes, "oauth")) {
		t.Fatalf("events not recorded: %+v", s.events)
	}
}

// The alternatives: OR, AND, optional, the session among them.
func TestAlternatives(t *testing.T) {
	s := newSecEnv(t)
	root, alice := s.login("root"), s.login("alice")
	hk := func(key string, more ...string) map[string]string {
		m := map[string]string{"X-API-Key": key}
		if len(more) > 0 {
			m["Authorization"] = more[0]
		}
		return m
	}
	runSecCases(t, s, []secCase{
		{"OR: admin session", req{path: "/report", cookie: s.both(root)}, 200, "schemes=session subjects=root user=root"},
		{"OR: api key with scope", req{path: "/report", header: hk(keyReports)}, 200, "schemes=partnerKey subjects=partner-a user=-"},
		{"OR: session first when both hold", req{path: "/report", cookie: s.both(root), header: hk(keyReports)}, 200, "schemes=session"},
		{"OR: non-admin session, reports key", req{path: "/report", cookie: s.both(alice), header: hk(keyReports)}, 200, "schemes=partnerKey subjects=partner-a user=-"},
		{"OR: non-admin session only", req{path: "/report", cookie: s.both(alice)}, 403, ""},
		{"OR: key without scope only", req{path: "/report", header: hk(keyPlain)}, 403, ""},
		{"OR: nothing", req{path: "/report"}, 401, ""},
		{"OR: wrong key", req{path: "/report", header: hk("nope")}, 401, ""},
		{"AND: both", req{path: "/combined", header: hk(keyPlain, "Bearer tok-orders")}, 200, "schemes=partnerKey+oauth subjects=partner-b+client-rw"},
		{"AND: key only", req{path: "/combined", header: hk(keyPlain)}, 401, ""},
		{"AND: token only", req{path: "/combined", header: map[string]string{"Authorization": "Bearer tok-orders"}}, 401, ""},
		{"AND: token lacking scope", req{path: "/combined", header: hk(keyPlain, "Bearer tok-read")}, 403, ""},
		{"AND: bad key, token lacking scope", req{path: "/combined", header: hk("nope", "Bearer tok-read")}, 401, ""},
		{"AND: key, token's verifier down", req{path: "/combined", header: hk(keyPlain, "Bearer tok-down")}, 503, ""},
		{"AND: bad key, token's verifier down", req{path: "/combined", header: hk("nope", "Bearer tok-down")}, 401, ""},
		{"optional: key", req{path: "/opt", header: hk(keyPlain)}, 200, "schemes=partnerKey"},
		{"optional: session", req{path: "/opt", cookie: s.both(alice)}, 200, "schemes=session subjects=alice user=alice"},
		{"optional: nothing", req{path: "/opt"}, 200, "schemes= subjects= user=-"},
		{"optional: bad key", req{path: "/opt", header: hk("nope")}, 200, "schemes= subjects= user=-"},
		{"optional: bad cookie", req{path: "/opt", cookie: s.accessCookie("x.y.z")}, 200, "schemes= subjects= user=-"},
		{"optional: bearer holds", req{path: "/optbearer", header: map[string]string{"Authorization": "Bearer tok-read"}}, 200, "schemes=bearer subjects=client-ro"},
		{"optional: bearer verifier down, served anonymously", req{path: "/optbearer", header: map[string]string{"Authorization": "Bearer tok-down"}}, 200, "schemes= subjects= user=-"},
		{"optional: bearer verifier panics, 500 stays", req{path: "/optbearer", header: map[string]string{"Authorization": "Bearer tok-panic"}}, 500, ""},
		{"three: third holds", req{path: "/three", header: hk(keyReports)}, 200, "schemes=partnerKey"},
		{"three: second holds", req{path: "/three", header: hk("nope", "Bearer tok-orders")}, 200, "schemes=bearer"},
		{"three: lacking everywhere", req{path: "/three", cookie: s.both(alice), header: hk(keyPlain, "Bearer tok-read")}, 403, ""},
		{"three: one down, none holds", req{path: "/three", cookie: s.both(alice), header: hk(keyPlain, "Bearer tok-down")}, 503, ""},
		{"three: one down, another holds", req{path: "/three", header: hk(keyReports, "Bearer tok-down")}, 200, "schemes=partnerKey"},
	})
	// A bad session cookie on a route the API key opened is not cleared: the
	// request passed; on a 401 it is, as on short-form routes.
	if r := s.do(req{path: "/report", cookie: s.accessCookie("x.y.z"), header: hk(keyReports)}); r.status != 200 || len(r.cookies) != 0 {
		t.Fatalf("passed with %d, cookies %q", r.status, r.cookies)
	}
	if r := s.do(req{path: "/report", cookie: s.accessCookie("x.y.z")}); r.status != 401 || !r.cleared(s.env) {
		t.Fatalf("dead session: %d, cookies %q", r.status, r.cookies)
	}
	// CSRF applies to unsafe methods as today.
	if r := s.do(req{method: "POST", path: "/sess", cookie: s.both(alice), header: map[string]string{"Sec-Fetch-Site": "cross-site"}}); r.status != 403 || !strings.Contains(r.body, `"csrf"`) {
		t.Fatalf("cross-site POST: %d %s", r.status, r.body)
	}
}

// The session as a scheme: roles are its scopes, an expired access token is
// refreshed inside the alternative, and the session runs once per request.
func TestSessionScheme(t *testing.T) {
	s := newSecEnv(t)
	root := s.login("root")
	s.clock.Advance(20 * time.Minute) // access token expired, refresh token live
	before := s.eventCount(EventRefresh)
	calls := s.db.calls.Load()
	r := s.do(req{path: "/three", cookie: s.both(root)})
	if r.status != 200 || !strings.Contains(r.body, "schemes=session subjects=root user=root") {
		t.Fatalf("refresh inside an alternative: %d %s", r.status, r.body)
	}
	if _, n := r.setCookie(s.a.accessName); n != 1 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("refreshed cookies not set once with no-store: %q %q", r.cookies, r.header.Get("Cache-Control"))
	}
	if got := s.eventCount(EventRefresh) - before; got != 1 {
		t.Fatalf("%d refreshes, want 1", got)
	}
	if got := s.db.calls.Load() - calls; got != 1 {
		t.Fatalf("%d lookups, want 1", got)
	}
	// Two alternatives naming the session: it still runs once.
	alice := s.login("alice")
	s.clock.Advance(20 * time.Minute)
	before, calls = s.eventCount(EventRefresh), s.db.calls.Load()
	if r := s.do(req{path: "/report", cookie: s.both(alice)}); r.status != 403 {
		t.Fatalf("alice on /report: %d", r.status)
	}
	rt := Route{Method: "GET", Pattern: "/x", OperationID: "x", Security: []Requirement{alt(need(schSess, "admin")), alt(need(schSess, "ops")), alt(need(schSess))}}
	h := s.a.Wrap(rt, whoHandler)
	rq := httptest.NewRequest("GET", "/x", nil)
	rq.Header.Set("Cookie", s.both(alice))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, rq)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "user=alice") {
		t.Fatalf("third alternative: %d %s", rec.Code, rec.Body)
	}
	if got := s.db.calls.Load() - calls; got != 2 { // one per request
		t.Fatalf("%d lookups for two requests", got)
	}
	// Lookup down: 503, not 401.
	s.db.down.Store(true)
	if r := s.do(req{path: "/sess", cookie: s.both(s.login2("root"))}); r.status != 503 {
		t.Fatalf("lookup down: %d", r.status)
	}
}

// login2 logs in while the database may be down later; it logs in first.
func (s *secEnv) login2(user string) testSession {
	down := s.db.down.Swap(false)
	defer s.db.down.Store(down)
	return s.login(user)
}

func TestAllowBearer(t *testing.T) {
	s := newSecEnv(t, func(c *Config[*testUser]) { c.AllowBearer = true })
	root := s.login("root")
	tok := func(v string) map[string]string { return map[string]string{"Authorization": "Bearer " + v} }
	runSecCases(t, s, []secCase{
		{"session access token as bearer", req{path: "/three", header: tok(root.access)}, 200, "schemes=session subjects=root user=root"},
		{"third-party token after the session", req{path: "/three", header: tok("tok-orders")}, 200, "schemes=bearer"},
		{"cookie and a session bearer: mixed", req{path: "/sess", cookie: s.both(root), header: tok(root.access)}, 401, ""},
	})
	if r := s.do(req{path: "/sess", header: tok("junk")}); r.header.Get("WWW-Authenticate") != "Bearer" {
		t.Fatalf("session bearer 401 challenge %q", r.header.Values("WWW-Authenticate"))
	}
}
