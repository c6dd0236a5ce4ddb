package auth_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/auth/storetest"
)

// capNode is one instance of a service with Config.MaxSessionsPerUser, on the real
// clock, behind its own loopback server; several share one store.
type capNode struct {
	a   *auth.Authenticator[string]
	url string

	mu     sync.Mutex
	events []auth.Event
}

// newCapNodes starts n instances over store with the cap max.
func newCapNodes(t *testing.T, store auth.RefreshStore, n, max int) []*capNode {
	t.Helper()
	var out []*capNode
	for range n {
		node := &capNode{}
		node.a, node.url = storetest.Instance(t, auth.Config[string]{
			Store:              store,
			MaxSessionsPerUser: max,
			OnEvent: func(e auth.Event) {
				node.mu.Lock()
				node.events = append(node.events, e)
				node.mu.Unlock()
			},
		})
		out = append(out, node)
	}
	return out
}

// capSession is one signed-in browser: its two cookies.
type capSession struct{ access, refresh string }

func (s capSession) both() string { return s.access + "; " + s.refresh }

// capLogin signs user in on n; cookie is what the browser already holds ("" for none).
func capLogin(t *testing.T, n *capNode, user, cookie string) capSession {
	t.Helper()
	st, set := storetest.Call(t, "POST", n.url+"/login?u="+user, cookie)
	if st != http.StatusNoContent {
		t.Fatalf("login: %d", st)
	}
	return capSession{access: "access=" + set["access"], refresh: "refresh=" + set["refresh"]}
}

// capServes fails unless n serves /me to s's access token (and so caches it as live).
func capServes(t *testing.T, n *capNode, s capSession, what string) {
	t.Helper()
	if st, _ := storetest.Call(t, "GET", n.url+"/me", s.access); st != http.StatusOK {
		t.Fatalf("%s refused: %d, want 200", what, st)
	}
}

// capRefused fails unless n answers 401 to s's access token and to its refresh token.
func capRefused(t *testing.T, n *capNode, s capSession, what string) {
	t.Helper()
	if st, _ := storetest.Call(t, "GET", n.url+"/me", s.access); st != http.StatusUnauthorized {
		t.Fatalf("%s: access token answered %d, want 401", what, st)
	}
	if st, _ := storetest.Call(t, "POST", n.url+"/refresh", s.refresh); st != http.StatusUnauthorized {
		t.Fatalf("%s: refresh token answered %d, want 401", what, st)
	}
}

