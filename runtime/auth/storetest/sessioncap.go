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

// capStore is what the session-cap subtests need: a store that caps sessions per
// subject and can say which have ended.
type capStore interface {
	auth.RefreshStore
	auth.SessionStates
	auth.SessionCapper
}

// asCapStore returns s as a capStore, or logs why the subtest has nothing to check
// (a store without the cap cannot be configured with one: auth.New refuses it).
func asCapStore(t *testing.T, s auth.RefreshStore) (capStore, bool) {
	c, ok := s.(capStore)
	if !ok {
		t.Log("store does not implement auth.SessionCapper and auth.SessionStates: Config.MaxSessionsPerUser cannot be used with it")
	}
	return c, ok
}

// login issues a new session of subject through IssueCapped at base+now.
func (f *fixture) login(c capStore, family, subject string, now, ttl time.Duration, max int) (auth.TokenHash, []string) {
	f.t.Helper()
	h := Hash(f.t)
	ended, err := c.IssueCapped(f.ctx, h, auth.RefreshSession{Family: family, Subject: subject, ExpiresAt: f.at(ttl)}, f.at(now), max)
	if err != nil {
		f.t.Fatalf("IssueCapped(%s): %v", family, err)
	}
	return h, ended
}

// states fails the test unless exactly the sessions in live are live among all.
func (f *fixture) states(c capStore, all []string, live ...string) {
	f.t.Helper()
	for _, sid := range all {
		r, err := c.Revoked(f.ctx, sid)
		if err != nil {
			f.t.Fatalf("Revoked(%s): %v", sid, err)
		}
		if want := !slices.Contains(live, sid); r != want {
			f.t.Fatalf("Revoked(%s) = %v, want %v (live: %q)", sid, r, want, live)
		}
	}
}

