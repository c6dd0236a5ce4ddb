package auth

import (
	"unicode/utf16"
	"unicode/utf8"
)

// A strict reader for the flat claims object of a token whose signature already
// holds. encoding/json would accept duplicate keys (last wins), exp as a float and
// more; here a claim appears once, NumericDates are plain non-negative integers, and
// anything else about the document is refused (docs/security-cases.md cases 8-10).

// claim bits record which registered claims were seen, to refuse duplicates.
type claimBit uint16

const (
	claimIss claimBit = 1 << iota
	claimSub
	claimAud
	claimExp
	claimIat
	claimNbf
	claimJti
	claimRoles
	claimSid
)

// maxUnknownClaims bounds the duplicate check for claims we do not read.
const maxUnknownClaims = 16

// maxDepth bounds nesting inside custom claims.
const maxDepth = 16

// maxDateDigits keeps NumericDates far from int64 and time.Time overflow.
const maxDateDigits = 12

type claims struct {
	seen          claimBit
	issOK, audOK  bool // iss equals, aud (string or array) contains, the expected value
	sub, sid      string
	exp, iat, nbf int64
	roles         []string
}

func (c *claims) has(b claimBit) bool { return c.seen&b != 0 }

// parseClaims fills c from the decoded payload b: ReasonNone for a well-formed
// object without duplicate or mistyped claims, ReasonMalformed for invalid UTF-8,
// ReasonBadClaims for anything else. The payloads this package mints are read by
// parseMinted, the rest by parseClaimsAny; both give the same claims for what
// parseMinted reads (FuzzParseClaims). parseMinted reads only ASCII, so only what
// it refuses pays for the UTF-8 check.
func parseClaims(b []byte, c *claims, wantIss, wantAud string) Reason {
	var m claims
	switch {
	case parseMinted(b, &m, wantIss, wantAud):
		*c = m
	case !utf8.Valid(b):
		return ReasonMalformed
	case !parseClaimsAny(b, c, wantIss, wantAud):
		return ReasonBadClaims
	}
	return ReasonNone
}

// parseMinted reads exactly the layout appendPayload writes, with the expected
// issuer and audience and no escapes: fixed key order, no whitespace, sid and
// roles optional. It is the cold path's parser (issue 16): fixed literals
// compared in place of a key lookup, duplicate check and whitespace skip per
// claim. It reports false, leaving the verdict to parseClaimsAny, on anything
// else, a wrong issuer or audience included.
func parseMinted(b []byte, c *claims, wantIss, wantAud string) bool {
	s := scanner{b: b}
	var iss, aud []byte
	var ok bool
	if !s.lit(`{"iss":`) {
		return false
	}
	if iss, ok = s.plainStr(); !ok || string(iss) != wantIss || !s.lit(`,"sub":`) {
		return false
	}
	sub, ok := s.plainStr()
	if !ok || !s.lit(`,"aud":`) {
		return false
	}
	if aud, ok = s.plainStr(); !ok || string(aud) != wantAud || !s.lit(`,"exp":`) {
		return false
	}
	if c.exp, ok = s.date(); !ok || !s.lit(`,"iat":`) {
		return false
	}
	if c.iat, ok = s.date(); !ok || !s.lit(`,"jti":`) {
		return false
	}
	if _, ok = s.plainStr(); !ok { // jti
		return false
	}
	c.seen = claimIss | claimSub | claimAud | claimExp | claimIat | claimJti
	if s.lit(`,"sid":`) {
		sid, ok := s.plainStr()
		if !ok {
			return false
		}
		c.sid = string(sid)
		c.seen |= claimSid
	}
	if s.lit(`,"roles":[`) {
		for first := true; first || s.eat(','); first = false {
			r, ok := s.plainStr()
			if !ok {
				return false
			}
			c.roles = append(c.roles, string(r))
		}
		if !s.eat(']') {
			return false
		}
		c.seen |= claimRoles
	}
	if !s.eat('}') || s.i != len(b) {
		return false
	}
	c.sub, c.issOK, c.audOK = string(sub), true, true
	return true
}

