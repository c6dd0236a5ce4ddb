package storetest

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
)

// testSessionStates checks auth.SessionStates, for stores that implement it (a
// store that does not is not revocable, and the subtest says so and passes: that
// is a property of the store, not a skipped check).
func testSessionStates(t *testing.T, s auth.RefreshStore) {
	st, ok := s.(auth.SessionStates)
	if !ok {
		t.Log("store does not implement auth.SessionStates: access tokens cannot be revoked")
		return
	}
	f := newFixture(t, s)

	var mu sync.Mutex
	var heard []string
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() {
		done <- st.Subscribe(ctx, func(sid string) { mu.Lock(); heard = append(heard, sid); mu.Unlock() })
	}()
	// Subscribing is asynchronous: revoke a probe family until its announcement
	// arrives, so the channel is known to be up before the real checks (bounded).
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; ; i++ {
		probe := f.issue("probe-"+strconv.Itoa(i), time.Hour)
		if err := s.RevokeFamily(f.ctx, probe); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
		mu.Lock()
		n := len(heard)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Subscribe heard no revocation within 5s")
		}
	}

	revoked := func(sid string) bool {
		t.Helper()
		r, err := st.Revoked(f.ctx, sid)
		if err != nil {
			t.Fatalf("Revoked(%q): %v", sid, err)
		}
		return r
	}
	a := f.issue("s-logout", time.Hour)
	b := f.issue("s-reuse", time.Hour)
	s1, s2 := Hash(t), Hash(t)
	c := auth.RefreshSession{Family: "s-user1", Subject: "carol", ExpiresAt: f.at(time.Hour)}
	d := auth.RefreshSession{Family: "s-user2", Subject: "carol", ExpiresAt: f.at(time.Hour)}
	for h, rs := range map[auth.TokenHash]auth.RefreshSession{s1: c, s2: d} {
		if err := s.Issue(f.ctx, h, rs); err != nil {
			t.Fatal(err)
		}
	}
	f.issue("s-other", time.Hour)
	for _, sid := range []string{"s-logout", "s-reuse", "s-user1", "s-user2", "s-other"} {
		if revoked(sid) {
			t.Fatalf("%s revoked right after Issue", sid)
		}
	}
	if !revoked("never-issued") {
		t.Fatal("an unknown session is not reported revoked")
	}

	if err := s.RevokeFamily(f.ctx, a); err != nil {
		t.Fatal(err)
	}
	next := Hash(t)
	f.mustRotate(b, next, 0)
	if _, err := f.rotate(b, next, grace); !errors.Is(err, auth.ErrRefreshReused) {
		t.Fatalf("replay: %v, want reuse", err)
	}
	if err := st.RevokeSubject(f.ctx, "carol"); err != nil {
		t.Fatal(err)
	}
	want := []string{"s-logout", "s-reuse", "s-user1", "s-user2"}
	for _, sid := range want {
		if !revoked(sid) {
			t.Fatalf("%s not revoked", sid)
		}
	}
	if revoked("s-other") {
		t.Fatal("s-other revoked with the others")
	}
	// Every revocation was announced (bounded wait for an asynchronous channel).
	deadline = time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		missing := slices.DeleteFunc(slices.Clone(want), func(sid string) bool { return slices.Contains(heard, sid) })
		mu.Unlock()
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Subscribe never announced %q", missing)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Subscribe after cancel returned %v, want context.Canceled", err)
	}
}
