package redisstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/auth/storetest"
	"github.com/specgate/specgate/runtime/redisstore"
)

// TestStoreFlatCase47 is docs/security-cases.md case 47 on Redis: 20,000 rotations of one
// session that never expires leave the same keys (token keys at most
// auth.KeptAncestors+1) and reuse detection still works.
func TestStoreFlatCase47(t *testing.T) {
	srv := startRedis(t)
	client := srv.Client(t)
	ctx := t.Context()
	s := redisstore.New(client, redisstore.Options{KeyPrefix: "flat:", Timeout: behaviourTimeout})
	now := time.Now()
	exp := now.Add(24 * time.Hour)
	first := storetest.Hash(t)
	if err := s.Issue(ctx, first, auth.RefreshSession{Family: "f", Subject: "alice", ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	prev, cur := first, first
	var keysAt100 int64
	for i := range 20_000 {
		next := storetest.Hash(t)
		if _, err := s.Rotate(ctx, cur, next, now, time.Second, exp); err != nil {
			t.Fatal(err)
		}
		prev, cur = cur, next
		if i == 99 || i == 19_999 {
			n, err := client.DBSize(ctx).Result()
			if err != nil {
				t.Fatal(err)
			}
			if i == 99 {
				keysAt100 = n
				continue
			}
			// token keys, family, subject set, chain list
			if want := int64(auth.KeptAncestors + 1 + 3); n != keysAt100 || n != want {
				t.Fatalf("keys after 100 rotations %d, after 20,000 %d; want %d both times", keysAt100, n, want)
			}
		}
	}
	if _, err := s.Rotate(ctx, first, storetest.Hash(t), now.Add(time.Minute), time.Second, exp); !errors.Is(err, auth.ErrRefreshUnknown) {
		t.Fatalf("forgotten ancestor: %v, want ErrRefreshUnknown", err)
	}
	if _, err := s.Rotate(ctx, prev, storetest.Hash(t), now.Add(time.Minute), time.Second, exp); !errors.Is(err, auth.ErrRefreshReused) {
		t.Fatalf("previous token replayed: %v, want ErrRefreshReused", err)
	}
}
