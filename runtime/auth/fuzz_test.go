package auth

import (
	"strings"
	"testing"
	"time"
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
	key, _ := HMACKey(testKID, "HS256", testSecret)
	ks, err := newKeySet(key, nil, 0)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	want := expectations{iss: testIssuer, aud: testAudience, leeway: 10 * time.Second}
	hdr := `{"alg":"HS256","kid":"k1","typ":"at+jwt"}`
	valid := `{"iss":"` + testIssuer + `","sub":"alice","aud":"` + testAudience + `","exp":1800000060,"iat":1800000000}`
	for _, s := range []string{
		rawToken("HS256", testSecret, hdr, valid),
		enc(`{"alg":"none","kid":"k1","typ":"at+jwt"}`) + "." + enc(valid) + ".",          // case 1
		rawToken("HS384", testSecret, `{"alg":"HS384","kid":"k1","typ":"at+jwt"}`, valid), // case 3
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
		if v == nil || v.sub == "" || !strings.HasPrefix(tok, ks.access.header+".") {
			t.Fatalf("accepted %q as %+v", tok, v)
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
	f.Fuzz(func(t *testing.T, b []byte) {
		var c claims
		parseClaims(b, &c, "i", "a")
	})
}
