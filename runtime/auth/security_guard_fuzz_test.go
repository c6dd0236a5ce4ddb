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

// The fuzz world: six schemes, three scopes (a bit mask each), and credentials
// whose meaning the test knows without asking the guard.
var fuzzSchemes = []Scheme{
	{Name: "keyH", Kind: APIKey, In: InHeader, Param: "X-Key"},
	{Name: "keyQ", Kind: APIKey, In: InQuery, Param: "key"},
	{Name: "keyC", Kind: APIKey, In: InCookie, Param: "kc"},
	{Name: "bearer", Kind: HTTPBearer},
	{Name: "basic", Kind: HTTPBasic},
	{Name: "session", Kind: APIKey, In: InCookie, Param: "access"},
}

const fzSession = 5

func maskScopes(m int) []string {
	var out []string
	for i, s := range []string{"a", "b", "c"} {
		if m&(1<<i) != 0 {
			out = append(out, s)
		}
	}
	return out
}

// fuzzValueVerifier: "ok-<mask>-..." grants mask's scopes, "err-..." fails,
// "panic-..." panics, anything else is invalid.
func fuzzValueVerifier(_ context.Context, c Credential) (Principal, error) {
	v := c.Value
	if c.Scheme.Kind == HTTPBasic {
		if c.Password != "pw" {
			return Principal{}, ErrInvalidCredential
		}
		v = c.Username
	}
	switch {
	case strings.HasPrefix(v, "ok-") && len(v) >= 4:
		return Principal{Subject: v, Scopes: maskScopes(int(v[3] - '0'))}, nil
	case strings.HasPrefix(v, "err-"):
		return Principal{}, errors.New("backend down")
	case strings.HasPrefix(v, "panic-"):
		panic("verifier bug")
	}
	return Principal{}, ErrInvalidCredential
}

// Credential states of an API key or an Authorization credential.
const (
	csAbsent = iota
	csValid
	csInvalid
	csDuplicate
	csEmpty
	csError
	csPanic
	csStates
)

// Session states.
const (
	ssAbsent = iota
	ssValid
	ssGarbage
	ssLookupError
	ssLookupPanic
	ssRefresh // expired access token, valid refresh token
	ssStates
)

type fuzzReader struct{ b []byte }

func (r *fuzzReader) next(n int) int {
	if len(r.b) == 0 {
		return 0
	}
	v := int(r.b[0]) % n
	r.b = r.b[1:]
	return v
}

type fuzzItem struct{ scheme, mask int }

type fuzzCase struct {
	alts     [][]fuzzItem
	optional bool
	keys     [3]int // states of keyH, keyQ, keyC
	keyMask  [3]int
	authKind int // 0 none, 1 bearer, 2 basic, 3 two Authorization lines
	auth     int // state of the bearer or basic credential
	authMask int
	sess     int
	sessMask int
}

func decodeFuzzCase(b []byte) fuzzCase {
	r := &fuzzReader{b}
	var c fuzzCase
	for range 1 + r.next(3) {
		var alt []fuzzItem
		for range 1 + r.next(3) {
			alt = append(alt, fuzzItem{scheme: r.next(len(fuzzSchemes)), mask: r.next(8)})
		}
		c.alts = append(c.alts, alt)
	}
	c.optional = r.next(4) == 0
	for i := range c.keys {
		c.keys[i], c.keyMask[i] = r.next(csStates), r.next(8)
	}
	c.authKind, c.auth, c.authMask = r.next(4), r.next(csStates), r.next(8)
	c.sess, c.sessMask = r.next(ssStates), r.next(8)
	return c
}

// outcome of one scheme in the model: granted mask, or a refusal class.
type modelOutcome struct {
	status int // 0: verified with mask; else 401, 503 or 500
	mask   int
}

