package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenCase is one docs/security-cases.md line: an access cookie and the status it must get
// on a Required route.
type tokenCase struct {
	name string
	tok  func(e *env) string
	want int
}

// runTokenCases sends each token as the only cookie to GET /me (no refresh cookie,
// so nothing can rescue it) and checks the status, and that 401s clear the cookies.
func runTokenCases(t *testing.T, e *env, cases []tokenCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			r := e.do(req{path: "/me", cookie: e.accessCookie(tc.tok(e))})
			if r.status != tc.want {
				t.Fatalf("status %d, want %d (body %q)", r.status, tc.want, r.body)
			}
			switch tc.want {
			case http.StatusOK:
				if !strings.HasPrefix(r.body, "user:") {
					t.Fatalf("handler body %q", r.body)
				}
			case http.StatusUnauthorized:
				if r.body != string(ProblemUnauthorized.body()) {
					t.Fatalf("401 body %q differs from the one 401 body", r.body)
				}
			}
		})
	}
}

// flipLastSigBit changes one signature character.
func flipLastSigBit(tok string) string {
	b := []byte(tok)
	i := len(b) - 2 // not the last char: its low bits may be trailing bits
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestTokenFormatAndCrypto covers docs/security-cases.md cases 1 to 13: the token
// format and its signature, refused before any claim is trusted.
func TestTokenFormatAndCrypto(t *testing.T) {
	e := newEnv(t)
	other := []byte("another-secret-another-secret-32b")
	hsHdr := func(alg, kid string) string { return `{"alg":"` + alg + `","kid":"` + kid + `","typ":"at+jwt"}` }

	// jku/x5u targets: the guard must never fetch them.
	var fetched atomic.Int64
	keySrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fetched.Add(1) }))
	defer keySrv.Close()

	cases := []tokenCase{
		{"control: a valid token", func(e *env) string { return e.valid("alice") }, 200},
		{"case 1 alg none", func(e *env) string {
			return enc(`{"alg":"none","kid":"k1","typ":"at+jwt"}`) + "." + enc(e.claimsJSON("alice", time.Minute, "")) + "."
		}, 401},
		{"case 1 alg None", func(e *env) string {
			return enc(`{"alg":"None","kid":"k1","typ":"at+jwt"}`) + "." + enc(e.claimsJSON("alice", time.Minute, "")) + "."
		}, 401},
		{"case 1 alg NONE signed anyway", func(e *env) string {
			return rawToken("HS256", e.secret, `{"alg":"NONE","kid":"k1","typ":"at+jwt"}`, e.claimsJSON("alice", time.Minute, ""))
		}, 401},
		{"case 3 HS384 when HS256 is pinned", func(e *env) string {
			return rawToken("HS384", e.secret, hsHdr("HS384", testKID), e.claimsJSON("alice", time.Minute, ""))
		}, 401},
		{"case 3 HS512 when HS256 is pinned", func(e *env) string {
			return rawToken("HS512", e.secret, hsHdr("HS512", testKID), e.claimsJSON("alice", time.Minute, ""))
		}, 401},
		{"case 3 RS256 header on an HMAC key", func(e *env) string {
			return rawToken("HS256", e.secret, hsHdr("RS256", testKID), e.claimsJSON("alice", time.Minute, ""))
		}, 401},
		{"case 4 empty signature", func(e *env) string {
			v := e.valid("alice")
			return v[:strings.LastIndexByte(v, '.')+1]
		}, 401},
		{"case 4 truncated signature", func(e *env) string { v := e.valid("alice"); return v[:len(v)-4] }, 401},
		{"case 4 one bit flipped", func(e *env) string { return flipLastSigBit(e.valid("alice")) }, 401},
		{"case 4 signed with another key", func(e *env) string {
			return rawToken("HS256", other, e.hdr(), e.claimsJSON("alice", time.Minute, ""))
		}, 401},
		{"case 5 padding on the payload", func(e *env) string {
			in := enc(e.hdr()) + "." + enc(e.claimsJSON("alice", time.Minute, "")+" ") + "="
			return in + "." + hs("HS256", e.secret, in)
		}, 401},
		{"case 5 padding on the signature", func(e *env) string { return e.valid("alice") + "=" }, 401},
		{"case 5 +/ alphabet", func(e *env) string {
			// Find a payload whose encoding contains '-' or '_' and write it in the std alphabet.
			for i := 0; ; i++ {
				p := e.claimsJSON("alice", time.Minute, `,"pad":"`+strings.Repeat("?", i)+`>>"`)
				seg := enc(p)
				if strings.ContainsAny(seg, "-_") {
					in := enc(e.hdr()) + "." + strings.NewReplacer("-", "+", "_", "/").Replace(seg)
					return in + "." + hs("HS256", e.secret, in)
				}
			}
		}, 401},
		{"case 5 non-zero trailing bits in the signature", func(e *env) string {
			v := []byte(e.valid("alice"))
			last := strings.IndexByte(b64chars, v[len(v)-1])
			v[len(v)-1] = b64chars[last|1] // 43 chars carry 258 bits: the last 2 are padding
			return string(v)
		}, 401},
		{"case 6 two segments", func(e *env) string { v := e.valid("alice"); return v[:strings.LastIndexByte(v, '.')] }, 401},
		{"case 6 four segments", func(e *env) string { return e.valid("alice") + ".AAAA" }, 401},
		{"case 6 five segments", func(e *env) string { return e.valid("alice") + ".AAAA.BBBB" }, 401},
		{"case 6 a megabyte of dots", func(e *env) string { return strings.Repeat(".", 1<<20) }, 401},
		{"case 7 a valid token over the 4 KB cap", func(e *env) string {
			return e.tok(e.claimsJSON("alice", time.Minute, `,"pad":"`+strings.Repeat("x", 4096)+`"`))
		}, 401},
		{"case 8 malformed JSON", func(e *env) string { return e.tok(`{"iss":"` + testIssuer + `","sub":`) }, 401},
		{"case 8 payload is an array", func(e *env) string { return e.tok(`[` + e.claimsJSON("alice", time.Minute, "") + `]`) }, 401},
		{"case 8 payload is a string", func(e *env) string { return e.tok(`"alice"`) }, 401},
		{"case 8 trailing garbage", func(e *env) string { return e.tok(e.claimsJSON("alice", time.Minute, "") + `x`) }, 401},
		{"case 8 two objects", func(e *env) string { return e.tok(e.claimsJSON("alice", time.Minute, "") + `{}`) }, 401},
		{"case 8 invalid UTF-8", func(e *env) string { return e.tok(e.claimsJSON("ali\xffce", time.Minute, "")) }, 401},
		{"case 8 lone surrogate", func(e *env) string { return e.tok(e.claimsJSON(`ali\ud800ce`, time.Minute, "")) }, 401},
		{"case 9 duplicate sub", func(e *env) string { return e.tok(e.claimsJSON("alice", time.Minute, `,"sub":"root"`)) }, 401},
		{"case 9 duplicate exp", func(e *env) string {
			return e.tok(e.claimsJSON("alice", -time.Hour, `,"exp":4102444800`))
		}, 401},
		{"case 9 duplicate through an escape", func(e *env) string {
			return e.tok(e.claimsJSON("alice", -time.Hour, `,"\u0065xp":4102444800`))
		}, 401},
		{"case 9 duplicate custom claim", func(e *env) string { return e.tok(e.claimsJSON("alice", time.Minute, `,"x":1,"x":2`)) }, 401},
	}
	for name, exp := range map[string]string{"string": `"4102444800"`, "float": `4102444800.5`, "negative": `-1`,
		"1e309": `1e309`, "overflowing": `99999999999999999999999`, "exponent": `4.1e9`, "null": `null`} {
		cases = append(cases, tokenCase{"case 10 exp as " + name, func(e *env) string {
			return e.tok(`{"iss":"` + testIssuer + `","sub":"alice","aud":"` + testAudience + `","exp":` + exp + `,"iat":1800000000}`)
		}, 401})
	}
	for name, kid := range map[string]string{"path traversal": "../../../etc/passwd", "SQL": "k1' OR '1'='1", "unknown id": "k2", "empty": ""} {
		cases = append(cases, tokenCase{"case 11 kid " + name, func(e *env) string {
			return rawToken("HS256", e.secret, `{"alg":"HS256","kid":"`+kid+`","typ":"at+jwt"}`, e.claimsJSON("alice", time.Minute, ""))
		}, 401})
	}
	cases = append(cases, tokenCase{"case 11 no kid", func(e *env) string {
		return rawToken("HS256", e.secret, `{"alg":"HS256","typ":"at+jwt"}`, e.claimsJSON("alice", time.Minute, ""))
	}, 401})
	for _, h := range []string{
		`{"alg":"HS256","jku":"` + keySrv.URL + `/jwks","kid":"k1","typ":"at+jwt"}`,
		`{"alg":"HS256","kid":"k1","typ":"at+jwt","x5u":"` + keySrv.URL + `/cert"}`,
		`{"alg":"HS256","jwk":{"kty":"oct","k":"AAAA"},"kid":"k1","typ":"at+jwt"}`,
		`{"alg":"HS256","kid":"k1","typ":"at+jwt","x5c":["MIIB"]}`,
	} {
		name := h[strings.Index(h, `","`)+3 : strings.Index(h, `","`)+6]
		cases = append(cases, tokenCase{"case 12 header " + name, func(e *env) string {
			return rawToken("HS256", e.secret, h, e.claimsJSON("alice", time.Minute, ""))
		}, 401})
	}
	for name, h := range map[string]string{
		"crit":      `{"alg":"HS256","crit":["exp-ext"],"exp-ext":1,"kid":"k1","typ":"at+jwt"}`,
		"b64 false": `{"alg":"HS256","b64":false,"crit":["b64"],"kid":"k1","typ":"at+jwt"}`,
		"zip":       `{"alg":"HS256","kid":"k1","typ":"at+jwt","zip":"DEF"}`,
	} {
		cases = append(cases, tokenCase{"case 13 " + name, func(e *env) string {
			return rawToken("HS256", e.secret, h, e.claimsJSON("alice", time.Minute, ""))
		}, 401})
	}
	runTokenCases(t, e, cases)
	if n := fetched.Load(); n != 0 {
		t.Errorf("case 12: the guard fetched a key URL %d times", n)
	}

	t.Run("case 2 HS256 token whose secret is the RSA public key", func(t *testing.T) {
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		privDER, _ := x509.MarshalPKCS8PrivateKey(priv)
		pubDER, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
		pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
		key, err := ParsePEMKey("rsa1", "RS256", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}))
		if err != nil {
			t.Fatal(err)
		}
		re := newEnv(t, func(c *Config[*testUser]) { c.SigningKey = key })
		s := re.login("alice")
		if r := re.do(req{path: "/me", cookie: re.accessCookie(s.access)}); r.status != 200 {
			t.Fatalf("control: RS256 session got %d", r.status)
		}
		for _, h := range []string{`{"alg":"HS256","kid":"rsa1","typ":"at+jwt"}`, `{"alg":"HS256","kid":"rsa1","typ":"JWT"}`, `{"alg":"HS256","typ":"JWT"}`} {
			forged := rawToken("HS256", pubPEM, h, re.claimsJSON("root", time.Minute, ""))
			if r := re.do(req{path: "/me", cookie: re.accessCookie(forged)}); r.status != 401 {
				t.Fatalf("forged %s: status %d", h, r.status)
			}
		}
	})

	t.Run("case 6 and 7 allocation stays flat", func(t *testing.T) {
		ks := e.a.keys.Load()
		for name, tok := range map[string]string{
			"dots":     strings.Repeat(".", 1<<20),
			"oversize": e.tok(e.claimsJSON("alice", time.Minute, `,"pad":"`+strings.Repeat("x", 8192)+`"`)),
		} {
			lines := []string{e.accessCookie(tok)}
			allocs := testing.AllocsPerRun(20, func() {
				if _, r := verifyToken(tok, ks.accessVerify, e.a.expect(), e.clock.Now()); r == ReasonNone {
					t.Fatal("accepted")
				}
				readCookies(lines, e.a.accessName, e.a.refreshName)
			})
			if allocs != 0 {
				t.Errorf("%s: %v allocations, want 0 (rejected before decoding)", name, allocs)
			}
		}
	})
}

