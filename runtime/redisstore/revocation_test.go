package redisstore_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/auth/storetest"
	"github.com/specgate/specgate/runtime/redisstore"
)

// replica is one instance of a service on the real clock, over a Store of its own
// (its own go-redis client) on a shared Redis.
type replica struct {
	a   *auth.Authenticator[string]
	url string
}

// newReplicas starts n replicas whose stores newStore makes.
func newReplicas(t *testing.T, n int, newStore func() auth.RefreshStore) []replica {
	t.Helper()
	var out []replica
	for range n {
		a, url := storetest.Instance(t, auth.Config[string]{
			Store: newStore(),
		})
		out = append(out, replica{a: a, url: url})
	}
	return out
}

func loginOn(t *testing.T, r replica, user string) (access, refresh string) {
	t.Helper()
	st, set := storetest.Call(t, "POST", r.url+"/login?u="+user, "")
	if st != http.StatusNoContent {
		t.Fatalf("login: %d", st)
	}
	return "access=" + set["access"], "refresh=" + set["refresh"]
}

func serves(t *testing.T, r replica, cookie string) {
	t.Helper()
	if st, _ := storetest.Call(t, "GET", r.url+"/me", cookie); st != http.StatusOK {
		t.Fatalf("live session refused: %d", st)
	}
}

// refusedWithin polls r until it refuses cookie (401) and returns the time since
// start; more than limit fails the test. Bounded; no sleep asserts timing.
func refusedWithin(t *testing.T, r replica, cookie string, start time.Time, limit time.Duration) time.Duration {
	t.Helper()
	deadline := start.Add(limit + 2*time.Second)
	for {
		st, _ := storetest.Call(t, "GET", r.url+"/me", cookie)
		took := time.Since(start)
		switch {
		case st == http.StatusUnauthorized:
			if took > limit {
				t.Fatalf("refused after %v, want within %v", took, limit)
			}
			return took
		case st != http.StatusOK:
			t.Fatalf("status %d while waiting for the refusal", st)
		case time.Now().After(deadline):
			t.Fatalf("still served %v after the revocation", took)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// case44 is docs/security-cases.md case 44 on replicas 0 and 1: logout, reuse detection and
// RevokeUser on one; the other refuses the session's access token within limit.
// before runs just before each revocation (to break the change channel, say).
func case44(t *testing.T, rs []replica, limit time.Duration, before func()) {
	a, b := rs[0], rs[1]
	t.Run("logout", func(t *testing.T) {
		access, refresh := loginOn(t, a, "alice")
		serves(t, b, access)
		before()
		start := time.Now()
		if st, _ := storetest.Call(t, "POST", a.url+"/logout", access+"; "+refresh); st != http.StatusNoContent {
			t.Fatalf("logout: %d", st)
		}
		t.Logf("logout: refused on the other instance after %v", refusedWithin(t, b, access, start, limit))
	})
	t.Run("reuse detection", func(t *testing.T) {
		access, refresh := loginOn(t, a, "alice")
		serves(t, b, access)
		if st, _ := storetest.Call(t, "POST", a.url+"/refresh", refresh); st != http.StatusNoContent {
			t.Fatalf("refresh: %d", st)
		}
		time.Sleep(5 * time.Millisecond) // past the 1ms grace window
		before()
		start := time.Now()
		if st, _ := storetest.Call(t, "POST", a.url+"/refresh", refresh); st != http.StatusUnauthorized {
			t.Fatalf("replay: %d, want 401", st)
		}
		t.Logf("reuse detection: refused on the other instance after %v", refusedWithin(t, b, access, start, limit))
	})
	t.Run("RevokeUser", func(t *testing.T) {
		one, _ := loginOn(t, a, "carol")
		two, _ := loginOn(t, b, "carol")
		other, _ := loginOn(t, a, "dave")
		serves(t, b, one)
		serves(t, a, two)
		before()
		start := time.Now()
		if err := a.a.RevokeUser(t.Context(), "carol"); err != nil {
			t.Fatal(err)
		}
		t.Logf("RevokeUser: sessions refused after %v and %v",
			refusedWithin(t, b, one, start, limit), refusedWithin(t, a, two, start, limit))
		serves(t, b, other)
	})
}

func TestRevocationTwoInstancesCase44(t *testing.T) {
	srv := startRedis(t)
	prefix := uniquePrefix()
	rs := newReplicas(t, 2, func() auth.RefreshStore {
		return redisstore.New(srv.Client(t), redisstore.Options{KeyPrefix: prefix, Timeout: behaviourTimeout})
	})
	case44(t, rs, time.Second, func() {})
}

// TestRevocationChannelKilled kills every pub/sub connection on the server right
// before each revocation: the announcement may be lost, and the session cache
// lifetime alone bounds how long the revoked session is served.
func TestRevocationChannelKilled(t *testing.T) {
	srv := startRedis(t)
	admin := srv.Client(t)
	prefix := uniquePrefix()
	rs := newReplicas(t, 2, func() auth.RefreshStore {
		return redisstore.New(srv.Client(t), redisstore.Options{KeyPrefix: prefix, Timeout: behaviourTimeout})
	})
	kill := func() {
		n, err := admin.Do(t.Context(), "CLIENT", "KILL", "TYPE", "pubsub").Int64()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && !strings.Contains(t.Name(), "RevokeUser") {
			// After a kill the guards re-subscribe within ~1s; a run where none was
			// connected yet still tests the bound, so only note it.
			t.Logf("no pub/sub connection was open to kill")
		}
	}
	case44(t, rs, auth.DefaultSessionCacheTTL+50*time.Millisecond, kill)
}
