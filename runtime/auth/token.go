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
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	macs   *sync.Pool // of hash.Hash, HMAC keys only
}

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
		sg.macs = &sync.Pool{New: func() any { return hmac.New(hf, secret) }}
	}
	return sg, nil
}

// sign returns a compact JWS of payload, signed by golang-jwt's method for the key.
func (s *signer) sign(payload []byte) (string, error) {
	var sb strings.Builder
	sb.Grow(len(s.header) + 1 + b64.EncodedLen(len(payload)) + 1 + b64.EncodedLen(s.key.sigLen()))
	sb.WriteString(s.header)
	sb.WriteByte('.')
	enc := make([]byte, b64.EncodedLen(len(payload)))
	b64.Encode(enc, payload)
	sb.Write(enc)
	sig, err := s.key.method.Sign(sb.String(), s.key.signKey)
	if err != nil {
		return "", fmt.Errorf("auth: sign with key %q: %w", s.key.kid, err)
	}
	sb.WriteByte('.')
	sb.WriteString(b64.EncodeToString(sig))
	return sb.String(), nil
}

// verify checks sig over input. HMAC is computed here with pooled hashes and
// compared in constant time (hmac.Equal); other algorithms use golang-jwt.
func (s *signer) verify(input string, sig []byte) bool {
	if len(sig) != s.key.sigLen() {
		return false
	}
	if s.macs == nil {
		return s.key.method.Verify(input, sig, s.key.verifyKey) == nil
	}
	h := s.macs.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(input))
	var buf [64]byte
	ok := hmac.Equal(h.Sum(buf[:0]), sig)
	s.macs.Put(h)
	return ok
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
	b, err := json.Marshal(payload{Iss: iss, Sub: sub, Aud: aud, Exp: exp.Unix(), Iat: now.Unix(), Jti: randomString(16), Sid: sid, Roles: roles})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: encode claims: %w", err)
	}
	tok, err := s.sign(b)
	return tok, exp, err
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
// holds, so a forged token costs one MAC and no parsing.
func verifyToken(tok string, verifiers []*signer, want expectations, now time.Time) (*verified, Reason) {
	if tok == "" {
		return nil, ReasonMissing
	}
	if len(tok) > maxTokenLen {
		return nil, ReasonOversize
	}
	d1 := strings.IndexByte(tok, '.')
	if d1 < 0 {
		return nil, ReasonMalformed
	}
	d2 := strings.IndexByte(tok[d1+1:], '.')
	if d2 < 0 {
		return nil, ReasonMalformed
	}
	d2 += d1 + 1
	if strings.IndexByte(tok[d2+1:], '.') >= 0 {
		return nil, ReasonMalformed
	}
	var s *signer
	for _, v := range verifiers {
		if v.header == tok[:d1] {
			s = v
			break
		}
	}
	if s == nil {
		return nil, ReasonUnknownKey
	}
	var sigBuf [512]byte
	sigSeg := tok[d2+1:]
	sig := sigBuf[:]
	if need := b64.DecodedLen(len(sigSeg)); need != s.key.sigLen() {
		return nil, ReasonBadSignature
	} else if need > len(sigBuf) {
		sig = make([]byte, need) // RSA keys over 4096 bits; bounded by maxTokenLen
	}
	n, err := b64.Decode(sig, []byte(sigSeg))
	if err != nil || !s.verify(tok[:d2], sig[:n]) {
		return nil, ReasonBadSignature
	}
	body, err := b64.DecodeString(tok[d1+1 : d2])
	if err != nil || !utf8.Valid(body) {
		return nil, ReasonMalformed
	}
	var c claims
	if !parseClaims(body, &c, want.iss, want.aud) {
		return nil, ReasonBadClaims
	}
	switch {
	case !c.has(claimIss) || !c.issOK:
		return nil, ReasonWrongIssuer
	case !c.has(claimAud) || !c.audOK:
		return nil, ReasonWrongAudience
	case !c.has(claimExp) || !c.has(claimIat) || !c.has(claimSub) || c.sub == "":
		return nil, ReasonBadClaims
	case !want.lifetimeOK(c.iat, c.exp):
		return nil, ReasonLifetime
	}
	v := &verified{
		sub:       c.sub,
		sid:       c.sid,
		roles:     c.roles,
		deadline:  time.Unix(c.exp, 0).Add(want.leeway),
		notBefore: time.Unix(max(c.iat, c.nbf), 0).Add(-want.leeway),
	}
	switch {
	case !now.Before(v.deadline):
		return v, ReasonExpired // v is returned so the caller knows the signature held
	case c.has(claimNbf) && now.Before(time.Unix(c.nbf, 0).Add(-want.leeway)):
		return nil, ReasonNotYetValid
	case now.Before(v.notBefore):
		return nil, ReasonIssuedInFuture
	}
	return v, ReasonNone
}

// randomString returns n random bytes, base64url.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return b64.EncodeToString(b)
}