func (c fuzzCase) schemeOutcome(s int) modelOutcome {
	cred := func(state, mask int) modelOutcome {
		switch state {
		case csValid:
			return modelOutcome{mask: mask}
		case csError:
			return modelOutcome{status: 503}
		case csPanic:
			return modelOutcome{status: 500}
		}
		return modelOutcome{status: 401}
	}
	switch {
	case s < 3:
		return cred(c.keys[s], c.keyMask[s])
	case s == 3 && c.authKind == 1, s == 4 && c.authKind == 2:
		return cred(c.auth, c.authMask)
	case s == fzSession:
		switch c.sess {
		case ssValid, ssRefresh:
			return modelOutcome{mask: c.sessMask}
		case ssLookupError:
			return modelOutcome{status: 503}
		case ssLookupPanic:
			return modelOutcome{status: 500}
		}
	}
	return modelOutcome{status: 401}
}

// expect is the independent evaluator: the status the rules in security.go give,
// and for a pass the index of the winning alternative.
func (c fuzzCase) expect() (status, win int) {
	worst := 0
	rank := map[int]int{401: 1, 403: 2, 503: 3, 500: 4}
	for ai, alt := range c.alts {
		refused, panicked, broken, lacking := false, false, false, false
		for _, it := range alt {
			o := c.schemeOutcome(it.scheme)
			switch o.status {
			case 401:
				refused = true
			case 500:
				panicked = true
			case 503:
				broken = true
			case 0:
				lacking = lacking || o.mask&it.mask != it.mask
			}
		}
		st := 200
		switch {
		case refused:
			st = 401
		case panicked:
			st = 500
		case broken:
			st = 503
		case lacking:
			st = 403
		}
		if st == 200 {
			return 200, ai
		}
		if rank[st] > rank[worst] {
			worst = st
		}
	}
	if c.optional && worst != 500 {
		return 200, -1
	}
	return worst, -1
}

type fuzzWorld struct {
	a                      *Authenticator[*testUser]
	tokens                 map[string]string // subject -> valid access token
	expired, refreshTokens map[string]string
}

func newFuzzWorld(t testing.TB) *fuzzWorld {
	now := time.Unix(1_800_000_000, 0)
	lookup := func(_ context.Context, sub string) (*testUser, error) {
		switch sub {
		case "uerr":
			return nil, errDBDown
		case "upanic":
			panic("lookup bug")
		}
		return &testUser{ID: sub, Roles: maskScopes(int(sub[1] - '0'))}, nil
	}
	vs := map[string]Verifier{"session": Session}
	for _, s := range fuzzSchemes[:5] {
		vs[s.Name] = VerifierFunc(fuzzValueVerifier)
	}
	a, err := New(Config[*testUser]{Issuer: testIssuer, Audience: testAudience, SigningKey: mustHMAC(t),
		Lookup: lookup, Roles: func(u *testUser) []string { return u.Roles }, Now: func() time.Time { return now },
		Logger: discardLogger, Verifiers: vs, TokenCacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	w := &fuzzWorld{a: a, tokens: map[string]string{}, expired: map[string]string{}, refreshTokens: map[string]string{}}
	ks := a.keys.Load()
	subs := []string{"uerr", "upanic"}
	for m := range 8 {
		subs = append(subs, fmt.Sprintf("u%d", m))
	}
	for _, sub := range subs {
		w.tokens[sub], _, _ = mint(ks.access, testIssuer, testAudience, sub, "", nil, now, time.Minute)
		w.expired[sub], _, _ = mint(ks.access, testIssuer, testAudience, sub, "", nil, now.Add(-time.Hour), time.Minute)
		w.refreshTokens[sub], _, _ = mint(ks.refresh, testIssuer, testAudience, sub, "", nil, now, time.Hour)
	}
	return w
}

// request builds c's credentials, for every scheme whatever the route declares.
func (w *fuzzWorld) request(c fuzzCase) *http.Request {
	r := httptest.NewRequest("GET", "/x", nil)
	value := func(state, mask int) string {
		switch state {
		case csValid, csDuplicate:
			return fmt.Sprintf("ok-%d-0123456789", mask)
		case csInvalid:
			return "nope-0123456789"
		case csError:
			return "err-0123456789"
		case csPanic:
			return "panic-0123456789"
		}
		return ""
	}
	var query []string
	var cookies []string
	for i, st := range c.keys {
		if st == csAbsent {
			continue
		}
		v := value(st, c.keyMask[i])
		n := 1
		if st == csDuplicate {
			n = 2
		}
		for range n {
			switch i {
			case 0:
				r.Header["X-Key"] = append(r.Header["X-Key"], v)
			case 1:
				query = append(query, "key="+v)
			case 2:
				cookies = append(cookies, "kc="+v)
			}
		}
	}
	r.URL.RawQuery = strings.Join(query, "&")
	if c.auth != csAbsent || c.authKind == 3 {
		v := value(c.auth, c.authMask)
		switch c.authKind {
		case 1:
			r.Header.Set("Authorization", "Bearer "+v)
		case 2:
			r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(v+":pw")))
		case 3:
			r.Header["Authorization"] = []string{"Bearer " + value(csValid, c.authMask), "Bearer " + value(csValid, c.authMask)}
		}
		if c.auth == csDuplicate && (c.authKind == 1 || c.authKind == 2) {
			r.Header["Authorization"] = append(r.Header["Authorization"], r.Header["Authorization"][0])
		}
	}
	sub := fmt.Sprintf("u%d", c.sessMask)
	switch c.sess {
	case ssValid:
		cookies = append(cookies, w.a.accessName+"="+w.tokens[sub])
	case ssGarbage:
		cookies = append(cookies, w.a.accessName+"=garbage.token.x")
	case ssLookupError:
		cookies = append(cookies, w.a.accessName+"="+w.tokens["uerr"])
	case ssLookupPanic:
		cookies = append(cookies, w.a.accessName+"="+w.tokens["upanic"])
	case ssRefresh:
		cookies = append(cookies, w.a.accessName+"="+w.expired[sub], w.a.refreshName+"="+w.refreshTokens[sub])
	}
	if len(cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(cookies, "; "))
	}
	return r
}

