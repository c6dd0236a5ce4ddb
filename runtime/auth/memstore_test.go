package auth_test

import (
	"context"
	"errors"
	"runtime"
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

// TestMemoryStoreFlatCase47 is docs/security-cases.md case 47 at 100,000 rotations: one session
// that rotates and never expires keeps the same number of entries throughout, and
// reuse detection still works at the end.
func TestMemoryStoreFlatCase47(t *testing.T) {
	s := auth.NewMemoryStore()
	ctx := t.Context()
	now := time.Now()
	first := storetest.Hash(t)
	if err := s.Issue(ctx, first, auth.RefreshSession{Family: "f", Subject: "alice", ExpiresAt: now.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	prev, cur := first, first
	for i := range 100_000 {
		next := storetest.Hash(t)
		if _, err := s.Rotate(ctx, cur, next, now, time.Second, now.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		prev, cur = cur, next
		if i >= auth.KeptAncestors {
			if tokens, families := s.Len(); tokens != auth.KeptAncestors+1 || families != 1 {
				t.Fatalf("after %d rotations: %d tokens, %d families; want %d and 1", i+1, tokens, families, auth.KeptAncestors+1)
			}
		}
	}
	// The first token is long forgotten: unknown, not reuse.
	if _, err := s.Rotate(ctx, first, storetest.Hash(t), now.Add(time.Minute), time.Second, now.Add(24*time.Hour)); !errors.Is(err, auth.ErrRefreshUnknown) {
		t.Fatalf("forgotten ancestor: %v, want ErrRefreshUnknown", err)
	}
	// The previous one, after the grace window, is reuse.
	if _, err := s.Rotate(ctx, prev, storetest.Hash(t), now.Add(time.Minute), time.Second, now.Add(24*time.Hour)); !errors.Is(err, auth.ErrRefreshReused) {
		t.Fatalf("previous token replayed: %v, want ErrRefreshReused", err)
	}
}

// BenchmarkMemoryStoreRotations rotates one session b.N times and reports the live
// heap it holds afterwards (heap-B/session, after a GC) next to the time per
// rotation. -benchtime 1000000x gives the million-rotation figure of BENCHMARKS.md.
func BenchmarkMemoryStoreRotations(b *testing.B) {
	ctx := context.Background()
	now := time.Now()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := auth.NewMemoryStore()
	cur := storetest.Hash(b)
	if err := s.Issue(ctx, cur, auth.RefreshSession{Family: "f", Subject: "alice", ExpiresAt: now.Add(24 * time.Hour)}); err != nil {
		b.Fatal(err)
	}
	nexts := make([]auth.TokenHash, 1024)
	for i := range nexts {
		nexts[i] = storetest.Hash(b)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		next := nexts[i%len(nexts)]
		next[0], next[1], next[2], next[3] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
		if _, err := s.Rotate(ctx, cur, next, now, time.Second, now.Add(24*time.Hour)); err != nil {
			b.Fatal(err)
		}
		cur = next
		i++
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	tokens, _ := s.Len()
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)), "heap-B/session")
	b.ReportMetric(float64(tokens), "tokens-kept")
	runtime.KeepAlive(s)
}
