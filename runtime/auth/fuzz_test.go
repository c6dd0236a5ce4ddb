package auth

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzReadCookies: any Cookie header is parsed without panicking, the values found
// are substrings of the header, and a name seen twice is flagged.
func FuzzReadCookies(f *testing.F) {
	for _, s := range []string{
		"__Host-access=a.b.c; __Host-refresh=xyz",
		"__Host-access=a; __Host-access=b",                  // case 23
		`__Host-access="quoted"; __Host-refresh=`,           // case 27
		strings.Repeat("junk=1; ", 300) + "__Host-access=t", // case 27
		"__Host-access", "=;=;;", " \t__Host-refresh = v ; ",
		"access=" + strings.Repeat(".", 5000), // cases 6, 7
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if trimBlankLeft(header) != strings.TrimLeft(header, " \t") || trimBlankRight(header) != strings.TrimRight(header, " \t") {
			t.Fatalf("%q: the blank trims differ from strings.TrimLeft/TrimRight", header)
		}
		j := readCookies([]string{header}, "__Host-access", "__Host-refresh")
		if !strings.Contains(header, j.access) || !strings.Contains(header, j.refresh) {
			t.Fatalf("values not from the header: %+v", j)
		}
		if strings.Count(header, "__Host-access=") < 2 && strings.Count(header, "__Host-refresh=") < 2 && j.duplicate {
			t.Fatalf("duplicate without a repeated name: %q", header)
		}
		if (j.access != "" || j.refresh != "") && !j.present {
			t.Fatal("value without presence")
		}
	})
}

// FuzzVerifyToken: no input panics, and only a token carrying our exact header and a
// valid MAC over its bytes can pass.
func FuzzVerifyToken(f *testing.F) {
	ks, want, now, hdr, valid := verifyCase(f)
	for _, s := range []string{
		rawToken("HS256", testSecret, hdr, valid),
		enc(`{"alg":"none","kid":"k1","typ":"at+jwt"}`) + "." + enc(valid) + ".",          // case 1
		rawToken("HS384", testSecret, `{"alg":"HS384","kid":"k1","typ":"at+jwt"}`, valid), // case 3
		rawToken("HS384", testSecret, hdr384, valid),                                      // the other key
		rawToken("HS256", testSecret, hdr, valid) + "=",                                   // case 5
		strings.Repeat(".", 10000),                                                        // case 6
		rawToken("HS256", testSecret, hdr, `{"sub":"a","sub":"b"}`),                       // case 9
		rawToken("HS256", testSecret, hdr, `{"exp":1e309}`),                               // case 10
		rawToken("HS256", testSecret, hdr, valid+"x"),                                     // case 8
		rawToken("HS256", testSecret, hdr, "{\"sub\":\"\xff\"}"),                          // case 8
		rawToken("HS256", testSecret, hdr, `{"x":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}`),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		v, r := verifyToken(tok, ks.accessVerify, want, now)
		if r != ReasonNone {
			return
		}
		ours := slices.ContainsFunc(ks.accessVerify, func(s *signer) bool { return strings.HasPrefix(tok, s.header+".") })
		if v == nil || v.sub == "" || !ours {
			t.Fatalf("accepted %q as %+v", tok, v)
		}
		if !cookieValueOK(tok) { // what lets verifyTokenBytes skip the byte scan
			t.Fatalf("accepted %q, which holds a byte we never write", tok)
		}
	})
}

// FuzzVerifyTokenBytes: verifyTokenBytes, which scans a token's bytes only after
// verification failed, gives every token the reason it got when the scan came first.
func FuzzVerifyTokenBytes(f *testing.F) {
	ks, want, now, seeds := verifyBytesCase(f)
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		var v1, v2 verified
		if got, was := verifyTokenBytes(&v1, tok, ks.accessVerify, want, now), scanFirst(&v2, tok, ks.accessVerify, want, now); got != was || !reflect.DeepEqual(v1, v2) {
			t.Fatalf("%q: %s %+v, with the scan first %s %+v", tok, got, v1, was, v2)
		}
	})
}

// FuzzParseClaims drives the claims reader directly with signed-looking payloads,
// where the MAC no longer hides parser bugs.
func FuzzParseClaims(f *testing.F) {
	for _, s := range []string{
		`{"iss":"i","sub":"s","aud":["a","b"],"exp":1,"iat":2,"nbf":3,"jti":"j","roles":["x"],"c":{"d":[1,-2.5e3,true,null]}}`,
		`{"exp":"1"}`, `{"exp":1.5}`, `{"exp":-1}`, `{"exp":99999999999999999999}`, `{"\u0065xp":1,"exp":2}`,
		`[]`, `"x"`, `{} {}`, `{"a":"\ud800"}`, `{"a":"\ud83d\ude00"}`, `{"a":1,}`,
	} {
		f.Add([]byte(s))
	}
	for _, roles := range [][]string{nil, {"admin"}, {"a", "b<&>", "é"}} {
		for _, sid := range []string{"", "fam-1"} {
			f.Add(appendPayload(nil, "i", "alice", "a", 1800000060, 1800000000, make([]byte, 16), sid, roles))
		}
	}
	f.Add(appendPayload(nil, "other", "alice", "a", 1, 2, nil, "", nil))
	f.Add(appendPayload(nil, "i", "", "a", 1, 2, nil, "", []string{}))
	f.Add([]byte(`{"iss":"i","sub":"s","aud":"a","exp":01,"iat":2,"jti":""}`))
	f.Add([]byte(`{"iss":"i","sub":"s","aud":"a","exp":1,"iat":2,"jti":"","roles":[]}`))
	f.Add([]byte(`{"iss":"i","sub":"s\u0041","aud":"a","exp":1,"iat":2,"jti":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var c, m, any claims
		ok := parseClaims(b, &c, "i", "a") == ReasonNone
		if !parseMinted(b, &m, "i", "a") {
			return
		}
		// What the minted-layout reader accepts, the general one reads the same.
		if !parseClaimsAny(b, &any, "i", "a") || !reflect.DeepEqual(m, any) || !ok || !reflect.DeepEqual(c, any) {
			t.Fatalf("%q: parseMinted %+v, parseClaimsAny %+v", b, m, any)
		}
	})
}