// FuzzSecurityEvaluation: random Route.Security shapes against random credentials.
// The guard never panics, and answers exactly what the independent evaluator
// above says: never a pass it refuses, with the principals of the first
// alternative that holds.
func FuzzSecurityEvaluation(f *testing.F) {
	w := newFuzzWorld(f)
	for _, s := range []string{
		"\x00\x00\x00\x00\x01\x00", // one alternative, keyH, a valid key
		"\x02\x02\x00\x07\x03\x01\x05\x02\x00\x01\x03\x02\x01\x01\x01\x01\x01\x01\x01\x07",
		"\x01\x01\x00\x00\x05\x03\x00\x01\x07\x01\x01\x01\x01\x01\x01\x05\x07", // AND with a session
		"\x00\x00\x03\x01\x01\x05\x05\x05\x06\x06\x00\x00\x00\x00\x01\x03\x01\x04",
		"\x02\x00\x05\x07\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x06\x05\x03",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := decodeFuzzCase(b)
		rt := Route{Method: "GET", Pattern: "/x", OperationID: "x"}
		if c.optional {
			rt.Auth = Optional
		}
		for _, alt := range c.alts {
			var req Requirement
			for _, it := range alt {
				req = append(req, SchemeRequirement{Scheme: fuzzSchemes[it.scheme], Scopes: maskScopes(it.mask)})
			}
			rt.Security = append(rt.Security, req)
		}
		var got []string
		h := w.a.Wrap(rt, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			got = []string{"served"}
			for _, p := range PrincipalsFrom(r.Context()) {
				got = append(got, p.Scheme)
			}
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, w.request(c))
		status, win := c.expect()
		if rec.Code != status {
			t.Fatalf("%+v: status %d, the rules say %d", c, rec.Code, status)
		}
		if status != 200 {
			if got != nil {
				t.Fatalf("%+v: handler ran on a %d", c, status)
			}
			return
		}
		want := []string{"served"}
		if win >= 0 {
			for _, it := range c.alts[win] {
				if n := fuzzSchemes[it.scheme].Name; !slices.Contains(want, n) {
					want = append(want, n)
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%+v: principals %v, want %v", c, got, want)
		}
	})
}