const b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// TestGolangJWTReference checks our minting and our lean verifier against
// golang-jwt both ways.
func TestGolangJWTReference(t *testing.T) {
	e := newEnv(t)
	s := e.login("root")
	var claims struct {
		jwt.RegisteredClaims
		Roles []string `json:"roles"`
	}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(testIssuer), jwt.WithAudience(testAudience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(e.clock.Now))
	tok, err := parser.ParseWithClaims(s.access, &claims, func(tk *jwt.Token) (any, error) { return testSecret, nil })
	if err != nil || claims.Subject != "root" || len(claims.Roles) != 1 || tok.Header["typ"] != "at+jwt" || tok.Header["kid"] != testKID {
		t.Fatalf("golang-jwt rejects our token: %v %+v %v", err, claims, tok.Header)
	}

	now := e.clock.Now()
	ref := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": testIssuer, "aud": []string{testAudience}, "sub": "bob",
		"exp": now.Add(time.Minute).Unix(), "iat": now.Unix(), "custom": map[string]any{"nested": []any{1.5, true, nil, "x"}}})
	ref.Header["kid"], ref.Header["typ"] = testKID, "at+jwt"
	signed, err := ref.SignedString(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if v, r := verifyToken(signed, e.a.keys.Load().accessVerify, e.a.expect(), now); r != ReasonNone || v.sub != "bob" {
		t.Fatalf("we reject golang-jwt's token: %s", r)
	}
}

