package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token types, written into the fixed header so an access token can never pass as a
// refresh token or the reverse (docs/security-cases.md case 21).
const (
	typAccess  = "at+jwt"
	typRefresh = "rt+jwt"
)

// maxTokenLen caps a token before anything is decoded (docs/security-cases.md case 7).
const maxTokenLen = 4096

// b64 is the only encoding JWS allows: URL alphabet, no padding, zero trailing bits.
var b64 = base64.RawURLEncoding.Strict()

// signer is a Key with the exact header segment its tokens carry. Verification
// compares the raw header segment against these, so alg, kid and typ are pinned
// before a byte is decoded, and headers such as jku, x5u, crit or zip simply do not
// match (docs/security-cases.md cases 1, 3, 11-13).
type signer struct {
	key    Key
	header string     // base64url of {"alg":..,"kid":..,"typ":..}
	macs   *sync.Pool // of *macState, HMAC keys only
}

// macState is one pooled HMAC and the scratch it works in, so verifying and signing
// allocate nothing for the MAC once the pool is warm: hash.Hash takes a []byte,
// and converting the token string would copy it to the heap on every request.
// The decoded payload of a token being verified lives here too, so no buffer is
// cleared for it per request.
type macState struct {
	h    hash.Hash
	in   []byte // the signing input, copied from the token string
	sum  [64]byte
	body []byte // the decoded payload (verifyTokenInto)
}

// maxPooledInput keeps one huge token from pinning a large buffer in the pool.
const maxPooledInput = 2 * maxTokenLen

func newSigner(k Key, typ string) (*signer, error) {
	t := jwt.New(k.method)
	t.Header = map[string]any{"alg": k.alg, "kid": k.kid, "typ": typ}
	s, err := t.SigningString()
	if err != nil {
		return nil, fmt.Errorf("%w: key %q: %w", ErrBadKey, k.kid, err)
	}
	sg := &signer{key: k, header: s[:strings.IndexByte(s, '.')]}
	if secret, ok := k.verifyKey.([]byte); ok {
		hf := map[string]func() hash.Hash{"HS256": sha256.New, "HS384": sha512.New384, "HS512": sha512.New}[k.alg]
		sg.macs = &sync.Pool{New: func() any { return &macState{h: hmac.New(hf, secret)} }}
	}
	return sg, nil
}

func (s *signer) getMAC() *macState {
	m := s.macs.Get().(*macState)
	m.h.Reset()
	return m
}

func (s *signer) putMAC(m *macState) {
	if cap(m.in) > maxPooledInput {
		m.in = nil
	}
	if cap(m.body) > maxPooledInput {
		m.body = nil
	}
	s.macs.Put(m)
}

// appendToken appends the compact JWS of payload to dst: header, payload and
// signature, base64url. HMAC is computed with a pooled state; other algorithms are
// signed by golang-jwt's method for the key.
func (s *signer) appendToken(dst, payload []byte) ([]byte, error) {
	start := len(dst)
	dst = append(dst, s.header...)
	dst = append(dst, '.')
	dst = b64.AppendEncode(dst, payload)
	if s.macs != nil {
		m := s.getMAC()
		m.h.Write(dst[start:])
		sig := m.h.Sum(m.sum[:0])
		dst = append(dst, '.')
		dst = b64.AppendEncode(dst, sig)
		s.putMAC(m)
		return dst, nil
	}
	sig, err := s.key.method.Sign(string(dst[start:]), s.key.signKey)
	if err != nil {
		return nil, fmt.Errorf("auth: sign with key %q: %w", s.key.kid, err)
	}
	dst = append(dst, '.')
	return b64.AppendEncode(dst, sig), nil
}

// sign returns a compact JWS of payload.
func (s *signer) sign(payload []byte) (string, error) {
	b, err := s.appendToken(make([]byte, 0, len(s.header)+2+b64.EncodedLen(len(payload))+b64.EncodedLen(s.key.sigLen())), payload)
	return string(b), err
}

// verify checks the decoded signature sig over input with an HMAC key, in m, a
// reset state from s.getMAC, compared in constant time (hmac.Equal). It takes
// sig through no interface, so a caller's stack buffer stays on the stack.
// Asymmetric keys are verified in verifySegment.
func (s *signer) verify(m *macState, input string, sig []byte) bool {
	if len(sig) != s.key.sigLen() {
		return false
	}
	m.in = append(m.in[:0], input...)
	m.h.Write(m.in)
	return hmac.Equal(m.h.Sum(m.sum[:0]), sig)
}

