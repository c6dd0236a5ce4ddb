package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestKeys(t *testing.T) {
	if _, err := HMACKey("k", "HS256", make([]byte, 31)); !errors.Is(err, ErrKeyTooShort) {
		t.Errorf("31-byte key: %v", err)
	}
	if _, err := HMACKey("k", "HS1024", testSecret); !errors.Is(err, ErrUnsupportedAlg) {
		t.Errorf("unknown alg: %v", err)
	}
	if _, err := HMACKey("../k", "HS256", testSecret); !errors.Is(err, ErrBadKID) {
		t.Errorf("bad kid: %v", err)
	}
	t.Setenv("SPECGATE_TEST_KEY", base64.StdEncoding.EncodeToString(testSecret))
	if k, err := HMACKeyFromEnv("env", "HS512", "SPECGATE_TEST_KEY"); err != nil || !k.CanSign() || k.Alg() != "HS512" {
		t.Errorf("from env: %v", err)
	}
	if _, err := HMACKeyFromEnv("env", "HS256", "SPECGATE_TEST_UNSET"); !errors.Is(err, ErrNoKey) {
		t.Errorf("unset env: %v", err)
	}

	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	dir := t.TempDir()
	for _, k := range []struct {
		alg  string
		priv any
		pub  any
	}{{"RS256", rsaKey, &rsaKey.PublicKey}, {"ES256", ecKey, &ecKey.PublicKey}, {"EdDSA", edKey, edKey.Public()}} {
		t.Run(k.alg, func(t *testing.T) {
			privDER, _ := x509.MarshalPKCS8PrivateKey(k.priv)
			pubDER, _ := x509.MarshalPKIXPublicKey(k.pub)
			path := filepath.Join(dir, k.alg+".pem")
			os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}), 0o600)
			priv, err := LoadPEMKey("priv", k.alg, path)
			if err != nil || !priv.CanSign() {
				t.Fatalf("private: %v", err)
			}
			pub, err := ParsePEMKey("pub", k.alg, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
			if err != nil || pub.CanSign() {
				t.Fatalf("public: %v", err)
			}
			if _, err := ParsePEMKey("x", map[string]string{"RS256": "ES256", "ES256": "EdDSA", "EdDSA": "RS256"}[k.alg], pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})); !errors.Is(err, ErrBadKey) {
				t.Fatalf("wrong alg accepted: %v", err)
			}
			// A token signed by the private key verifies with the public one alone.
			cfg := Config[string]{Issuer: "i", Audience: "a", SigningKey: priv, Lookup: func(_ context.Context, s string) (string, error) { return s, nil }}
			a, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			tok, _, err := mint(a.keys.Load().access, "i", "a", "alice", "", nil, now, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			verifier, _ := newSigner(Key{kid: "priv", alg: pub.alg, method: pub.method, verifyKey: pub.verifyKey}, typAccess)
			if v, r := verifyToken(tok, []*signer{verifier}, expectations{iss: "i", aud: "a"}, now); r != ReasonNone || v.sub != "alice" {
				t.Fatalf("verify with the public key: %s", r)
			}
			if _, err := New(Config[string]{Issuer: "i", Audience: "a", SigningKey: pub, Lookup: cfg.Lookup}); !errors.Is(err, ErrBadKey) {
				t.Fatalf("a public key as signing key: %v", err)
			}
		})
	}
}