// scanFirst is how the guard read a token before issue 16: the byte scan, then
// verification. verifyTokenBytes must agree with it on every token.
func scanFirst(v *verified, tok string, verifiers []*signer, want expectations, now time.Time) Reason {
	if !cookieValueOK(tok) {
		return ReasonMalformed
	}
	return verifyTokenInto(v, tok, verifiers, want, now)
}

// verifyCase is the key set, expectations and time the token fuzzers verify
// against, with the header they carry and a valid payload.
func verifyCase(tb testing.TB) (ks *keySet, want expectations, now time.Time, hdr, valid string) {
	key, _ := HMACKey(testKID, "HS256", testSecret)
	// An HS384 key verifies too: its 48-byte signatures are the length where one
	// more character decodes to the same size (TestSignatureLineBreak).
	k384, _ := HMACKey(kid384, "HS384", testSecret)
	ks, err := newKeySet(key, []Key{k384}, 0)
	if err != nil {
		tb.Fatal(err)
	}
	now = time.Unix(1_800_000_000, 0)
	want = expectations{iss: testIssuer, aud: testAudience, leeway: 10 * time.Second}
	hdr = `{"alg":"HS256","kid":"k1","typ":"at+jwt"}`
	valid = `{"iss":"` + testIssuer + `","sub":"alice","aud":"` + testAudience + `","exp":1800000060,"iat":1800000000}`
	return ks, want, now, hdr, valid
}

