package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testClock is the controllable clock: tests move it, nothing sleeps.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Unix(1_800_000_000, 0)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type testUser struct {
	ID    string
	Roles []string
}

// userDB is the application's user table. down and panics simulate an outage and
// a bug in the app's lookup.
type userDB struct {
	mu       sync.Mutex
	users    map[string]*testUser
	disabled map[string]bool
	down     atomic.Bool
	panics   atomic.Bool
	calls    atomic.Int64
}

var errDBDown = errors.New("userdb: connection refused")

func newUserDB() *userDB {
	return &userDB{
		users: map[string]*testUser{
			"alice": {ID: "alice"},
			"bob":   {ID: "bob"},
			"root":  {ID: "root", Roles: []string{"admin"}},
		},
		disabled: map[string]bool{},
	}
}

func (db *userDB) Lookup(_ context.Context, sub string) (*testUser, error) {
	db.calls.Add(1)
	if db.panics.Load() {
		panic("userdb: nil map")
	}
	if db.down.Load() {
		return nil, errDBDown
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	u, ok := db.users[sub]
	if !ok {
		return nil, fmt.Errorf("userdb %q: %w", sub, ErrUserNotFound)
	}
	if db.disabled[sub] {
		return nil, fmt.Errorf("userdb %q: %w", sub, ErrUserDisabled)
	}
	return u, nil
}

// faultyStore is the real MemoryStore with a switch that makes it unreachable.
type faultyStore struct {
	*MemoryStore
	down atomic.Bool
}

var errStoreDown = errors.New("store: connection refused")

func (s *faultyStore) Issue(ctx context.Context, t TokenHash, rs RefreshSession) error {
	if s.down.Load() {
		return errStoreDown
	}
	return s.MemoryStore.Issue(ctx, t, rs)
}

func (s *faultyStore) Rotate(ctx context.Context, old, next TokenHash, now time.Time, grace time.Duration, exp time.Time) (RefreshSession, error) {
	if s.down.Load() {
		return RefreshSession{}, errStoreDown
	}
	return s.MemoryStore.Rotate(ctx, old, next, now, grace, exp)
}

func (s *faultyStore) RevokeFamily(ctx context.Context, t TokenHash) error {
	if s.down.Load() {
		return errStoreDown
	}
	return s.MemoryStore.RevokeFamily(ctx, t)
}

func (s *faultyStore) Revoked(ctx context.Context, sid string) (bool, error) {
	if s.down.Load() {
		return false, errStoreDown
	}
	return s.MemoryStore.Revoked(ctx, sid)
}

func (s *faultyStore) RevokeSubject(ctx context.Context, subject string) error {
	if s.down.Load() {
		return errStoreDown
	}
	return s.MemoryStore.RevokeSubject(ctx, subject)
}

// testSID is a live session every store-mode env holds, so hand-made access
// tokens (claimsJSON) can name one; it belongs to alice.
const testSID = "test-sid"

// discardLogger keeps test output quiet.
var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

const (
	testIssuer   = "https://issuer.test"
	testAudience = "specgate-test"
	testKID      = "k1"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// env is one application: an Authenticator over a ServeMux whose routes are wrapped
// exactly the way generated RegisterRoutes wraps them, behind an httptest server.
type env struct {
	t      *testing.T
	a      *Authenticator[*testUser]
	srv    *httptest.Server
	clock  *testClock
	db     *userDB
	store  *faultyStore // nil in stateless mode
	secret []byte
	sid    string // testSID in store mode, "" stateless

	mu     sync.Mutex
	events []Event
}

type envOpt func(*Config[*testUser])

func stateless() envOpt { return func(c *Config[*testUser]) { c.Store = nil } }

// testRoutes is what specgate would generate for the test API.
var testRoutes = []Route{
	{Method: "GET", Pattern: "/me", OperationID: "getMe", Auth: Required},
	{Method: "POST", Pattern: "/me", OperationID: "updateMe", Auth: Required},
	{Method: "GET", Pattern: "/admin", OperationID: "getAdmin", Auth: Required, Roles: []string{"admin"}},
	{Method: "GET", Pattern: "/maybe", OperationID: "getMaybe", Auth: Optional},
	{Method: "GET", Pattern: "/public", OperationID: "getPublic", Auth: Public},
	{Method: "POST", Pattern: "/login", OperationID: "login", Auth: Public},
	{Method: "POST", Pattern: "/refresh", OperationID: "refresh", Auth: Public},
	{Method: "POST", Pattern: "/logout", OperationID: "logout", Auth: Public},
	{Method: "POST", Pattern: "/logout-required", OperationID: "logoutRequired", Auth: Required},
	{Method: "POST", Pattern: "/logout-optional", OperationID: "logoutOptional", Auth: Optional},
}

func newEnv(t *testing.T, opts ...envOpt) *env {
	t.Helper()
	e := &env{t: t, clock: newClock(), db: newUserDB(), store: &faultyStore{MemoryStore: NewMemoryStore()}, secret: testSecret}
	key, err := HMACKey(testKID, "HS256", e.secret)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config[*testUser]{
		Issuer: testIssuer, Audience: testAudience,
		AccessTTL: 15 * time.Minute, RefreshTTL: 24 * time.Hour, Leeway: 10 * time.Second, GraceWindow: 30 * time.Second,
		SigningKey: key,
		Lookup:     e.db.Lookup,
		Roles:      func(u *testUser) []string { return u.Roles },
		Store:      e.store,
		Logger:     discardLogger,
		Now:        e.clock.Now,
		OnEvent: func(ev Event) {
			e.mu.Lock()
			e.events = append(e.events, ev)
			e.mu.Unlock()
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Store == nil {
		e.store = nil
	}
	e.a, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.a.Close() })
	if e.store != nil {
		rs := RefreshSession{Family: testSID, Subject: "alice", ExpiresAt: e.clock.Now().Add(cfg.RefreshTTL)}
		if err := e.store.Issue(t.Context(), hashToken(randomString(32)), rs); err != nil {
			t.Fatal(err)
		}
		e.sid = testSID
	}
	e.srv = httptest.NewUnstartedServer(newTestMux(e.a))
	e.srv.Config.MaxHeaderBytes = 4 << 20 // let a megabyte of dots reach the guard
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

// newTestMux registers testRoutes as generated code does: mux.Handle(pattern, g.Wrap(route, handler)).
func newTestMux(a *Authenticator[*testUser]) *http.ServeMux {
	handlers := map[string]http.HandlerFunc{
		"getMe": func(w http.ResponseWriter, r *http.Request) {
			u, ok := UserFrom[*testUser](r.Context())
			if !ok {
				http.Error(w, "no user in a required route", http.StatusTeapot)
				return
			}
			io.WriteString(w, "user:"+u.ID)
		},
		"getMaybe": func(w http.ResponseWriter, r *http.Request) {
			if u, ok := UserFrom[*testUser](r.Context()); ok {
				io.WriteString(w, "user:"+u.ID)
				return
			}
			io.WriteString(w, "anonymous")
		},
		"getPublic": func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "public") },
		"login": func(w http.ResponseWriter, r *http.Request) {
			if err := a.Login(w, r, r.FormValue("user")); err != nil {
				p, _ := ProblemFor(err)
				WriteProblem(w, r, p)
				return
			}
			io.WriteString(w, "logged in")
		},
		"refresh": func(w http.ResponseWriter, r *http.Request) {
			if err := a.Refresh(w, r); err != nil {
				p, _ := ProblemFor(err)
				WriteProblem(w, r, p)
				return
			}
			io.WriteString(w, "refreshed")
		},
		"logout": func(w http.ResponseWriter, r *http.Request) {
			if err := a.Logout(w, r); err != nil {
				p, _ := ProblemFor(err)
				WriteProblem(w, r, p)
				return
			}
			io.WriteString(w, "logged out")
		},
	}
	handlers["updateMe"] = handlers["getMe"]
	handlers["logoutRequired"] = handlers["logout"]
	handlers["logoutOptional"] = handlers["logout"]
	handlers["getAdmin"] = handlers["getMe"]
	mux := http.NewServeMux()
	for _, rt := range testRoutes {
		mux.Handle(rt.Method+" "+rt.Pattern, a.Wrap(rt, handlers[rt.OperationID]))
	}
	return mux
}

// result is a response reduced to what the tests look at.
type result struct {
	status  int
	body    string
	header  http.Header
	cookies []string // raw Set-Cookie lines
}

// setCookie returns the value the response set for name and how many times it was set.
func (r result) setCookie(name string) (string, int) {
	var v string
	n := 0
	for _, c := range r.cookies {
		if k, rest, _ := strings.Cut(c, "="); k == name {
			v, _, _ = strings.Cut(rest, ";")
			n++
		}
	}
	return v, n
}

// cleared reports whether the response expired both cookies.
func (r result) cleared(e *env) bool {
	a, na := r.setCookie(e.a.accessName)
	f, nf := r.setCookie(e.a.refreshName)
	return na == 1 && nf == 1 && a == "" && f == "" && strings.Count(strings.Join(r.cookies, "\n"), "Max-Age=0") == 2
}

type req struct {
	method, path string
	cookie       string // raw Cookie header; empty: none
	header       map[string]string
	form         string
}

func (e *env) do(q req) result {
	return doAt(e.t, e.srv.URL, q)
}

func doAt(t testing.TB, base string, q req) result {
	t.Helper()
	if q.method == "" {
		q.method = "GET"
	}
	var body io.Reader
	if q.form != "" {
		body = strings.NewReader(q.form)
	}
	r, err := http.NewRequest(q.method, base+q.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if q.form != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if q.cookie != "" {
		r.Header.Set("Cookie", q.cookie)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 && resp.StatusCode != 503 {
		t.Logf("%s %s answered %d: %s", q.method, q.path, resp.StatusCode, b)
	}
	return result{status: resp.StatusCode, body: string(b), header: resp.Header, cookies: resp.Header["Set-Cookie"]}
}

// session is a logged-in browser's cookies.
type testSession struct{ access, refresh string }

func (e *env) login(user string) testSession {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/login", form: "user=" + user})
	if r.status != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", user, r.status, r.body)
	}
	a, _ := r.setCookie(e.a.accessName)
	f, _ := r.setCookie(e.a.refreshName)
	return testSession{a, f}
}

func (e *env) accessCookie(tok string) string  { return e.a.accessName + "=" + tok }
func (e *env) refreshCookie(tok string) string { return e.a.refreshName + "=" + tok }
func (e *env) both(s testSession) string {
	return e.accessCookie(s.access) + "; " + e.refreshCookie(s.refresh)
}

func (e *env) eventCount(k EventKind) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.events {
		if ev.Kind == k {
			n++
		}
	}
	return n
}

// --- hand-made tokens ---

func enc(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func hs(alg string, secret []byte, input string) string {
	h := map[string]func() hash.Hash{"HS256": sha256.New, "HS384": sha512.New384, "HS512": sha512.New}[alg]
	m := hmac.New(h, secret)
	m.Write([]byte(input))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// rawToken signs header and payload JSON, verbatim, with HMAC alg and secret.
func rawToken(alg string, secret []byte, header, payload string) string {
	in := enc(header) + "." + enc(payload)
	return in + "." + hs(alg, secret, in)
}

func (e *env) hdr() string {
	return `{"alg":"HS256","kid":"` + testKID + `","typ":"at+jwt"}`
}

// claimsJSON is a valid access payload for sub (in the env's live session, in store
// mode); extra is spliced in verbatim.
func (e *env) claimsJSON(sub string, expIn time.Duration, extra string) string {
	now := e.clock.Now()
	if e.sid != "" {
		extra = fmt.Sprintf(`,"sid":%q`, e.sid) + extra
	}
	return fmt.Sprintf(`{"iss":%q,"sub":%q,"aud":%q,"exp":%d,"iat":%d,"jti":"j1"%s}`,
		testIssuer, sub, testAudience, now.Add(expIn).Unix(), now.Unix(), extra)
}

// tok signs payload with the env's real key and header: only the claims are odd.
func (e *env) tok(payload string) string { return rawToken("HS256", e.secret, e.hdr(), payload) }

func (e *env) valid(sub string) string { return e.tok(e.claimsJSON(sub, 5*time.Minute, "")) }

// keySetToken is the key set of signing key k and an access token it minted
// for alice at now, valid a minute.
func keySetToken(tb testing.TB, k Key, now time.Time) (*keySet, string) {
	tb.Helper()
	ks, err := newKeySet(k, nil, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tok, _, err := mint(ks.access, testIssuer, testAudience, "alice", "", nil, now, time.Minute)
	if err != nil {
		tb.Fatal(err)
	}
	return ks, tok
}