// parseClaimsAny is parseClaims for any JSON object: whitespace, any key order,
// escapes, an aud array and custom claims.
func parseClaimsAny(b []byte, c *claims, wantIss, wantAud string) bool {
	s := scanner{b: b}
	var unknown [maxUnknownClaims][]byte
	nUnknown := 0
	s.ws()
	if !s.eat('{') {
		return false
	}
	s.ws()
	if s.eat('}') {
		return s.end()
	}
	for {
		s.ws()
		key, ok := s.str()
		if !ok {
			return false
		}
		s.ws()
		if !s.eat(':') {
			return false
		}
		s.ws()
		bit := claimBitOf(key)
		if bit != 0 {
			if c.has(bit) {
				return false
			}
			c.seen |= bit
		} else {
			for _, k := range unknown[:nUnknown] {
				if string(k) == string(key) {
					return false
				}
			}
			if nUnknown == maxUnknownClaims {
				return false
			}
			unknown[nUnknown] = key
			nUnknown++
		}
		switch bit {
		case claimIss:
			v, ok := s.str()
			if !ok {
				return false
			}
			c.issOK = string(v) == wantIss
		case claimSub:
			v, ok := s.str()
			if !ok {
				return false
			}
			c.sub = string(v)
		case claimJti:
			if _, ok := s.str(); !ok {
				return false
			}
		case claimSid:
			v, ok := s.str()
			if !ok {
				return false
			}
			c.sid = string(v)
		case claimAud:
			if !s.aud(c, wantAud) {
				return false
			}
		case claimExp, claimIat, claimNbf:
			v, ok := s.date()
			if !ok {
				return false
			}
			switch bit {
			case claimExp:
				c.exp = v
			case claimIat:
				c.iat = v
			default:
				c.nbf = v
			}
		case claimRoles:
			roles, ok := s.strings()
			if !ok {
				return false
			}
			c.roles = roles
		default:
			if !s.skip(0) {
				return false
			}
		}
		s.ws()
		if s.eat('}') {
			return s.end()
		}
		if !s.eat(',') {
			return false
		}
	}
}

func claimBitOf(key []byte) claimBit {
	switch string(key) {
	case "iss":
		return claimIss
	case "sub":
		return claimSub
	case "aud":
		return claimAud
	case "exp":
		return claimExp
	case "iat":
		return claimIat
	case "nbf":
		return claimNbf
	case "jti":
		return claimJti
	case "roles":
		return claimRoles
	case "sid":
		return claimSid
	}
	return 0
}

type scanner struct {
	b []byte
	i int
}

// ws skips whitespace. The scanners below work on locals and store the index
// once: through the pointer every step would reload s.b and s.i from memory.
func (s *scanner) ws() {
	b, i := s.b, s.i
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	s.i = i
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only whitespace is left: no trailing garbage.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// aud accepts a string or a non-empty array of strings.
func (s *scanner) aud(c *claims, want string) bool {
	if s.i < len(s.b) && s.b[s.i] == '"' {
		v, ok := s.str()
		c.audOK = ok && string(v) == want
		return ok
	}
	if !s.eat('[') {
		return false
	}
	for first := true; ; first = false {
		s.ws()
		if s.eat(']') {
			return !first
		}
		if !first && !s.eat(',') {
			return false
		}
		s.ws()
		v, ok := s.str()
		if !ok {
			return false
		}
		if string(v) == want {
			c.audOK = true
		}
	}
}

// strings reads an array of strings.
func (s *scanner) strings() ([]string, bool) {
	if !s.eat('[') {
		return nil, false
	}
	var out []string
	for first := true; ; first = false {
		s.ws()
		if s.eat(']') {
			return out, true
		}
		if !first && !s.eat(',') {
			return nil, false
		}
		s.ws()
		v, ok := s.str()
		if !ok {
			return nil, false
		}
		out = append(out, string(v))
	}
}

// date reads a NumericDate: digits only, no sign, fraction, exponent or leading zero.
func (s *scanner) date() (int64, bool) {
	b, i := s.b, s.i
	start := i
	var v int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		v = v*10 + int64(b[i]-'0')
		i++
	}
	s.i = i
	n := i - start
	if n == 0 || n > maxDateDigits || (n > 1 && b[start] == '0') {
		return 0, false
	}
	return v, true
}