// kid384 and hdr384 are verifyCase's HS384 key and the header of its tokens.
const (
	kid384 = "k384"
	hdr384 = `{"alg":"HS384","kid":"k384","typ":"at+jwt"}`
)

// verifyBytesCase is a key set and tokens for the byte checks: valid, expired,
// and signed ones holding bytes we never write (a line break, which base64 skips,
// a space, a quote, a byte over 0x7f) in each segment.
func verifyBytesCase(tb testing.TB) (*keySet, expectations, time.Time, []string) {
	ks, want, now, hdr, body := verifyCase(tb)
	expired := `{"iss":"` + testIssuer + `","sub":"alice","aud":"` + testAudience + `","exp":1700000060,"iat":1700000000}`
	signed := func(h, b string) string { return h + "." + b + "." + hs("HS256", testSecret, h+"."+b) }
	eh, eb := enc(hdr), enc(body)
	seeds := []string{signed(eh, eb), signed(eh, enc(expired)), "", strings.Repeat("a", maxTokenLen+1),
		signed(eh, eb) + strings.Repeat("A", maxTokenLen)}
	for _, br := range []string{"\n", "\r"} { // in an HS384 signature, where only the length shows it
		tok := rawToken("HS384", testSecret, hdr384, body)
		seeds = append(seeds, tok[:len(tok)-3]+br+tok[len(tok)-3:])
	}
	for _, bad := range []string{"\n", "\r", "\r\n", " ", "\"", "\xff", "="} {
		mid := len(eb) / 2
		seeds = append(seeds,
			signed(eh, eb[:mid]+bad+eb[mid:]), // in the body, signed over
			signed(eh, eb+bad),                // at the body's end
			signed(eh, enc(expired)[:4]+bad+enc(expired)[4:]),
			signed(eh, eb)[:len(eh)+len(eb)+5]+bad+signed(eh, eb)[len(eh)+len(eb)+5:], // in the signature
			signed(eh, eb)+bad,
			bad+signed(eh, eb))
	}
	// A line break in bodies of every length mod 3, so that verification's
	// decoded-length check meets every len%4 of a segment with one skipped byte,
	// 1 (4q characters and the break) included.
	for pad := range 3 {
		padded := enc(body[:len(body)-1] + strings.Repeat(" ", pad) + "}")
		for _, br := range []string{"\n", "\r", "\r\n"} {
			seeds = append(seeds, signed(eh, padded[:1]+br+padded[1:]))
		}
	}
	return ks, want, now, seeds
}

