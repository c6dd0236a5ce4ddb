package auth_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/auth/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) auth.RefreshStore { return auth.NewMemoryStore() })
}

// TestMemoryStoreSweeps checks that expired tokens and families do not pile up: after
// many short-lived logins and rotations, the store holds about one sweep interval's
// worth of entries, not all of them.
func TestMemoryStoreSweeps(t *testing.T) {
	s := auth.NewMemoryStore()
	ctx := t.Context()
	base := time.Now()
	const logins = 10_000
	for i := range logins {
		now := base.Add(time.Duration(i) * time.Second)
		a := storetest.Hash(t)
		if err := s.Issue(ctx, a, auth.RefreshSession{Family: strconv.Itoa(i), ExpiresAt: now.Add(10 * time.Second)}); err != nil {
			t.Fatal(err)
		}
		// Revoked families must go too, once their tokens are dead.
		if i%2 == 0 {
			if err := s.RevokeFamily(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Rotate(ctx, a, storetest.Hash(t), now, time.Second, now.Add(10*time.Second)); err != nil && i%2 == 1 {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	tokens, families := s.Len()
	// Live: the last ~10 logins (2 tokens each). Between sweeps at most
	// max(64, live) operations add entries, so a few hundred is the ceiling.
	if tokens > 300 || families > 300 {
		t.Fatalf("store holds %d tokens, %d families after %d expired logins; want them swept", tokens, families, logins)
	}
}

// TestMemoryStoreSweepsRotationChain: a long rotation chain, where every call adds a
// token, must be swept too.
func TestMemoryStoreSweepsRotationChain(t *testing.T) {
	s := auth.NewMemoryStore()
	ctx := t.Context()
	now := time.Now()
	cur := storetest.Hash(t)
	if err := s.Issue(ctx, cur, auth.RefreshSession{Family: "f", ExpiresAt: now.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	for range 20_000 {
		next := storetest.Hash(t)
		if _, err := s.Rotate(ctx, cur, next, now, time.Second, now.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		cur, now = next, now.Add(time.Millisecond)
	}
	// Tokens live 1s = 1,000 rotations; a sweep runs at least every 2x that.
	if tokens, families := s.Len(); tokens > 3_000 || families != 1 {
		t.Fatalf("store holds %d tokens, %d families after 20,000 rotations; want about 1,000 and 1", tokens, families)
	}
}