// strStop marks the bytes that end the fast scan of a string: the closing quote,
// an escape, and the control characters JSON forbids in strings.
var strStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// plainStop is strStop plus every byte of 0x80 and above: plainStr's stops.
var plainStop = func() (t [256]bool) {
	t = strStop
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// str reads a JSON string and returns its decoded bytes. Without escapes the
// result aliases b.
func (s *scanner) str() ([]byte, bool) {
	b, i := s.b, s.i
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	i++
	start := i
	for i < len(b) && !strStop[b[i]] {
		i++
	}
	s.i = i
	switch {
	case i == len(b) || b[i] < 0x20:
		return nil, false
	case b[i] == '"':
		s.i = i + 1
		return b[start:i], true
	}
	return s.strEscaped(start) // at the backslash
}

// plainStr reads a JSON string of printable ASCII without escapes, its bytes
// aliasing b; false on anything else, an escape or a byte of 0x80 and above
// included, so what parseMinted accepts is ASCII and needs no UTF-8 check. Its
// scan repeats str's on purpose: sharing it through a helper made plainStr too
// big to inline and the cold path about 100 ns slower (tried, measured).
func (s *scanner) plainStr() ([]byte, bool) {
	b, i := s.b, s.i
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	i++
	start := i
	for i < len(b) && !plainStop[b[i]] {
		i++
	}
	if i == len(b) || b[i] != '"' {
		return nil, false
	}
	s.i = i + 1
	return b[start:i], true
}

func (s *scanner) strEscaped(start int) ([]byte, bool) {
	out := append([]byte(nil), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return out, true
		case c < 0x20:
			return nil, false
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			return nil, false
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return nil, false
			}
			if utf16.IsSurrogate(r) {
				if s.i+1 >= len(s.b) || s.b[s.i] != '\\' || s.b[s.i+1] != 'u' {
					return nil, false // a lone surrogate is not text
				}
				s.i += 2
				r2, ok := s.hex4()
				if !ok {
					return nil, false
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return nil, false
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, false
		}
	}
	return nil, false
}

func (s *scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	var r rune
	for _, c := range s.b[s.i : s.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.i += 4
	return r, true
}

// skip validates and skips any JSON value (a custom claim we do not read).
func (s *scanner) skip(depth int) bool {
	if depth > maxDepth || s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		_, ok := s.str()
		return ok
	case c == '{':
		s.i++
		for first := true; ; first = false {
			s.ws()
			if s.eat('}') {
				return true
			}
			if !first && !s.eat(',') {
				return false
			}
			s.ws()
			if _, ok := s.str(); !ok {
				return false
			}
			s.ws()
			if !s.eat(':') {
				return false
			}
			s.ws()
			if !s.skip(depth + 1) {
				return false
			}
		}
	case c == '[':
		s.i++
		for first := true; ; first = false {
			s.ws()
			if s.eat(']') {
				return true
			}
			if !first && !s.eat(',') {
				return false
			}
			s.ws()
			if !s.skip(depth + 1) {
				return false
			}
		}
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return false
}

func (s *scanner) lit(w string) bool {
	if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
		s.i += len(w)
		return true
	}
	return false
}

// number skips a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() bool {
	s.eat('-')
	switch {
	case s.eat('0'):
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return false
	}
	if s.eat('.') && !s.digits() {
		return false
	}
	if s.eat('e') || s.eat('E') {
		if !s.eat('+') {
			s.eat('-')
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}
