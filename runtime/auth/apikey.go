package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// MinAPIKeyLen is the shortest key APIKeySet.Add accepts, in bytes. NewAPIKey
// makes 43-byte keys (256 random bits).
const MinAPIKeyLen = 24

// ErrAPIKey marks the errors of APIKeySet.Add.
var ErrAPIKey = errors.New("auth: api key refused")

// APIKeySet is a Verifier for API keys (or static bearer tokens) that keeps only
// the SHA-256 of each key in memory, never the key. A lookup hashes the presented
// key, finds the hash in a map and compares it once more with
// subtle.ConstantTimeCompare: the time it takes depends on the hash, not on how
// many leading bytes of a real key the caller guessed. Safe for concurrent use.
// Register one set per scheme: a key then opens only the routes of its scheme.
type APIKeySet struct {
	mu   sync.RWMutex
	keys map[[sha256.Size]byte]apiKeyEntry
}

type apiKeyEntry struct {
	hash [sha256.Size]byte
	p    Principal
}

// NewAPIKeys returns an empty set.
func NewAPIKeys() *APIKeySet {
	return &APIKeySet{keys: map[[sha256.Size]byte]apiKeyEntry{}}
}

// NewAPIKey returns a new random key: 256 bits, base64url, 43 bytes.
func NewAPIKey() string { return randomString(32) }

// Add registers key for p (its Subject and the Scopes the key grants; Scheme is
// set by the guard). Keys shorter than MinAPIKeyLen and keys already in the set
// are refused with an error wrapping ErrAPIKey. The set keeps only the key's hash;
// p must not hold the key.
func (s *APIKeySet) Add(key string, p Principal) error {
	if len(key) < MinAPIKeyLen {
		return fmt.Errorf("%w: shorter than %d bytes", ErrAPIKey, MinAPIKeyLen)
	}
	h := sha256.Sum256([]byte(key))
	p.Scopes = slices.Clone(p.Scopes)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.keys[h]; dup {
		return fmt.Errorf("%w: already in the set", ErrAPIKey)
	}
	s.keys[h] = apiKeyEntry{hash: h, p: p}
	return nil
}

// Hashes returns the SHA-256 of every key in the set, which is all the set holds
// besides the principals: for audits and tests.
func (s *APIKeySet) Hashes() [][sha256.Size]byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([][sha256.Size]byte, 0, len(s.keys))
	for h := range s.keys {
		out = append(out, h)
	}
	return out
}

// Verify implements Verifier: the principal of c.Value's key, or
// ErrInvalidCredential. The principal's Scopes are shared: do not modify them.
func (s *APIKeySet) Verify(_ context.Context, c Credential) (Principal, error) {
	h := sha256.Sum256([]byte(c.Value))
	s.mu.RLock()
	e, ok := s.keys[h]
	s.mu.RUnlock()
	if !ok || subtle.ConstantTimeCompare(e.hash[:], h[:]) != 1 || c.Value == "" {
		return Principal{}, ErrInvalidCredential
	}
	return e.p, nil
}
