package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/auth/storetest"
	"github.com/specgate/specgate/runtime/redisstore"
)

// prefixes makes every subtest's keys distinct, so one server serves them all.
var prefixes atomic.Int64

func uniquePrefix() string { return fmt.Sprintf("test%d:", prefixes.Add(1)) }

// behaviourTimeout is the store Timeout of tests about behaviour, not outages:
// generous, so a loaded CI machine (-race, two cores) does not turn into 503s.
const behaviourTimeout = 5 * time.Second

func TestStore(t *testing.T) {
	srv := startRedis(t)
	client := srv.Client(t)
	storetest.Run(t, func(*testing.T) auth.RefreshStore {
		return redisstore.New(client, redisstore.Options{KeyPrefix: uniquePrefix(), Timeout: behaviourTimeout})
	})
}

// TestStoreKeys checks what lands in Redis: token keys named by hash only, every key
// under the prefix, every key with an expiry no later than its token's, and nothing
// left once the tokens are dead.
func TestStoreKeys(t *testing.T) {
	srv := startRedis(t)
	client := srv.Client(t)
	ctx := t.Context()
	if err := client.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	s := redisstore.New(client, redisstore.Options{KeyPrefix: "app:", Timeout: behaviourTimeout})

	now := time.Now()
	exp := now.Add(2 * time.Second)
	a, b, c := storetest.Hash(t), storetest.Hash(t), storetest.Hash(t)
	if err := s.Issue(ctx, a, auth.RefreshSession{Family: "fam", Subject: "alice", ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rotate(ctx, a, b, now, time.Second, exp); err != nil {
		t.Fatal(err)
	}
	if err := s.Issue(ctx, c, auth.RefreshSession{Family: "other", Subject: "bob", ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeFamily(ctx, c); err != nil {
		t.Fatal(err)
	}

	keys, err := client.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	tokenKey := regexp.MustCompile(`^app:rt:[0-9a-f]{64}$`)
	familyKey := regexp.MustCompile(`^app:rf:(fam|other)$`)
	subjectKey := regexp.MustCompile(`^app:us:(alice|bob)$`)
	chainKey := regexp.MustCompile(`^app:rc:(fam|other)$`)
	if len(keys) != 9 { // a, b, c, two families, two subjects, two chains
		t.Fatalf("keys = %q, want 3 tokens, 2 families, 2 subjects and 2 chains", keys)
	}
	for _, k := range keys {
		if !tokenKey.MatchString(k) && !familyKey.MatchString(k) && !subjectKey.MatchString(k) && !chainKey.MatchString(k) {
			t.Errorf("unexpected key %q", k)
		}
		ttl, err := client.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ttl <= 0 || ttl > 2*time.Second {
			t.Errorf("key %q has TTL %v, want (0, 2s]", k, ttl)
		}
	}

	// Redis expires keys lazily and in an active cycle (10 Hz); give it time.
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := client.DBSize(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d keys left after every token expired", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStoreTwoInstances races rotations of one token through two clients, as two
// instances of a service would: one rotation wins, the rest get the same answer.
func TestStoreTwoInstances(t *testing.T) {
	srv := startRedis(t)
	prefix := uniquePrefix()
	stores := []*redisstore.Store{
		redisstore.New(srv.Client(t), redisstore.Options{KeyPrefix: prefix, Timeout: behaviourTimeout}),
		redisstore.New(srv.Client(t), redisstore.Options{KeyPrefix: prefix, Timeout: behaviourTimeout}),
	}
	ctx := t.Context()
	now := time.Now()

	t.Run("SameSuccessor", func(t *testing.T) {
		a, b := storetest.Hash(t), storetest.Hash(t)
		if err := stores[0].Issue(ctx, a, auth.RefreshSession{Family: "f1", Subject: "u", ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		errs := raceStores(stores, func(s *redisstore.Store, _ int) error {
			_, err := s.Rotate(ctx, a, b, now, 10*time.Second, now.Add(time.Hour))
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("rotation %d: %v", i, err)
			}
		}
		// Exactly one chain: b is live on either instance, a is spent.
		if _, err := stores[1].Rotate(ctx, b, storetest.Hash(t), now, 10*time.Second, now.Add(time.Hour)); err != nil {
			t.Fatalf("successor: %v", err)
		}
		if _, err := stores[0].Rotate(ctx, a, b, now.Add(10*time.Second), 10*time.Second, now.Add(time.Hour)); !errors.Is(err, auth.ErrRefreshReused) {
			t.Fatalf("replay after grace: %v, want ErrRefreshReused", err)
		}
	})

	t.Run("OneWinner", func(t *testing.T) {
		a := storetest.Hash(t)
		if err := stores[0].Issue(ctx, a, auth.RefreshSession{Family: "f2", Subject: "u", ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		errs := raceStores(stores, func(s *redisstore.Store, _ int) error {
			_, err := s.Rotate(ctx, a, storetest.Hash(t), now, 10*time.Second, now.Add(time.Hour))
			return err
		})
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, auth.ErrRefreshReused), errors.Is(err, auth.ErrRefreshUnknown):
			default:
				t.Fatalf("unexpected error %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d of %d distinct rotations won, want 1", wins, len(errs))
		}
	})
}

// raceStores runs 50 calls of fn, alternating between stores, released at once.
func raceStores(stores []*redisstore.Store, fn func(*redisstore.Store, int) error) []error {
	const n = 50
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(stores[i%len(stores)], i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// TestStoreOutage: with Redis killed or frozen every call fails within the timeout,
// with an error that is no store verdict (the guard answers 503); when Redis is back,
// the same Store works again. The client keeps go-redis' defaults, which ignore
// context deadlines on reads, to show the Timeout holds regardless.
func TestStoreOutage(t *testing.T) {
	srv := startRedis(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { client.Close() })
	const timeout = 500 * time.Millisecond
	s := redisstore.New(client, redisstore.Options{KeyPrefix: uniquePrefix(), Timeout: timeout})
	ctx := t.Context()

	// works checks that the store serves again; recovery may take a moment.
	works := func(t *testing.T) {
		t.Helper()
		eventually(t, func() error {
			now := time.Now()
			a, b := storetest.Hash(t), storetest.Hash(t)
			// A family of its own: calls abandoned during an outage still run once
			// Redis is back, and one of them revokes the family it was given.
			fam := uniquePrefix()
			if err := s.Issue(ctx, a, auth.RefreshSession{Family: fam, Subject: "u", ExpiresAt: now.Add(time.Hour)}); err != nil {
				return fmt.Errorf("Issue: %w", err)
			}
			if _, err := s.Rotate(ctx, a, b, now, time.Second, now.Add(time.Hour)); err != nil {
				return fmt.Errorf("Rotate: %w", err)
			}
			if err := s.RevokeFamily(ctx, b); err != nil {
				return fmt.Errorf("RevokeFamily: %w", err)
			}
			return nil
		})
	}
	// fails checks that every operation errors, without a verdict, well before a
	// hang would end (go-redis' own read timeout is 3s, its dial retries longer).
	fails := func(t *testing.T) {
		t.Helper()
		now := time.Now()
		a := storetest.Hash(t)
		ops := map[string]func() error{
			"Issue": func() error {
				return s.Issue(ctx, a, auth.RefreshSession{Family: "outage", ExpiresAt: now.Add(time.Hour)})
			},
			"Rotate": func() error {
				_, err := s.Rotate(ctx, a, storetest.Hash(t), now, time.Second, now.Add(time.Hour))
				return err
			},
			"RevokeFamily": func() error { return s.RevokeFamily(ctx, a) },
		}
		for name, op := range ops {
			start := time.Now()
			err := op()
			took := time.Since(start)
			if err == nil || errors.Is(err, auth.ErrRefreshUnknown) || errors.Is(err, auth.ErrRefreshReused) {
				t.Fatalf("%s during outage: %v, want an unavailability error", name, err)
			}
			if took > timeout+time.Second {
				t.Fatalf("%s took %v with Timeout %v", name, took, timeout)
			}
		}
	}

	works(t)
	t.Run("Killed", func(t *testing.T) {
		srv.Kill()
		fails(t)
		srv.Restart()
		works(t)
	})
	t.Run("Frozen", func(t *testing.T) {
		srv.Pause()
		fails(t)
		_, err := s.Rotate(ctx, storetest.Hash(t), storetest.Hash(t), time.Now(), time.Second, time.Now())
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("frozen Redis: %v, want context.DeadlineExceeded", err)
		}
		srv.Resume()
		works(t)
	})
}