// rsa4608PEM is a 4608-bit RSA key (embedded: generating one takes seconds).
// Its signatures are 576 bytes, more than verifyToken's 512-byte stack buffer.
const rsa4608PEM = `-----BEGIN PRIVATE KEY-----
MIIKYgIBADANBgkqhkiG9w0BAQEFAASCCkwwggpIAgEAAoICQQCno51nw0i9Cj/U
HJU2pdCbveerz+PCuSYJA0nYRlnYdQIkcpM0JLoiQMBwEyfH9XfBSkX/lp/gaSaN
FVgrFMe7CES25B5j8dUnbxV3Sa9nzWWRLmUeebww9anOi64KmEPLb4mroCjpYQKY
koJ+wtA1/iSy5/zujFwfdLYWvnJ6EIuwoFDwGXtPgL50CD9Uk/qdXGliMXH3Tm4T
YTmgMdDSBN2Jx6Ol+WrXmceS6I9U0mPkLt/CDWKaCnOutuXCYfMwGAN7Co/CQGFw
boM/Av2o6LHjwl8MtQWACS4ydox+1EQr5OHMxFSu9GiYhHKwSPPa71JsNtBfzfVl
0LGHRTC9CI4pc8ucDEAhL9izp8SDjHpLd76q1gQj6LZ0XNjAJI2KjuTYK6wgUD3i
4qRYXIE8BE+lhw3jrOEX3vdoxxLCA5ayivWzcvsKeXY5DKdI56xQsm9i/KlMvTyJ
k6SL34dRFk5E1RskEUY+V6WJg2GbJ/064dnHSZU1QD9nbh7tS8jdy5PBeMYVRcRJ
OqKVr207Ux1BL17KBP+eXxB2VB3d4vOdldMXtgu+UAvP4kMj0B05U3PVcCImFGzl
xn65zyHMa7n1zveeixMIdM94D3wNVsM2M6OwpLTTZ5fxI3ZuhiBTpjn32ePuNIDI
5A9/AS7hvb4I6mgfoIWLvrOocsofkb7WrnaJQ1QQ7oGS3LtjBaw3AaOOSWKo+A6M
CyObq5sRmksaxlKzqmiyPrnwDw2YzaU+AFQNf6dVhmKfoBcT4lMCAwEAAQKCAkBH
yXxP4WQGM9vmeMD7EGG3N8j8Hb+ydLfRdzuJpoK1+1FKC1h3JV0h6umddM59xeOc
/bHhA/79yfmMw/2oITNwp9dJHIHZGcfGJb8jAIZhJKdgVuZNeSL6MlEfllgWyGKL
vP1O5fxvCDBk5qSEJOeln2nWxRpeivOuMrwBHFgIZopzPgu67aaNApxMMvXvwZi6
B0dHmdXsagUgPmu/amW6cgPuivPM0PSMVBmPExDB6YCGR/5g6nt1bJFiWYclSO2r
hDUFXR33uLshOunwM1ctnEwFNQif9+rdi9DhIjwC2eJBi7eYCOEctKQP3/P/ApaO
hBqfJY/w3tE94vMK8rmu0XmTTbd84RAbRhJ9yJOSI7eBFsuq+4/1UqPDS7kz+tKC
HOj8PvIXwruDF3K7U9Xw+JEWSrdFkY99+n1FNk424SqL1y1g8FvFIE/LnwiP/dYC
x6OUEDYlnc2bg5RLMAbXfZtj39JMGDU/VbSlz1DdcXJXxBY6PvaMogU9xToVGNA8
RRSC7QrhGvzNIlJLjgKqiWdiL8PLMig+zC+yT67Q24f9Lz9FvS4oQw1rmuqKwxKd
lKhXenJf42c1nl4nUqvLVLSFVASzvNNRFKNkko/jkHMzde3Lm9YLx0AVQxqQRbuF
mTsZ2PezcFzJbkgCR7Rw4XZfJktBaiyVrmY4j9ooBzDWPasza+b4f5i28JXYMk96
444Ky5W5ZSx6Ip0PnfRbgEBBnkX67i6SRGd6AAr3MHi/dETgLfnZwAkNeMJeO1UC
ggEhAN0Sg21g9YrqXDDmUaAtwLjLsMTkSIpG67BZtZpwdgUZQm+lJ0LfwQofNwZ8
vVS4zm4V3S/q9kBPrylxBV5uPJjJhskVrM7FeVIrJgtEU//AhQlXlJHFJUD+vVuU
yXkJIx/5S7blfL+2oH6KlBnowKtw77S+FcPXBVYSiWicpvPp2zbpdHvWd7vRMY5h
J+0prDhHMARewzRvYL4Dh1jCzIJrWVkibhhN41y0kzZ4XlKqb522mf9w79U//4fj
nJ5ViwglpZuyd8GHFHPrGUIV+PvPez+RNjPwFwri73y3HHJc4Ds4pagmcPgmivWy
KfdP50T6i/2YdVzABKk1B/G8QSpiYNWulFbZexH1JoqEfx2Wu+zRGR2YlVn2xMga
FBSn/wKCASEAwh/xhKAjc28zn+y8SeKeXwxluvy5srGL1RVLE5c2vYg7xznqvBHj
/dyMbsprcoMuD4M0XHmgkbr/zTZp03K0myt2ePMzUMyJ273CTShNOsO3UuiRRehV
HxBm1Uqft3iWH8csSb0y1EtxYYxYXx8fPKQ38S7NBatSS4GB3P98IHDigK/JPSJi
CBzXW7Z+v9nMa/xAkWwPxI/hHRtIEuFQP82iSM/bUU8rYBhBwTgP8xIHM3Z7QkGw
Inh4jGTo8DpBFDw6TJ5uJUwazqzvuEfZl+vsY1CENPhcqY9uWAAx9nFREsdInc1D
dNC6PHHTRyOfQIxYNoxC8o1WkOheQqJudIKe5ImqWO3B/y6jAUc/La3stzd7hAPu
dct1KbezKaWtAoIBIQCJqznFJ5hBRejbWtKCGXvmmJIgSrkRw1CKpZL99gLI8g35
ULO+ZXDlSMMPeya8V8nVrC/t4zgunHDMMeHSCHwb+YPCPYk7yqXekZhDc+2LWux+
ANg4XrjwXLK3EVTV1ubUxn5sC0VAbg5MPygzakpxeQcNW0JajtB35VtElikxw/QL
oh4z8D7n60IdFEu02TqyYUJ5tjmBscphCfmDQOvyW79sTpCY+ggYdyslxJeYiyKu
6EPGWyI/fnc2vHuP7l2CWU9kQiNplSEbftBf4ycGSRLLZzaF6YGv+dqBo9ZHMadB
uekPacD4B6iJkMWpiUzQG+aJqiOL+tfsN2YXF9DNAC6lYu5ll1GYwT2bDR/L4U5u
D1jAoYCAYbfxlKvkoSkCggEgNhxpWiq5NwgcP8vhgEbnFl+CS+j+ak0LSU4yKzfP
Tm2XHCWMxPfHsY+0pX1PDhB62mAcTFqq43RYsX8laIdkyIwI7hX8i9034ES40IEX
ZfYAN+AT/oSQlaQgxfuTIbU/Q4RlV/ihHoQZCrPwPjOSpXixD02YYKgsvFdRN6UP
mIte17goRB49bT182le4ZQn07XTXGrIggw4IFfDw2jJsCBzty5YE8Fk9IgAg9BcI
exzfXPz9xq5AxpsGHzxRogTa9yUCqzDOSx83qbyS5a9BfBOLRPPApnNEgQ82FtmX
E7bqfm2GVFZPI1S7VPX1irLnRTrZq/rU/n9fTe03uSNF3rw6RkIJddhwZw086rJN
bhI5FakliNr/sV4RPpuyGT3RAoIBIHHNURBlgPndo4Uy+bRtHgogv1Q7Ea9wppR2
Ctt3d5xdN1Wc/lsbBfBAJZ9+fDgwYV10uCvuE/UWf2orGN96MkFWK77muwq3RSne
n2u/CIP73GDsOAdi7emesXs3nOpaKstZtjppdd+bFsKqHUK/iVyUnIfFE5rhrpWw
iVIBB1i54rDC15NSaF+REiraZHuZnfwxjXgvmN7Ou+nWdl9i3xtBI4KiS1aoF0QX
/01C3PcLNhcrvkxbbz48gmEzpopKZaCl+n/aOP4TCildnMUS+y8/hLc0H9uUARBK
iRimyA7aMRsjEWdv4zV3bLHPzBaDEUX4tnoC5ZKXZML/CnKeSyRF4WdoH4JgcFyM
B3dUBRHGbeW/TJddeur0nFzFcqp+5A==
-----END PRIVATE KEY-----
`

// TestRSAKeysOver4096BitsVerify: ParsePEMKey accepts any RSA key of 2048 bits
// or more, so the tokens it signs must verify; an RSA-4608 key used to pass New and
// then answer 401 to every request.
func TestRSAKeysOver4096BitsVerify(t *testing.T) {
	key, err := ParsePEMKey("big", "RS256", []byte(rsa4608PEM))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		cache int
	}{{"cache on", 0}, {"cache off", -1}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New(Config[*testUser]{
				Issuer: testIssuer, Audience: testAudience, SigningKey: key, TokenCacheSize: tc.cache,
				Lookup: newUserDB().Lookup, Logger: discardLogger,
			})
			if err != nil {
				t.Fatal(err)
			}
			h := a.Wrap(Route{Method: "GET", Pattern: "/me", OperationID: "getMe"}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
			login := httptest.NewRecorder()
			if err := a.Login(login, httptest.NewRequest("POST", "/login", nil), "alice"); err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/me", nil)
			for _, c := range login.Result().Cookies() {
				if c.Name == a.accessName {
					r.AddCookie(c)
				}
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("a token signed with our own RSA-4608 key: %d", w.Code)
			}
		})
	}
}