// keySet is everything derived from one SetKeys call. It is swapped atomically,
// and the verified-token cache lives in it, so a key change flushes the cache.
type keySet struct {
	access        *signer   // signs access tokens
	accessVerify  []*signer // signing key first, then VerifyKeys
	refresh       *signer   // signs stateless refresh tokens (HS256, derived key)
	refreshVerify []*signer
	successorKey  []byte // derives a rotated opaque token's successor
	cache         *tokenCache
}

func newKeySet(signing Key, verify []Key, cacheSize int) (*keySet, error) {
	if signing.IsZero() {
		return nil, ErrNoKey
	}
	if !signing.CanSign() {
		return nil, fmt.Errorf("%w: signing key %q is public only", ErrBadKey, signing.kid)
	}
	ks := &keySet{successorKey: derive(signing.secret, "specgate/v1/refresh-successor")}
	if cacheSize > 0 {
		ks.cache = newTokenCache(cacheSize)
	}
	seen := map[string]bool{}
	for i, k := range append([]Key{signing}, verify...) {
		if k.IsZero() {
			return nil, fmt.Errorf("%w: VerifyKeys[%d] is the zero Key", ErrBadKey, i-1)
		}
		if seen[k.kid] {
			return nil, fmt.Errorf("%w: key id %q used twice", ErrBadKID, k.kid)
		}
		seen[k.kid] = true
		s, err := newSigner(k, typAccess)
		if err != nil {
			return nil, err
		}
		ks.accessVerify = append(ks.accessVerify, s)
		if k.secret == nil {
			continue // a public key cannot derive the refresh key
		}
		rs, err := refreshSigner(k)
		if err != nil {
			return nil, err
		}
		ks.refreshVerify = append(ks.refreshVerify, rs)
	}
	ks.access, ks.refresh = ks.accessVerify[0], ks.refreshVerify[0]
	return ks, nil
}

// refreshSigner derives the stateless refresh-token key from k's secret material:
// a key of its own, so no access key ever verifies a refresh token.
func refreshSigner(k Key) (*signer, error) {
	secret := derive(k.secret, "specgate/v1/refresh-jwt")
	rk := Key{kid: k.kid, alg: "HS256", method: jwt.SigningMethodHS256, signKey: secret, verifyKey: secret, secret: secret}
	return newSigner(rk, typRefresh)
}

