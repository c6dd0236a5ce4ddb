package auth

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestAPIKeySet(t *testing.T) {
	s := NewAPIKeys()
	if err := s.Add("short", Principal{}); !errors.Is(err, ErrAPIKey) {
		t.Fatalf("short key: %v", err)
	}
	k := NewAPIKey()
	if len(k) < MinAPIKeyLen || k == NewAPIKey() {
		t.Fatalf("NewAPIKey %q", k)
	}
	scopes := []string{"a"}
	if err := s.Add(k, Principal{Subject: "p", Scopes: scopes}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(k, Principal{Subject: "q"}); !errors.Is(err, ErrAPIKey) {
		t.Fatalf("duplicate key: %v", err)
	}
	scopes[0] = "changed" // Add copied them
	p, err := s.Verify(t.Context(), Credential{Value: k})
	if err != nil || p.Subject != "p" || len(p.Scopes) != 1 || p.Scopes[0] != "a" {
		t.Fatalf("Verify: %+v %v", p, err)
	}
	for _, bad := range []string{"", k[:len(k)-1], k + "x", strings.ToUpper(k)} {
		if _, err := s.Verify(t.Context(), Credential{Value: bad}); !errors.Is(err, ErrInvalidCredential) {
			t.Fatalf("Verify(%q): %v", bad, err)
		}
	}
	assertOnlyHashes(t, s, k)
}

// assertOnlyHashes checks, through the API and the struct's printed form, that the
// set holds the keys' hashes and never the keys.
func assertOnlyHashes(t *testing.T, set *APIKeySet, keys ...string) {
	t.Helper()
	hs := set.Hashes()
	if len(hs) != len(keys) {
		t.Fatalf("%d hashes for %d keys", len(hs), len(keys))
	}
	dump := fmt.Sprintf("%#v %+v", set.keys, set.keys) // all the set holds besides its lock
	for _, k := range keys {
		h := sha256.Sum256([]byte(k))
		found := false
		for _, x := range hs {
			found = found || x == h
		}
		if !found {
			t.Fatalf("hash of %q not in the set", k)
		}
		if strings.Contains(dump, k) || strings.Contains(dump, fmt.Sprintf("%x", []byte(k))) {
			t.Fatalf("the set holds the key %q: %s", k, dump)
		}
	}
}