// listen subscribes to c's channel and returns what it has heard so far; the
// subscription is known to be up (a probe revocation was heard) when it returns.
func (f *fixture) listen(c capStore) func() []string {
	f.t.Helper()
	var mu sync.Mutex
	var heard []string
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() {
		done <- c.Subscribe(ctx, func(sid string) { mu.Lock(); heard = append(heard, sid); mu.Unlock() })
	}()
	f.t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			f.t.Errorf("Subscribe after cancel returned %v, want context.Canceled", err)
		}
	})
	get := func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(heard) }
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; len(get()) == 0; i++ {
		if time.Now().After(deadline) {
			f.t.Fatal("Subscribe heard no revocation within 5s")
		}
		probe := f.issue("cap-probe-"+strconv.Itoa(i), time.Hour)
		if err := c.RevokeFamily(f.ctx, probe); err != nil {
			f.t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return get
}

// testSessionCap: with a cap of 2, a third login revokes the first session (its
// refresh token is refused, its end is announced) and leaves the second and third
// live; other subjects are untouched. Logins in the same millisecond keep their
// order, so the oldest is the first issued, not an arbitrary one.
func testSessionCap(t *testing.T, s auth.RefreshStore) {
	c, ok := asCapStore(t, s)
	if !ok {
		return
	}
	f := newFixture(t, s)
	heard := f.listen(c)
	other, _ := f.login(c, "cap-other", "erin", 0, time.Hour, 2)
	t1, e1 := f.login(c, "cap-1", "dora", 0, time.Hour, 2)
	t2, e2 := f.login(c, "cap-2", "dora", 0, time.Hour, 2)
	if len(e1)+len(e2) != 0 {
		t.Fatalf("logins within the cap ended %q and %q", e1, e2)
	}
	_, e3 := f.login(c, "cap-3", "dora", 0, time.Hour, 2) // same instant: order is issue order
	if !slices.Equal(e3, []string{"cap-1"}) {
		t.Fatalf("third login ended %q, want [cap-1]", e3)
	}
	all := []string{"cap-1", "cap-2", "cap-3", "cap-other"}
	f.states(c, all, "cap-2", "cap-3", "cap-other")
	_, err := f.rotate(t1, Hash(t), time.Second)
	f.wantErr("refresh of the evicted session", err, auth.ErrRefreshUnknown)
	f.mustRotate(t2, Hash(t), time.Second)
	f.mustRotate(other, Hash(t), time.Second)

	// A fourth login, later, ends the second: always the oldest.
	_, e4 := f.login(c, "cap-4", "dora", time.Minute, time.Hour, 2)
	if !slices.Equal(e4, []string{"cap-2"}) {
		t.Fatalf("fourth login ended %q, want [cap-2]", e4)
	}
	f.states(c, append(all, "cap-4"), "cap-3", "cap-4", "cap-other")

	// A cap of 1 ends every other session; RevokeSubject still finds them all.
	_, e5 := f.login(c, "cap-5", "dora", 2*time.Minute, time.Hour, 1)
	if !slices.Equal(e5, []string{"cap-3", "cap-4"}) {
		t.Fatalf("login with cap 1 ended %q, want [cap-3 cap-4]", e5)
	}
	if err := c.RevokeSubject(f.ctx, "dora"); err != nil {
		t.Fatal(err)
	}
	f.states(c, append(all, "cap-4", "cap-5"), "cap-other")

	deadline := time.Now().Add(5 * time.Second)
	for _, sid := range []string{"cap-1", "cap-2", "cap-3", "cap-4", "cap-5"} {
		for !slices.Contains(heard(), sid) {
			if time.Now().After(deadline) {
				t.Fatalf("the end of %s was never announced (heard %q)", sid, heard())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if slices.Contains(heard(), "cap-other") {
		t.Fatal("another subject's session was announced as ended")
	}
}

// testSessionCapUnlimited: max 0 (and plain Issue) caps nothing.
func testSessionCapUnlimited(t *testing.T, s auth.RefreshStore) {
	c, ok := asCapStore(t, s)
	if !ok {
		return
	}
	f := newFixture(t, s)
	var all []string
	for i := range 6 {
		sid := "free-" + strconv.Itoa(i)
		all = append(all, sid)
		if i%2 == 0 {
			if err := s.Issue(f.ctx, Hash(t), auth.RefreshSession{Family: sid, Subject: "fred", ExpiresAt: f.at(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, ended := f.login(c, sid, "fred", time.Duration(i)*time.Second, time.Hour, 0); len(ended) != 0 {
			t.Fatalf("login without a cap ended %q", ended)
		}
	}
	f.states(c, all, all...)
	// Sessions issued without a cap count once one applies: the oldest go.
	_, ended := f.login(c, "free-6", "fred", time.Minute, time.Hour, 3)
	if !slices.Equal(ended, all[:4]) {
		t.Fatalf("login with cap 3 ended %q, want %q", ended, all[:4])
	}
}

// testSessionCapFreedSlots: a session that ended (logout, reuse detection, expiry)
// no longer counts, so nothing live is revoked to make room.
func testSessionCapFreedSlots(t *testing.T, s auth.RefreshStore) {
	c, ok := asCapStore(t, s)
	if !ok {
		return
	}
	f := newFixture(t, s)
	out, _ := f.login(c, "slot-logout", "gina", 0, time.Hour, 2)
	if err := s.RevokeFamily(f.ctx, out); err != nil {
		t.Fatal(err)
	}
	reused, _ := f.login(c, "slot-reused", "gina", time.Second, time.Hour, 2)
	next := Hash(t)
	f.mustRotate(reused, next, time.Second)
	_, err := f.rotate(reused, next, time.Second+grace)
	f.wantErr("replay", err, auth.ErrRefreshReused)
	expired, _ := f.login(c, "slot-expired", "gina", 2*time.Second, time.Minute, 2) // dead at +1m
	a, e1 := f.login(c, "slot-a", "gina", 3*time.Second, time.Hour, 2)
	_, e2 := f.login(c, "slot-b", "gina", 2*time.Minute, time.Hour, 2) // slot-expired is dead by now
	if len(e1)+len(e2) != 0 {
		t.Fatalf("ended sessions still took a slot: logins ended %q and %q", e1, e2)
	}
	// Revoked of slot-expired may follow the wall clock (Redis key expiry), which
	// is behind the suite's: only its refusal is asserted.
	all := []string{"slot-logout", "slot-reused", "slot-a", "slot-b"}
	f.states(c, all, "slot-a", "slot-b")
	_, err = f.rotate(expired, Hash(t), 2*time.Minute)
	f.wantErr("refresh of the expired session", err, auth.ErrRefreshUnknown)
	f.mustRotate(a, Hash(t), 2*time.Minute)
	_, e3 := f.login(c, "slot-c", "gina", 3*time.Minute, time.Hour, 2)
	if !slices.Equal(e3, []string{"slot-a"}) {
		t.Fatalf("third live session ended %q, want [slot-a]", e3)
	}
}

// testRevokeSubjectAfterRollingExpiry: a session rotated past the expiry of the
// login that started it is still found by RevokeSubject (a store whose per-subject
// index expires with the first token would miss it). Wall clock: stores may expire
// their index by it.
func testRevokeSubjectAfterRollingExpiry(t *testing.T, s auth.RefreshStore) {
	st, ok := s.(auth.SessionStates)
	if !ok {
		t.Log("store does not implement auth.SessionStates")
		return
	}
	now := time.Now().Truncate(time.Millisecond)
	a, b := Hash(t), Hash(t)
	ctx := t.Context()
	if err := s.Issue(ctx, a, auth.RefreshSession{Family: "rolling", Subject: "hank", ExpiresAt: now.Add(300 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rotate(ctx, a, b, now, grace, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // past the login's own expiry
	if err := st.RevokeSubject(ctx, "hank"); err != nil {
		t.Fatal(err)
	}
	if r, err := st.Revoked(ctx, "rolling"); err != nil || !r {
		t.Fatalf("Revoked(rolling) after RevokeSubject = %v, %v; want true", r, err)
	}
	_, err := s.Rotate(ctx, b, Hash(t), time.Now(), grace, time.Now().Add(time.Hour))
	if !errors.Is(err, auth.ErrRefreshUnknown) {
		t.Fatalf("refresh after RevokeSubject: %v, want ErrRefreshUnknown", err)
	}
}
