package redisstore_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/auth/storetest"
	"github.com/specgate/specgate/runtime/redisstore"
)

// newCappedReplicas is newReplicas with Config.MaxSessionsPerUser set to max.
func newCappedReplicas(t *testing.T, n, max int, newStore func() auth.RefreshStore) []replica {
	t.Helper()
	var out []replica
	for range n {
		a, url := storetest.Instance(t, auth.Config[string]{
			Store:              newStore(),
			MaxSessionsPerUser: max,
		})
		out = append(out, replica{a: a, url: url})
	}
	return out
}

// refusedBoth fails unless r answers 401 to the access and to the refresh token.
func refusedBoth(t *testing.T, r replica, access, refresh, what string) {
	t.Helper()
	if st, _ := storetest.Call(t, "GET", r.url+"/me", access); st != http.StatusUnauthorized {
		t.Fatalf("%s: access token answered %d, want 401", what, st)
	}
	if st, _ := storetest.Call(t, "POST", r.url+"/refresh", refresh); st != http.StatusUnauthorized {
		t.Fatalf("%s: refresh token answered %d, want 401", what, st)
	}
}

// sessionCap runs the cap's behaviour over HTTP: newReplicas(max) starts two
// replicas with the cap max, each with its own client, on a fresh key prefix.
func sessionCap(t *testing.T, newReplicas func(max int) []replica) {
	t.Run("EvictsOldest", func(t *testing.T) {
		rs := newReplicas(2)
		a, b := rs[0], rs[1]
		first, firstRefresh := loginOn(t, a, "alice")
		second, _ := loginOn(t, b, "alice")
		bob, _ := loginOn(t, a, "bob")
		serves(t, b, first) // cached as live on b
		serves(t, a, second)
		start := time.Now()
		third, _ := loginOn(t, a, "alice")
		t.Logf("third login on one instance: first session refused on the other after %v",
			refusedWithin(t, b, first, start, time.Second))
		refusedBoth(t, b, first, firstRefresh, "first session")
		for _, r := range rs {
			serves(t, r, second)
			serves(t, r, third)
			serves(t, r, bob)
		}
	})
	t.Run("ZeroIsUnlimited", func(t *testing.T) {
		rs := newReplicas(0)
		var all []string
		for i := range 6 {
			access, _ := loginOn(t, rs[i%2], "carol")
			all = append(all, access)
		}
		for _, r := range rs {
			for _, access := range all {
				serves(t, r, access)
			}
		}
	})
	t.Run("EndedSessionsFreeSlots", func(t *testing.T) {
		rs := newReplicas(2)
		a, b := rs[0], rs[1]
		first, firstRefresh := loginOn(t, a, "dave")
		second, _ := loginOn(t, a, "dave")
		if st, _ := storetest.Call(t, "POST", a.url+"/logout", first+"; "+firstRefresh); st != http.StatusNoContent {
			t.Fatalf("logout: %d", st)
		}
		third, _ := loginOn(t, b, "dave")
		for _, r := range rs {
			serves(t, r, second)
			serves(t, r, third)
		}
	})
}

func TestSessionCapTwoInstances(t *testing.T) {
	srv := startRedis(t)
	sessionCap(t, func(max int) []replica {
		prefix := uniquePrefix()
		return newCappedReplicas(t, 2, max, func() auth.RefreshStore {
			return redisstore.New(srv.Client(t), redisstore.Options{KeyPrefix: prefix, Timeout: behaviourTimeout})
		})
	})
}

// TestSessionCapCluster is the same on a 3-master Redis Cluster, each replica with
// its own cluster client, the prefix hash-tagged.
func TestSessionCapCluster(t *testing.T) {
	c := startCluster(t)
	sessionCap(t, func(max int) []replica {
		prefix := "{" + uniquePrefix() + "}:"
		return newCappedReplicas(t, 2, max, func() auth.RefreshStore {
			cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.addrs, ContextTimeoutEnabled: true})
			t.Cleanup(func() { cc.Close() })
			return redisstore.New(cc, redisstore.Options{KeyPrefix: prefix, Timeout: behaviourTimeout})
		})
	})
}

// TestSessionIndexPruned: the per-subject index (a sorted set) holds the live
// sessions only, however many of the user's sessions ended before: each login
// prunes it, RevokeSubject empties it, and it expires with the last family.
func TestSessionIndexPruned(t *testing.T) {
	srv := startRedis(t)
	client := srv.Client(t)
	ctx := t.Context()
	s := redisstore.New(client, redisstore.Options{KeyPrefix: "idx:", Timeout: behaviourTimeout})
	now := time.Now()
	for i := range 2_000 {
		h := storetest.Hash(t)
		sess := auth.RefreshSession{Family: fmt.Sprint("f", i), Subject: "alice", ExpiresAt: now.Add(time.Hour)}
		if err := s.Issue(ctx, h, sess); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeFamily(ctx, h); err != nil { // a logout
			t.Fatal(err)
		}
		// The session just ended is still listed; the ones before are pruned.
		if n, err := client.ZCard(ctx, "idx:us:alice").Result(); err != nil || n != 1 {
			t.Fatalf("after %d login/logout cycles the index holds %d (%v), want 1", i+1, n, err)
		}
	}
	if err := s.RevokeSubject(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if n, err := client.Exists(ctx, "idx:us:alice").Result(); err != nil || n != 0 {
		t.Fatalf("index after RevokeSubject: exists=%d (%v), want gone", n, err)
	}
}