// derive is HMAC-SHA256(secret, label): one-way and domain-separated.
func derive(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// payload is what we sign. Field order is fixed; aud is a plain string.
type payload struct {
	Iss   string   `json:"iss"`
	Sub   string   `json:"sub"`
	Aud   string   `json:"aud"`
	Exp   int64    `json:"exp"`
	Iat   int64    `json:"iat"`
	Jti   string   `json:"jti"`
	Sid   string   `json:"sid,omitempty"` // the session (refresh family) it belongs to
	Roles []string `json:"roles,omitempty"`
}

// mint signs a token for sub in session sid ("" without a store) valid for ttl
// from now.
func mint(s *signer, iss, aud, sub, sid string, roles []string, now time.Time, ttl time.Duration) (string, time.Time, error) {
	exp := now.Add(ttl).Truncate(time.Second)
	sc := mintScratch.Get().(*mintBuf)
	defer putMintBuf(sc)
	_, _ = rand.Read(sc.jti[:]) // never fails (crypto/rand panics rather than return short)
	sc.payload = appendPayload(sc.payload[:0], iss, sub, aud, exp.Unix(), now.Unix(), sc.jti[:], sid, roles)
	tok, err := s.appendToken(sc.tok[:0], sc.payload)
	if err != nil {
		return "", time.Time{}, err
	}
	sc.tok = tok
	return string(tok), exp, nil
}

// mintBuf is the scratch of one mint: the claims JSON and the token are built by
// appending into buffers reused across mints, and copied out once as the string.
type mintBuf struct {
	jti     [16]byte
	payload []byte
	tok     []byte
}

var mintScratch = sync.Pool{New: func() any { return &mintBuf{payload: make([]byte, 0, 256), tok: make([]byte, 0, 512)} }}

func putMintBuf(b *mintBuf) {
	if cap(b.payload) > maxPooledInput || cap(b.tok) > maxPooledInput {
		return // a token with many roles: let it go rather than pin it
	}
	mintScratch.Put(b)
}

// appendPayload appends the claims JSON: exactly the bytes json.Marshal writes for
// payload{Iss: iss, Sub: sub, Aud: aud, Exp: exp, Iat: iat, Jti: base64url(jti),
// Sid: sid, Roles: roles} (TestAppendPayloadIsJSONMarshal), without reflection.
func appendPayload(dst []byte, iss, sub, aud string, exp, iat int64, jti []byte, sid string, roles []string) []byte {
	dst = append(dst, `{"iss":`...)
	dst = appendJSONString(dst, iss)
	dst = append(dst, `,"sub":`...)
	dst = appendJSONString(dst, sub)
	dst = append(dst, `,"aud":`...)
	dst = appendJSONString(dst, aud)
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, exp, 10)
	dst = append(dst, `,"iat":`...)
	dst = strconv.AppendInt(dst, iat, 10)
	dst = append(dst, `,"jti":"`...)
	dst = b64.AppendEncode(dst, jti) // the base64url alphabet needs no escaping
	dst = append(dst, '"')
	if sid != "" {
		dst = append(dst, `,"sid":`...)
		dst = appendJSONString(dst, sid)
	}
	if len(roles) > 0 {
		dst = append(dst, `,"roles":[`...)
		for i, r := range roles {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, r)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendJSONString appends s quoted as encoding/json quotes it. Strings of
// printable ASCII that json.Marshal writes verbatim (no quote, backslash or the
// HTML characters it escapes) are copied; anything else goes through json.Marshal
// itself, so escapes, invalid UTF-8 and U+2028/U+2029 come out byte for byte the
// same.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always marshals
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// verified is what a valid token says. It is what the cache keeps.
type verified struct {
	sub       string
	sid       string // session id, "" for tokens of a stateless guard
	roles     []string
	notBefore time.Time // max(iat, nbf) - leeway
	deadline  time.Time // exp + leeway: valid strictly before it
}

// validAt re-checks the time window; cached entries are re-checked on every hit.
func (v *verified) validAt(now time.Time) bool {
	return now.Before(v.deadline) && !now.Before(v.notBefore)
}

// expectations are the claim checks every token must pass.
type expectations struct {
	iss, aud string
	leeway   time.Duration
	// maxLife caps exp - iat (plus leeway, rounded up to whole seconds as NumericDates
	// are): the configured lifetime, not the one a token claims, bounds how long it
	// works (docs/security-cases.md case 43). Zero means no cap (only tests build that).
	maxLife time.Duration
}

// lifetimeOK reports whether a token issued at iat and expiring at exp (Unix
// seconds) lives no longer than the cap allows.
func (e expectations) lifetimeOK(iat, exp int64) bool {
	if e.maxLife <= 0 {
		return true
	}
	limit := int64((e.maxLife + e.leeway + time.Second - 1) / time.Second)
	return exp-iat <= limit
}

// verifyToken checks tok against verifiers, in this order: size, shape, exact
// header, signature over the raw bytes, then (only for a token we signed) strict
// base64 and JSON decoding and the claims. Nothing is decoded before the signature
// holds, so a forged token costs one MAC and no parsing. It returns what the token
// says when the reason is ReasonNone or ReasonExpired, nil otherwise.
func verifyToken(tok string, verifiers []*signer, want expectations, now time.Time) (*verified, Reason) {
	var v verified // on the stack: a rejected token allocates nothing (case 6 and 7)
	r := verifyTokenInto(&v, tok, verifiers, want, now)
	if r != ReasonNone && r != ReasonExpired {
		return nil, r
	}
	p := new(verified)
	*p = v
	return p, r
}

// verifyTokenInto is verifyToken writing into v, so a caller that does not keep
// the result allocates nothing for it. v is filled when the reason is ReasonNone
// or ReasonExpired (the signature held; the caller may need to know that).
func verifyTokenInto(v *verified, tok string, verifiers []*signer, want expectations, now time.Time) Reason {
	if tok == "" {
		return ReasonMissing
	}
	if len(tok) > maxTokenLen {
		return ReasonOversize
	}
	d1 := strings.IndexByte(tok, '.')
	if d1 < 0 {
		return ReasonMalformed
	}
	d2 := strings.IndexByte(tok[d1+1:], '.')
	if d2 < 0 {
		return ReasonMalformed
	}
	d2 += d1 + 1
	if strings.IndexByte(tok[d2+1:], '.') >= 0 {
		return ReasonMalformed
	}
	var s *signer
	for _, v := range verifiers {
		if v.header == tok[:d1] {
			s = v
			break
		}
	}
	if s == nil {
		return ReasonUnknownKey
	}
	// The signature segment's exact length, not its decoded one: for 48 or 384
	// byte signatures one character more decodes to the same length, and
	// encoding/base64 would skip a line break there (TestSignatureLineBreak).
	if len(tok)-d2-1 != b64.EncodedLen(s.key.sigLen()) {
		return ReasonBadSignature
	}
	if s.macs == nil {
		return verifySigned(v, s, nil, tok, d1, d2, want, now)
	}
	m := s.getMAC() // the MAC and the decoded payload (no defer: this is the cold path)
	r := verifySigned(v, s, m, tok, d1, d2, want, now)
	s.putMAC(m)
	return r
}

// verifySigned is verifyTokenInto from the signature on, for tok whose dots are
// at d1 and d2 and whose header is s's; m is s's reset pooled state, nil for an
// asymmetric key.
func verifySigned(v *verified, s *signer, m *macState, tok string, d1, d2 int, want expectations, now time.Time) Reason {
	if !s.verifySegment(m, tok[:d2], tok[d2+1:]) {
		return ReasonBadSignature
	}
	bodySeg := tok[d1+1 : d2]
	need := b64.DecodedLen(len(bodySeg)) // bounded by maxTokenLen
	var body []byte
	if m != nil {
		m.body = slices.Grow(m.body[:0], need)[:need]
		body = m.body
	} else {
		body = make([]byte, need) // an asymmetric key: its verification allocates anyway
	}
	n, err := b64.Decode(body, []byte(bodySeg))
	// encoding/base64 skips CR and LF even when strict; a token holding one is
	// not one we wrote. A skipped byte shows in the length: DecodedLen grows with
	// every byte except the one that makes len%4 == 1, which no unpadded segment
	// has. The signature segment cannot hide one: its length was checked exactly.
	if err != nil || n != need || len(bodySeg)%4 == 1 {
		return ReasonMalformed
	}
	var c claims
	if r := parseClaims(body[:n], &c, want.iss, want.aud); r != ReasonNone {
		return r
	}
	switch {
	case !c.has(claimIss) || !c.issOK:
		return ReasonWrongIssuer
	case !c.has(claimAud) || !c.audOK:
		return ReasonWrongAudience
	case !c.has(claimExp) || !c.has(claimIat) || !c.has(claimSub) || c.sub == "":
		return ReasonBadClaims
	case !want.lifetimeOK(c.iat, c.exp):
		return ReasonLifetime
	}
	*v = verified{
		sub:       c.sub,
		sid:       c.sid,
		roles:     c.roles,
		deadline:  time.Unix(c.exp, 0).Add(want.leeway),
		notBefore: time.Unix(max(c.iat, c.nbf), 0).Add(-want.leeway),
	}
	switch {
	case !now.Before(v.deadline):
		return ReasonExpired // v is filled so the caller knows the signature held
	case c.has(claimNbf) && now.Before(time.Unix(c.nbf, 0).Add(-want.leeway)):
		return ReasonNotYetValid
	case now.Before(v.notBefore):
		return ReasonIssuedInFuture
	}
	return ReasonNone
}

// verifyTokenBytes is verifyTokenInto for a token read from a request: one
// holding a byte we never write (cookieValueOK) is ReasonMalformed, whatever else
// is wrong with it. The byte scan runs only when verification failed, because a
// token that verifies is made of such bytes already: its header is one of ours,
// its other segments strict base64url without line breaks, its dots two. So a
// valid token is read once, not twice (issue 16), and every token gets the
// reason it got when the scan came first (TestVerifyTokenBytes). An expired
// token skips the scan too: ReasonExpired comes only after the signature held.
func verifyTokenBytes(v *verified, tok string, verifiers []*signer, want expectations, now time.Time) Reason {
	r := verifyTokenInto(v, tok, verifiers, want, now)
	if r != ReasonNone && r != ReasonExpired && !cookieValueOK(tok) {
		return ReasonMalformed
	}
	return r
}

// verifySegment decodes the signature segment (strict base64url; its length was
// checked against the key's) and verifies it over input. HMAC
// signatures (m, the key's pooled state) are decoded on the stack; asymmetric
// ones (m nil; golang-jwt's Verify takes the slice through an interface) into a
// heap buffer.
func (s *signer) verifySegment(m *macState, input, sigSeg string) bool {
	if m != nil {
		var buf [64]byte
		n, err := b64.Decode(buf[:], []byte(sigSeg))
		return err == nil && s.verify(m, input, buf[:n])
	}
	sig := make([]byte, b64.DecodedLen(len(sigSeg))) // RSA up to what maxTokenLen allows
	n, err := b64.Decode(sig, []byte(sigSeg))
	return err == nil && n == s.key.sigLen() && s.key.method.Verify(input, sig[:n], s.key.verifyKey) == nil
}

// randomString returns n random bytes, base64url.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return b64.EncodeToString(b)
}