// capRefusedWithin polls n until it refuses s's access token and returns how long
// that took since start; more than limit fails. Bounded; no sleep asserts timing.
func capRefusedWithin(t *testing.T, n *capNode, s capSession, start time.Time, limit time.Duration) time.Duration {
	t.Helper()
	deadline := start.Add(limit + 2*time.Second)
	for {
		st, _ := storetest.Call(t, "GET", n.url+"/me", s.access)
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
			t.Fatalf("still served %v after the eviction", took)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// capEvictsOldest: with a cap of 2, a third login (on A) ends the first session,
// which B had cached as live: B refuses it within limit; the second and third stay
// live on both, and another user is untouched. A reports the eviction as an event.
func capEvictsOldest(t *testing.T, nodes []*capNode, limit time.Duration) {
	a, b := nodes[0], nodes[1]
	first := capLogin(t, a, "alice", "")
	second := capLogin(t, b, "alice", "")
	bob := capLogin(t, a, "bob", "")
	capServes(t, b, first, "first session before the third login")
	capServes(t, a, second, "second session before the third login")
	start := time.Now()
	third := capLogin(t, a, "alice", "")
	t.Logf("third login on one instance: first session refused on the other after %v",
		capRefusedWithin(t, b, first, start, limit))
	capRefused(t, b, first, "first session after the third login")
	for _, n := range nodes {
		capServes(t, n, second, "second session")
		capServes(t, n, third, "third session")
		capServes(t, n, bob, "another user's session")
	}
	if st, _ := storetest.Call(t, "POST", a.url+"/refresh", second.refresh); st != http.StatusNoContent {
		t.Fatalf("refresh of the second session: %d", st)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	evicted := 0
	for _, e := range a.events {
		if e.Kind == auth.EventLogout && e.Reason == auth.ReasonSessionCap {
			evicted++
			if e.Subject != "alice" {
				t.Fatalf("eviction event names %q, want alice", e.Subject)
			}
		}
	}
	if evicted != 1 {
		t.Fatalf("%d eviction events, want 1", evicted)
	}
}

func TestSessionCapEvictsOldest(t *testing.T) {
	capEvictsOldest(t, newCapNodes(t, auth.NewMemoryStore(), 2, 2), time.Second)
}

// deafStore is a MemoryStore whose change channel is down: Subscribe fails every
// time, so only the session cache lifetime bounds how long an evicted session lives.
type deafStore struct{ *auth.MemoryStore }

func (deafStore) Subscribe(context.Context, func(string)) error {
	return errors.New("change channel unreachable")
}

func TestSessionCapChannelDown(t *testing.T) {
	capEvictsOldest(t, newCapNodes(t, deafStore{auth.NewMemoryStore()}, 2, 2), auth.DefaultSessionCacheTTL+50*time.Millisecond)
}

func TestSessionCapZeroIsUnlimited(t *testing.T) {
	nodes := newCapNodes(t, auth.NewMemoryStore(), 2, 0)
	var all []capSession
	for i := range 6 {
		all = append(all, capLogin(t, nodes[i%2], "alice", ""))
	}
	for _, n := range nodes {
		for i, s := range all {
			capServes(t, n, s, fmt.Sprintf("session %d without a cap", i))
		}
	}
}

// TestSessionCapEndedSessionsFreeSlots: a session ended by logout, or by a login
// in the same browser (which revokes the one it replaces), no longer counts.
func TestSessionCapEndedSessionsFreeSlots(t *testing.T) {
	nodes := newCapNodes(t, auth.NewMemoryStore(), 2, 2)
	a, b := nodes[0], nodes[1]
	first := capLogin(t, a, "alice", "")
	second := capLogin(t, a, "alice", "")
	if st, _ := storetest.Call(t, "POST", a.url+"/logout", first.both()); st != http.StatusNoContent {
		t.Fatalf("logout: %d", st)
	}
	third := capLogin(t, b, "alice", "")
	capServes(t, b, second, "second session after a logout freed a slot")
	capServes(t, a, third, "third session")
	fourth := capLogin(t, a, "alice", third.both()) // same browser: replaces the third
	capRefused(t, b, third, "the session a login in its browser replaced")
	capServes(t, b, second, "second session after a same-browser login")
	capServes(t, b, fourth, "fourth session")
}

// notCapper is a store that can revoke but not cap: New must refuse a cap on it.
type notCapper struct {
	auth.RefreshStore
	auth.SessionStates
}

func TestSessionCapConfig(t *testing.T) {
	key, err := auth.HMACKey("k1", "HS256", []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	mem := auth.NewMemoryStore()
	for _, c := range []struct {
		name  string
		store auth.RefreshStore
		max   int
		ok    bool
	}{
		{"negative", mem, -1, false},
		{"no store", nil, 2, false},
		{"store that cannot cap", notCapper{mem, mem}, 2, false},
		{"no cap on a store that cannot cap", notCapper{mem, mem}, 0, true},
		{"memory store", mem, 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := auth.New(auth.Config[string]{
				Issuer: "https://specgate.test", Audience: "api", SigningKey: key,
				Store: c.store, MaxSessionsPerUser: c.max,
				Lookup: func(_ context.Context, sub string) (string, error) { return sub, nil },
				Logger: slog.New(slog.DiscardHandler),
			})
			if c.ok {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				a.Close()
				return
			}
			if !errors.Is(err, auth.ErrConfig) {
				t.Fatalf("New = %v, want ErrConfig", err)
			}
		})
	}
}