// TestVerifyTokenBytes: a signed token with a line break in its body is refused as
// malformed by verification itself (base64 would skip it), and verifyTokenBytes
// gives every seed the reason the scan-first order gave.
func TestVerifyTokenBytes(t *testing.T) {
	ks, want, now, seeds := verifyBytesCase(t)
	var v verified
	if r := verifyTokenInto(&v, seeds[0], ks.accessVerify, want, now); r != ReasonNone {
		t.Fatalf("the valid seed: %s", r)
	}
	for _, tok := range seeds[5:] {
		if strings.ContainsAny(tok, "\r\n") {
			if r := verifyTokenInto(&v, tok, ks.accessVerify, want, now); r == ReasonNone || r == ReasonExpired {
				t.Errorf("%q verified (%s): a line break passed", tok, r)
			}
		}
	}
	reasons := map[Reason]int{}
	for _, tok := range seeds {
		var v1, v2 verified
		got, was := verifyTokenBytes(&v1, tok, ks.accessVerify, want, now), scanFirst(&v2, tok, ks.accessVerify, want, now)
		if got != was || !reflect.DeepEqual(v1, v2) {
			t.Errorf("%q: %s %+v, with the scan first %s %+v", tok, got, v1, was, v2)
		}
		reasons[got]++
	}
	if reasons[ReasonNone] != 1 || reasons[ReasonExpired] != 1 || reasons[ReasonMalformed] != len(seeds)-2 {
		t.Errorf("the seeds do not cover what they should: %v", reasons)
	}
}

// TestSignatureLineBreak: a valid token with a line break in its signature
// segment is refused, for every algorithm. encoding/base64 skips the break even
// when strict, and for signatures of 48 or 384 bytes (HS384, RS256 with a
// 3072-bit key) the segment one character longer decodes to the same length, so
// only the segment's exact length keeps the break out.
func TestSignatureLineBreak(t *testing.T) {
	rsa3072, err := rsa.GenerateKey(rand.Reader, 3072)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(rsa3072)
	rsaKey, err := ParsePEMKey("rsa3072", "RS256", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	keys := []Key{rsaKey}
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		k, err := HMACKey("k-"+alg, alg, testSecret)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	now := time.Unix(1_800_000_000, 0)
	want := expectations{iss: testIssuer, aud: testAudience, leeway: 10 * time.Second}
	for _, k := range keys {
		ks, tok := keySetToken(t, k, now)
		var v verified
		if r := verifyTokenInto(&v, tok, ks.accessVerify, want, now); r != ReasonNone {
			t.Fatalf("%s: the valid token: %s", k.alg, r)
		}
		sig := strings.LastIndexByte(tok, '.') + 1
		for _, br := range []string{"\n", "\r"} {
			for _, at := range []int{sig, sig + 5, len(tok)} {
				bad := tok[:at] + br + tok[at:]
				if r := verifyTokenInto(&v, bad, ks.accessVerify, want, now); r == ReasonNone || r == ReasonExpired {
					t.Errorf("%s (%d bytes): a %q at %d verified", k.alg, k.sigLen(), br, at)
				}
				if r := verifyTokenBytes(&v, bad, ks.accessVerify, want, now); r != ReasonMalformed {
					t.Errorf("%s: a %q at %d: %s, want malformed", k.alg, br, at, r)
				}
			}
		}
	}
}
