package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Key errors, for errors.Is.
var (
	ErrNoKey          = errors.New("auth: no signing key")
	ErrKeyTooShort    = errors.New("auth: HMAC key shorter than 32 bytes")
	ErrUnsupportedAlg = errors.New("auth: unsupported algorithm")
	ErrBadKey         = errors.New("auth: unusable key")
	ErrBadKID         = errors.New("auth: key id must be 1-64 characters of [A-Za-z0-9._-]")
)

// minHMACKeyLen is 256 bits: shorter secrets can be brute-forced from one token.
const minHMACKeyLen = 32

// Key is one signing or verifying key with its algorithm pinned and its id. Build it
// with HMACKey, HMACKeyFromEnv, ParsePEMKey or LoadPEMKey; the zero Key is "no key".
type Key struct {
	kid       string
	alg       string
	method    jwt.SigningMethod
	signKey   any    // []byte or a private key; nil for a verify-only key
	verifyKey any    // []byte or a public key
	secret    []byte // secret material (HMAC secret or PKCS#8 DER) to derive the refresh key; nil if verify-only
}

// KID returns the key id written into the tokens' kid header.
func (k Key) KID() string { return k.kid }

// Alg returns the key's pinned JWS algorithm, e.g. "HS256".
func (k Key) Alg() string { return k.alg }

// CanSign reports whether k holds secret material and can sign tokens.
func (k Key) CanSign() bool { return k.signKey != nil }

// IsZero reports whether k is the zero Key.
func (k Key) IsZero() bool { return k.method == nil }

// HMACKey returns an HS256, HS384 or HS512 key. The secret must be at least 32
// bytes; it is copied.
func HMACKey(kid, alg string, secret []byte) (Key, error) {
	if err := checkKID(kid); err != nil {
		return Key{}, err
	}
	var m jwt.SigningMethod
	switch alg {
	case "HS256":
		m = jwt.SigningMethodHS256
	case "HS384":
		m = jwt.SigningMethodHS384
	case "HS512":
		m = jwt.SigningMethodHS512
	default:
		return Key{}, fmt.Errorf("%w %q for an HMAC key (want HS256, HS384 or HS512)", ErrUnsupportedAlg, alg)
	}
	if len(secret) < minHMACKeyLen {
		return Key{}, fmt.Errorf("%w: key %q has %d bytes", ErrKeyTooShort, kid, len(secret))
	}
	s := append([]byte(nil), secret...)
	return Key{kid: kid, alg: alg, method: m, signKey: s, verifyKey: s, secret: s}, nil
}

// HMACKeyFromEnv reads an HMAC secret, base64 (standard or URL alphabet, padded or
// not), from the environment variable envVar.
func HMACKeyFromEnv(kid, alg, envVar string) (Key, error) {
	v := strings.TrimSpace(os.Getenv(envVar))
	if v == "" {
		return Key{}, fmt.Errorf("%w: environment variable %s is empty or unset", ErrNoKey, envVar)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			return HMACKey(kid, alg, b)
		}
	}
	return Key{}, fmt.Errorf("%w: %s is not base64", ErrBadKey, envVar)
}

// LoadPEMKey reads a PEM file and calls ParsePEMKey.
func LoadPEMKey(kid, alg, path string) (Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Key{}, fmt.Errorf("auth: load key %q: %w", kid, err)
	}
	return ParsePEMKey(kid, alg, b)
}

// ParsePEMKey parses an RS256, ES256 (P-256) or EdDSA (Ed25519) key from the first
// PEM block. A private key (PKCS#8, PKCS#1, SEC 1) signs and verifies; a public key
// (PKIX, PKCS#1) only verifies. RSA keys need at least 2048 bits.
func ParsePEMKey(kid, alg string, pemBytes []byte) (Key, error) {
	if err := checkKID(kid); err != nil {
		return Key{}, err
	}
	var m jwt.SigningMethod
	switch alg {
	case "RS256":
		m = jwt.SigningMethodRS256
	case "ES256":
		m = jwt.SigningMethodES256
	case "EdDSA":
		m = jwt.SigningMethodEdDSA
	default:
		return Key{}, fmt.Errorf("%w %q for a PEM key (want RS256, ES256 or EdDSA)", ErrUnsupportedAlg, alg)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return Key{}, fmt.Errorf("%w: key %q: no PEM block", ErrBadKey, kid)
	}
	var parsed any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		parsed, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		parsed, err = x509.ParseECPrivateKey(block.Bytes)
	case "PUBLIC KEY":
		parsed, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		parsed, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return Key{}, fmt.Errorf("%w: key %q: PEM block %q", ErrBadKey, kid, block.Type)
	}
	if err != nil {
		return Key{}, fmt.Errorf("%w: key %q: %w", ErrBadKey, kid, err)
	}
	return newAsymmetricKey(kid, alg, m, parsed)
}

// newAsymmetricKey checks that parsed fits alg and fills in the halves.
func newAsymmetricKey(kid, alg string, m jwt.SigningMethod, parsed any) (Key, error) {
	k := Key{kid: kid, alg: alg, method: m}
	mismatch := fmt.Errorf("%w: key %q is a %T, not a %s key", ErrBadKey, kid, parsed, alg)
	switch p := parsed.(type) {
	case *rsa.PrivateKey:
		if alg != "RS256" {
			return Key{}, mismatch
		}
		k.signKey, k.verifyKey = p, &p.PublicKey
	case *rsa.PublicKey:
		if alg != "RS256" {
			return Key{}, mismatch
		}
		k.verifyKey = p
	case *ecdsa.PrivateKey:
		if alg != "ES256" || p.Curve != elliptic.P256() {
			return Key{}, mismatch
		}
		k.signKey, k.verifyKey = p, &p.PublicKey
	case *ecdsa.PublicKey:
		if alg != "ES256" || p.Curve != elliptic.P256() {
			return Key{}, mismatch
		}
		k.verifyKey = p
	case ed25519.PrivateKey:
		if alg != "EdDSA" {
			return Key{}, mismatch
		}
		k.signKey, k.verifyKey = p, p.Public().(ed25519.PublicKey)
	case ed25519.PublicKey:
		if alg != "EdDSA" {
			return Key{}, mismatch
		}
		k.verifyKey = p
	default:
		return Key{}, mismatch
	}
	if pub, ok := k.verifyKey.(*rsa.PublicKey); ok && pub.N.BitLen() < 2048 {
		return Key{}, fmt.Errorf("%w: key %q: RSA keys need at least 2048 bits, got %d", ErrBadKey, kid, pub.N.BitLen())
	}
	if k.signKey != nil {
		der, err := x509.MarshalPKCS8PrivateKey(k.signKey)
		if err != nil {
			return Key{}, fmt.Errorf("%w: key %q: %w", ErrBadKey, kid, err)
		}
		k.secret = der
	}
	return k, nil
}

// checkKID keeps kids to a safe alphabet: they are written into headers verbatim.
func checkKID(kid string) error {
	if kid == "" || len(kid) > 64 {
		return fmt.Errorf("%w: %q", ErrBadKID, kid)
	}
	for i := 0; i < len(kid); i++ {
		c := kid[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("%w: %q", ErrBadKID, kid)
		}
	}
	return nil
}

// sigLen is the exact signature length the key's algorithm produces.
func (k Key) sigLen() int {
	switch k.alg {
	case "HS256":
		return 32
	case "HS384":
		return 48
	case "HS512":
		return 64
	case "ES256", "EdDSA":
		return 64
	case "RS256":
		return (k.verifyKey.(*rsa.PublicKey).N.BitLen() + 7) / 8
	}
	return -1
}
