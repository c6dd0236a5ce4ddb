package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkGuard measures one request through httptest for each kind of route.
// Definitions (issue 3): bare is a plain handler; public a Public route; required-hs256
// a valid access cookie with the user looked up in memory; required-hs256-cold the
// same with the verified-token cache off; refresh an expired access token and a
// valid (stateless) refresh token, so every request mints; golang-jwt-baseline a
// minimal middleware that reads the cookie and calls jwt.ParseWithClaims;
// security-1-alt a route with one alternative, an API key in a header (APIKeySet);
// security-3-alt three alternatives, the first two failing for want of a
// credential (session, then bearer) and the third the same API key.
// The cors-* cases put required-hs256 in a ServeMux (mux, the baseline) behind
// Authenticator.CORS of an Authenticator with a trusted origin: cors-same-origin
// sends no Origin (what same-origin GETs are), cors-cross-origin a trusted Origin
// (what its SPA's requests are), cors-preflight that SPA's preflight.
// required-hs256-revocable is required-hs256 with a store whose sessions can be
// revoked (the session-state check; issue 13 allows it 100 ns more).
// hmac-floor (issue 16) is the floor under the cold path: one HMAC-SHA256 over the
// signing input (header.payload) of the access cookie the other cases send, with
// one hash state reused through Reset; no HTTP, no decoding. with-user,
// b64-payload and claims are the cold path's other parts that cannot be skipped,
// verify all of its token work; mint and log-refresh are parts of refresh.
func BenchmarkGuard(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	users := map[string]*testUser{"alice": {ID: "alice"}}
	lookup := func(_ context.Context, sub string) (*testUser, error) {
		if u, ok := users[sub]; ok {
			return u, nil
		}
		return nil, ErrUserNotFound
	}
	key, _ := HMACKey(testKID, "HS256", testSecret)
	apiKeys := NewAPIKeys()
	if err := apiKeys.Add(keyReports, Principal{Subject: "partner-a", Scopes: []string{"reports:read"}}); err != nil {
		b.Fatal(err)
	}
	verifiers := map[string]Verifier{"partnerKey": apiKeys, "bearer": VerifierFunc(tokenVerifier), "session": Session}
	newAuth := func(cacheSize int) *Authenticator[*testUser] {
		a, err := New(Config[*testUser]{Issuer: testIssuer, Audience: testAudience, SigningKey: key, Lookup: lookup,
			Now: clock, Logger: discardLogger, TokenCacheSize: cacheSize, Verifiers: verifiers,
			Roles: func(u *testUser) []string { return u.Roles }})
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	warm, cold := newAuth(0), newAuth(-1)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	required := Route{Method: "GET", Pattern: "/pets", OperationID: "listPets"}
	public := Route{Method: "GET", Pattern: "/pets", OperationID: "listPets", Auth: Public}

	login := httptest.NewRecorder()
	if err := warm.Login(login, httptest.NewRequest("POST", "/login", nil), "alice"); err != nil {
		b.Fatal(err)
	}
	access, refresh := login.Result().Cookies()[0], login.Result().Cookies()[1]
	expired, _, _ := mint(warm.keys.Load().access, testIssuer, testAudience, "alice", "", nil, now.Add(-time.Hour), 15*time.Minute)

	baseline := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("__Host-access")
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var claims jwt.RegisteredClaims
		_, err = jwt.ParseWithClaims(c.Value, &claims, func(*jwt.Token) (any, error) { return testSecret, nil },
			jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(clock))
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		handler.ServeHTTP(w, r)
	})

	oneAlt := Route{Method: "GET", Pattern: "/pets", OperationID: "listPets", Security: []Requirement{alt(need(schKeyH, "reports:read"))}}
	threeAlt := Route{Method: "GET", Pattern: "/pets", OperationID: "listPets", Security: []Requirement{
		alt(need(schSess, "admin")), alt(need(schBearer, "orders:read")), alt(need(schKeyH, "reports:read"))}}
	apiKey := http.Header{"X-Api-Key": {keyReports}}

	runReq := func(name string, h http.Handler, newReq func() *http.Request, cookies ...*http.Cookie) {
		b.Run(name, func(b *testing.B) {
			r := newReq()
			for _, c := range cookies {
				r.AddCookie(c)
			}
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusNoContent {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
	runWith := func(name string, h http.Handler, header http.Header, cookies ...*http.Cookie) {
		runReq(name, h, func() *http.Request {
			r := httptest.NewRequest("GET", "/pets", nil)
			for k, v := range header {
				r.Header[k] = v
			}
			return r
		}, cookies...)
	}
	run := func(name string, h http.Handler, cookies ...*http.Cookie) { runWith(name, h, nil, cookies...) }
	b.Run("hmac-floor", func(b *testing.B) {
		input := []byte(access.Value[:strings.LastIndexByte(access.Value, '.')])
		mac := hmac.New(sha256.New, testSecret)
		var sum [sha256.Size]byte
		mac.Write(input)
		if want, err := b64.DecodeString(access.Value[len(input)+1:]); err != nil || !hmac.Equal(mac.Sum(nil), want) {
			b.Fatal("hmac-floor does not compute the access token's signature") // the floor must be the real MAC
		}
		b.ReportAllocs()
		for b.Loop() {
			mac.Reset()
			mac.Write(input)
			mac.Sum(sum[:0])
		}
		b.SetBytes(int64(len(input)))
	})
	run("bare", handler)
	// The parts no cold request can skip, each alone (issue 16): with-user is bare
	// behind a middleware that only puts the user in the request's context, as the
	// guard must; b64-payload the strict decoding of the access token's payload
	// segment; claims the reading of that payload. Their sum with hmac-floor is a
	// lower bound for required-hs256-cold under this harness.
	run("with-user", &withUserOnly{next: handler, user: users["alice"]})
	seg := strings.Split(access.Value, ".")[1]
	b.Run("b64-payload", func(b *testing.B) {
		var buf [1024]byte
		if n, err := b64.Decode(buf[:], []byte(seg)); err != nil || n != b64.DecodedLen(len(seg)) {
			b.Fatal("the access token's payload does not decode")
		}
		b.ReportAllocs()
		for b.Loop() {
			_, _ = b64.Decode(buf[:], []byte(seg))
		}
	})
	b.Run("verify", func(b *testing.B) { // all the cold path's token work, without HTTP
		ks, want := cold.keys.Load(), cold.expect()
		var v verified
		if r := verifyTokenBytes(&v, access.Value, ks.accessVerify, want, now); r != ReasonNone {
			b.Fatal(r)
		}
		b.ReportAllocs()
		for b.Loop() {
			verifyTokenBytes(&v, access.Value, ks.accessVerify, want, now)
		}
	})
	b.Run("claims", func(b *testing.B) {
		body, _ := b64.DecodeString(seg)
		var c claims
		if parseClaims(body, &c, testIssuer, testAudience) != ReasonNone || c.sub != "alice" {
			b.Fatalf("the access token's payload does not read: %s", body)
		}
		b.ReportAllocs()
		for b.Loop() {
			c = claims{}
			parseClaims(body, &c, testIssuer, testAudience)
		}
	})
	run("public", warm.Wrap(public, handler))
	run("required-hs256", warm.Wrap(required, handler), access)
	run("required-hs256-cold", cold.Wrap(required, handler), access)

	// revocable: the same request with a MemoryStore (SessionStates), so the access
	// token carries a sid and the guard checks the session-state cache.
	revocable, err := New(Config[*testUser]{Issuer: testIssuer, Audience: testAudience, SigningKey: key, Lookup: lookup,
		Now: clock, Logger: discardLogger, Store: NewMemoryStore()})
	if err != nil {
		b.Fatal(err)
	}
	defer revocable.Close()
	rlogin := httptest.NewRecorder()
	if err := revocable.Login(rlogin, httptest.NewRequest("POST", "/login", nil), "alice"); err != nil {
		b.Fatal(err)
	}
	run("required-hs256-revocable", revocable.Wrap(required, handler), rlogin.Result().Cookies()[0])
	run("refresh", warm.Wrap(required, handler), &http.Cookie{Name: "__Host-access", Value: expired}, refresh)
	// Two more parts, of refresh (issue 16): mint the new access token, and log
	// the refresh event through the configured logger (a TextHandler to
	// io.Discard here, formatted all the same).
	b.Run("mint", func(b *testing.B) {
		ks := warm.keys.Load()
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := mint(ks.access, testIssuer, testAudience, "alice", "", nil, now, 15*time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("log-refresh", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			warm.emit(ctx, Event{Kind: EventRefresh, Reason: ReasonStateless, Subject: "alice"})
		}
	})
	run("golang-jwt-baseline", baseline, access)

	trusted, err := New(Config[*testUser]{Issuer: testIssuer, Audience: testAudience, SigningKey: key, Lookup: lookup,
		Now: clock, Logger: discardLogger, TrustedOrigins: []string{"https://app.example.com"}, APIOrigin: "https://api.example.com"})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /pets", trusted.Wrap(required, handler))
	behindCORS := trusted.CORS(mux)
	run("mux", mux, access) // the baseline of the cors-* cases: the same mux without CORS
	run("cors-same-origin", behindCORS, access)
	fromApp := func(method string) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest(method, "/pets", nil)
			r.Header.Set("Origin", "https://app.example.com")
			r.Header.Set("Sec-Fetch-Site", "same-site")
			if method == "OPTIONS" {
				r.Header.Set("Access-Control-Request-Method", "GET")
			}
			return r
		}
	}
	runReq("cors-cross-origin", behindCORS, fromApp("GET"), access)
	runReq("cors-preflight", behindCORS, fromApp("OPTIONS"))

	runWith("security-1-alt", warm.Wrap(oneAlt, handler), apiKey)
	runWith("security-3-alt", warm.Wrap(threeAlt, handler), apiKey)
}

// withUserOnly is with-user's middleware: it calls next through the interface, as
// the guard does, so the request copy of r.WithContext escapes as it must there.
type withUserOnly struct {
	next http.Handler
	user *testUser
}

func (m *withUserOnly) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.next.ServeHTTP(w, r.WithContext(withUser(r.Context(), m.user)))
}
