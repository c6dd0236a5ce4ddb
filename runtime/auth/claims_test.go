package auth

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestClaims covers docs/security-cases.md cases 14 to 22: the claims of a token
// whose signature is good.
func TestClaims(t *testing.T) {
	e := newEnv(t)
	now := func() int64 { return e.clock.Now().Unix() }
	payload := func(f string, args ...any) func(e *env) string {
		return func(e *env) string { return e.tok(fmt.Sprintf(f, args...)) }
	}
	iss, aud := testIssuer, testAudience
	cases := []tokenCase{
		{"case 14 missing exp", payload(`{"iss":%q,"sub":"alice","aud":%q,"iat":%d}`, iss, aud, now()), 401},
		{"case 15 exp inside the leeway is accepted", func(e *env) string { return e.tok(e.claimsJSON("alice", -5*time.Second, "")) }, 200},
		{"case 15 exp just past the leeway", func(e *env) string { return e.tok(e.claimsJSON("alice", -11*time.Second, "")) }, 401},
		{"case 15 exp on the leeway boundary is expired", func(e *env) string { return e.tok(e.claimsJSON("alice", -10*time.Second, "")) }, 401},
		{"case 15 one second before the boundary", func(e *env) string { return e.tok(e.claimsJSON("alice", -9*time.Second, "")) }, 200},
		{"case 16 nbf in the future", func(e *env) string {
			return e.tok(e.claimsJSON("alice", time.Hour, fmt.Sprintf(`,"nbf":%d`, now()+60)))
		}, 401},
		{"case 16 nbf in the past is fine", func(e *env) string {
			return e.tok(e.claimsJSON("alice", 10*time.Minute, fmt.Sprintf(`,"nbf":%d`, now()-60)))
		}, 200},
		{"case 17 iat in the future", payload(`{"iss":%q,"sub":"alice","aud":%q,"exp":%d,"iat":%d}`, iss, aud, now()+3600, now()+60), 401},
		{"case 17 iat inside the leeway", payload(`{"iss":%q,"sub":"alice","sid":"test-sid","aud":%q,"exp":%d,"iat":%d}`, iss, aud, now()+600, now()+5), 200},
		{"case 17 missing iat", payload(`{"iss":%q,"sub":"alice","aud":%q,"exp":%d}`, iss, aud, now()+3600), 401},
		{"case 18 wrong iss", payload(`{"iss":"https://evil.test","sub":"alice","aud":%q,"exp":%d,"iat":%d}`, aud, now()+60, now()), 401},
		{"case 18 missing iss", payload(`{"sub":"alice","aud":%q,"exp":%d,"iat":%d}`, aud, now()+60, now()), 401},
		{"case 18 iss as a number", payload(`{"iss":1,"sub":"alice","aud":%q,"exp":%d,"iat":%d}`, aud, now()+60, now()), 401},
		{"case 19 wrong aud as a string", payload(`{"iss":%q,"sub":"alice","aud":"other","exp":%d,"iat":%d}`, iss, now()+60, now()), 401},
		{"case 19 wrong aud as an array", payload(`{"iss":%q,"sub":"alice","aud":["other","more"],"exp":%d,"iat":%d}`, iss, now()+60, now()), 401},
		{"case 19 empty aud array", payload(`{"iss":%q,"sub":"alice","aud":[],"exp":%d,"iat":%d}`, iss, now()+60, now()), 401},
		{"case 19 missing aud", payload(`{"iss":%q,"sub":"alice","exp":%d,"iat":%d}`, iss, now()+60, now()), 401},
		{"case 19 right aud as a string", payload(`{"iss":%q,"sub":"alice","sid":"test-sid","aud":%q,"exp":%d,"iat":%d}`, iss, aud, now()+60, now()), 200},
		{"case 19 right aud in an array", payload(`{"iss":%q,"sub":"alice","sid":"test-sid","aud":["other",%q],"exp":%d,"iat":%d}`, iss, aud, now()+60, now()), 200},
		{"case 20 empty sub", func(e *env) string { return e.tok(e.claimsJSON("", time.Minute, "")) }, 401},
		{"case 20 missing sub", payload(`{"iss":%q,"aud":%q,"exp":%d,"iat":%d}`, iss, aud, now()+60, now()), 401},
		{"case 22 another environment: same kid, other key", func(e *env) string {
			return rawToken("HS256", []byte("staging-secret-staging-secret-32b"), e.hdr(), e.claimsJSON("alice", time.Minute, ""))
		}, 401},
	}
	runTokenCases(t, e, cases)

	t.Run("case 21 type confusion", func(t *testing.T) {
		se := newEnv(t, stateless())
		s := se.login("alice")
		for name, cookie := range map[string]string{
			"refresh token as the access cookie":                 se.accessCookie(s.refresh),
			"access token as the refresh cookie":                 se.refreshCookie(s.access),
			"refresh token re-headed as an access token":         se.accessCookie(reHead(s.refresh, `{"alg":"HS256","kid":"k1","typ":"at+jwt"}`)),
			"access token in both cookies":                       se.accessCookie("x") + "; " + se.refreshCookie(s.access),
			"refresh JWT as the refresh cookie of a store guard": e.refreshCookie(s.refresh),
		} {
			target := se
			if name == "refresh JWT as the refresh cookie of a store guard" {
				target = e
			}
			r := target.do(req{path: "/me", cookie: cookie})
			if r.status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", name, r.status)
			}
		}
	})
}

// reHead swaps a token's header segment, keeping payload and signature.
func reHead(tok, header string) string {
	i := 0
	for tok[i] != '.' {
		i++
	}
	return enc(header) + tok[i:]
}

// TestParseMinted: every payload mint writes, with or without sid and roles, is
// read by the minted-layout reader (the cold path's fast one), and only with the
// expected issuer and audience; what it reads is what parseClaimsAny reads.
func TestParseMinted(t *testing.T) {
	for _, tc := range []struct {
		sid   string
		roles []string
	}{{"", nil}, {"fam-1", nil}, {"", []string{"admin"}}, {"fam-2", []string{"a", "b", "c"}}} {
		b := appendPayload(nil, testIssuer, "alice", testAudience, 1800000060, 1800000000, make([]byte, 16), tc.sid, tc.roles)
		var m, any claims
		if !parseMinted(b, &m, testIssuer, testAudience) {
			t.Fatalf("%s: not read by parseMinted", b)
		}
		if !parseClaimsAny(b, &any, testIssuer, testAudience) || fmt.Sprint(m) != fmt.Sprint(any) {
			t.Errorf("%s: parseMinted %+v, parseClaimsAny %+v", b, m, any)
		}
		if m.sub != "alice" || m.sid != tc.sid || len(m.roles) != len(tc.roles) || m.exp != 1800000060 || m.iat != 1800000000 {
			t.Errorf("%s: read as %+v", b, m)
		}
		for _, want := range [][2]string{{"other", testAudience}, {testIssuer, "other"}} {
			if parseMinted(b, new(claims), want[0], want[1]) {
				t.Errorf("%s: read with issuer %q, audience %q", b, want[0], want[1])
			}
		}
	}
}
