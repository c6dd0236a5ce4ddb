// Package storetest is a behavioural test suite for auth.RefreshStore
// implementations. Every store specgate ships runs it, and so can a store of your own:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) auth.RefreshStore { return newMyStore(t) })
//	}
//
// The suite passes times near time.Now(), truncated to the millisecond, because a
// store may also expire entries by the wall clock (Redis TTLs) and may keep expiries
// at millisecond precision.
//
// Decisions the suite pins down, where the RefreshStore contract is silent:
//   - A token rotated inside the grace window and presented with a different
//     successor is reuse (ErrRefreshReused, family revoked). Successors are derived
//     deterministically from the old token, so a different one means the caller is
//     not a guard sharing our keys; failing closed is the safe answer.
//   - With ErrRefreshReused, Rotate also returns the replayed token's session, so
//     the guard's reuse event can name the user.
//   - Expiry is exclusive (at ExpiresAt a token is dead), the grace window is
//     half-open (exactly grace after the rotation is reuse), and a rotated token
//     presented after its own expiry is unknown, not reuse.
package storetest

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
)

// grace is the grace window the suite passes to Rotate.
const grace = 10 * time.Second

// Run runs the suite. newStore must return a fresh, empty store for each subtest;
// register its cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) auth.RefreshStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s auth.RefreshStore)
	}{
		{"IssueAndRotate", testIssueAndRotate},
		{"SessionRoundTrip", testSessionRoundTrip},
		{"GraceSameSuccessor", testGraceSameSuccessor},
		{"GraceDifferentSuccessor", testGraceDifferentSuccessor},
		{"ReplayAfterGrace", testReplayAfterGrace},
		{"ReplayOfOldAncestor", testReplayOfOldAncestor},
		{"ReplayOfKeptAncestor", testReplayOfKeptAncestor},
		{"RevokeFamily", testRevokeFamily},
		{"RevokeUnknown", testRevokeUnknown},
		{"FamiliesAreIndependent", testFamiliesAreIndependent},
		{"Expired", testExpired},
		{"ExpiredByWallClock", testExpiredByWallClock},
		{"Unknown", testUnknown},
		{"ConcurrentSameSuccessor", testConcurrentSameSuccessor},
		{"ConcurrentDifferentSuccessors", testConcurrentDifferentSuccessors},
		{"ContextCanceled", testContextCanceled},
		{"SessionStates", testSessionStates},
		{"RevokeSubjectAfterRollingExpiry", testRevokeSubjectAfterRollingExpiry},
		{"SessionCap", testSessionCap},
		{"SessionCapUnlimited", testSessionCapUnlimited},
		{"SessionCapFreedSlots", testSessionCapFreedSlots},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

// fixture holds the clock and helpers of one subtest.
type fixture struct {
	t    *testing.T
	s    auth.RefreshStore
	ctx  context.Context
	base time.Time
}

func newFixture(t *testing.T, s auth.RefreshStore) *fixture {
	return &fixture{t: t, s: s, ctx: t.Context(), base: time.Now().Truncate(time.Millisecond)}
}

// at returns base+d: the suite's logical clock.
func (f *fixture) at(d time.Duration) time.Time { return f.base.Add(d) }

// issue records a new family with one token expiring at base+ttl.
func (f *fixture) issue(family string, ttl time.Duration) auth.TokenHash {
	f.t.Helper()
	h := Hash(f.t)
	s := auth.RefreshSession{Family: family, Subject: "user-" + family, ExpiresAt: f.at(ttl)}
	if err := f.s.Issue(f.ctx, h, s); err != nil {
		f.t.Fatalf("Issue: %v", err)
	}
	return h
}

// rotate calls Rotate at base+now with the suite's grace and a one-hour successor.
func (f *fixture) rotate(old, next auth.TokenHash, now time.Duration) (auth.RefreshSession, error) {
	f.t.Helper()
	return f.s.Rotate(f.ctx, old, next, f.at(now), grace, f.at(now+time.Hour))
}

// mustRotate is rotate that fails the test on error.
func (f *fixture) mustRotate(old, next auth.TokenHash, now time.Duration) auth.RefreshSession {
	f.t.Helper()
	s, err := f.rotate(old, next, now)
	if err != nil {
		f.t.Fatalf("Rotate at +%v: %v", now, err)
	}
	return s
}

// wantErr fails the test unless err matches target.
func (f *fixture) wantErr(what string, err, target error) {
	f.t.Helper()
	if !errors.Is(err, target) {
		f.t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// sameSession compares sessions, expiries as instants.
func sameSession(a, b auth.RefreshSession) bool {
	return a.Family == b.Family && a.Subject == b.Subject && a.ExpiresAt.Equal(b.ExpiresAt)
}

// Hash returns a random token hash, as the guard would get from a fresh token.
func Hash(t testing.TB) auth.TokenHash {
	t.Helper()
	var h auth.TokenHash
	if _, err := rand.Read(h[:]); err != nil {
		t.Fatal(err)
	}
	return h
}

func testIssueAndRotate(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a, b, c := f.issue("fam", time.Hour), Hash(t), Hash(t)

	got := f.mustRotate(a, b, time.Minute)
	if got.Family != "fam" || got.Subject != "user-fam" || !got.ExpiresAt.Equal(f.at(time.Hour)) {
		t.Fatalf("Rotate(a) returned %+v, want a's session", got)
	}
	// b inherits the family and subject and carries the expiry Rotate was given.
	got = f.mustRotate(b, c, 2*time.Minute)
	if got.Family != "fam" || got.Subject != "user-fam" || !got.ExpiresAt.Equal(f.at(time.Minute+time.Hour)) {
		t.Fatalf("Rotate(b) returned %+v, want family fam, expiry +1h1m", got)
	}
}

func testSessionRoundTrip(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	// Values a store must not mangle: separators, spaces, non-ASCII.
	want := auth.RefreshSession{Family: "fam:1 {x}", Subject: "ü s:e\"r", ExpiresAt: f.at(time.Hour)}
	a := Hash(t)
	if err := s.Issue(f.ctx, a, want); err != nil {
		t.Fatal(err)
	}
	got := f.mustRotate(a, Hash(t), 0)
	if got.Family != want.Family || got.Subject != want.Subject || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func testGraceSameSuccessor(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a, b, c := f.issue("fam", time.Hour), Hash(t), Hash(t)
	first := f.mustRotate(a, b, 0)

	// A parallel request that lost the race: same successor, inside the window.
	again := f.mustRotate(a, b, grace-time.Millisecond)
	if !sameSession(again, first) {
		t.Fatalf("grace retry returned %+v, want %+v", again, first)
	}
	// Nothing changed: b is still the live token.
	f.mustRotate(b, c, grace)
}

func testGraceDifferentSuccessor(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a, b := f.issue("fam", time.Hour), Hash(t)
	f.mustRotate(a, b, 0)

	_, err := f.rotate(a, Hash(t), time.Second)
	f.wantErr("other successor inside grace", err, auth.ErrRefreshReused)
	_, err = f.rotate(b, Hash(t), 2*time.Second)
	f.wantErr("successor after reuse", err, auth.ErrRefreshUnknown)
}

func testReplayAfterGrace(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a, b := f.issue("fam", time.Hour), Hash(t)
	f.mustRotate(a, b, 0)

	// The window is half-open: exactly grace after the rotation is already reuse.
	// The store names whose family died, so the guard's reuse event can say it.
	got, err := f.rotate(a, b, grace)
	f.wantErr("replay after grace", err, auth.ErrRefreshReused)
	if got.Subject != "user-fam" || got.Family != "fam" {
		t.Fatalf("reuse returned session %+v, want the replayed token's", got)
	}
	_, err = f.rotate(b, Hash(t), grace+time.Second)
	f.wantErr("successor after reuse", err, auth.ErrRefreshUnknown)
	_, err = f.rotate(a, b, grace+2*time.Second)
	f.wantErr("replay in a revoked family", err, auth.ErrRefreshUnknown)
}

func testReplayOfOldAncestor(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a, b, c, d := f.issue("fam", time.Hour), Hash(t), Hash(t), Hash(t)
	f.mustRotate(a, b, 0)
	f.mustRotate(b, c, time.Minute)
	f.mustRotate(c, d, 2*time.Minute)

	// A thief replays the first token long after: the live tip dies with it.
	_, err := f.rotate(a, b, 3*time.Minute)
	f.wantErr("ancestor replay", err, auth.ErrRefreshReused)
	_, err = f.rotate(d, Hash(t), 4*time.Minute)
	f.wantErr("tip after reuse", err, auth.ErrRefreshUnknown)
}

// testReplayOfKeptAncestor: the oldest token a store must still recognise, after
// auth.KeptAncestors rotations, is reuse (stores may forget older ones).
func testReplayOfKeptAncestor(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	first := f.issue("fam", time.Hour)
	cur := first
	for i := range auth.KeptAncestors {
		next := Hash(t)
		f.mustRotate(cur, next, time.Duration(i)*time.Minute)
		cur = next
	}
	_, err := f.rotate(first, Hash(t), time.Hour-time.Minute)
	f.wantErr("replay of the oldest kept ancestor", err, auth.ErrRefreshReused)
	_, err = f.rotate(cur, Hash(t), time.Hour-time.Minute)
	f.wantErr("live token after reuse", err, auth.ErrRefreshUnknown)
}

func testRevokeFamily(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a, b := f.issue("fam", time.Hour), Hash(t)
	f.mustRotate(a, b, 0)

	// Logout may present any token of the family, a rotated one included.
	if err := s.RevokeFamily(f.ctx, a); err != nil {
		t.Fatalf("RevokeFamily: %v", err)
	}
	_, err := f.rotate(b, Hash(t), time.Second)
	f.wantErr("successor after logout", err, auth.ErrRefreshUnknown)
	_, err = f.rotate(a, b, time.Second)
	f.wantErr("grace retry after logout", err, auth.ErrRefreshUnknown)
	// Revoking twice is fine.
	if err := s.RevokeFamily(f.ctx, b); err != nil {
		t.Fatalf("second RevokeFamily: %v", err)
	}
}

func testRevokeUnknown(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	if err := s.RevokeFamily(f.ctx, Hash(t)); err != nil {
		t.Fatalf("RevokeFamily(unknown) = %v, want nil", err)
	}
}

func testFamiliesAreIndependent(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a1, a2 := f.issue("one", time.Hour), f.issue("two", time.Hour)
	b1, b2 := Hash(t), Hash(t)
	f.mustRotate(a1, b1, 0)
	f.mustRotate(a2, b2, 0)

	_, err := f.rotate(a1, b1, time.Minute)
	f.wantErr("replay in family one", err, auth.ErrRefreshReused)
	if err := s.RevokeFamily(f.ctx, a1); err != nil {
		t.Fatal(err)
	}
	// Family two is untouched by either.
	f.mustRotate(b2, Hash(t), time.Minute)
}

func testExpired(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a := f.issue("fam", time.Minute)

	// Expiry is exclusive: at ExpiresAt the token is dead.
	_, err := f.rotate(a, Hash(t), time.Minute)
	f.wantErr("rotate at expiry", err, auth.ErrRefreshUnknown)

	// A successor lives until the expiry Rotate gave it, not its parent's.
	a = f.issue("fam2", time.Minute)
	b := Hash(t)
	if _, err := s.Rotate(f.ctx, a, b, f.at(0), grace, f.at(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err = f.rotate(b, Hash(t), 30*time.Second)
	f.wantErr("successor at its expiry", err, auth.ErrRefreshUnknown)

	// A rotated token presented after it expired is just dead; it does not count as
	// reuse, since it could not have been used anyway.
	c := f.issue("fam3", time.Minute)
	d := Hash(t)
	f.mustRotate(c, d, 0)
	_, err = f.rotate(c, d, time.Minute)
	f.wantErr("expired rotated token", err, auth.ErrRefreshUnknown)
	f.mustRotate(d, Hash(t), time.Minute)
}

func testExpiredByWallClock(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a := f.issue("fam", 100*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	_, err := s.Rotate(f.ctx, a, Hash(t), time.Now(), grace, time.Now().Add(time.Hour))
	f.wantErr("rotate after real expiry", err, auth.ErrRefreshUnknown)
}

func testUnknown(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	_, err := f.rotate(Hash(t), Hash(t), 0)
	f.wantErr("never issued", err, auth.ErrRefreshUnknown)
	var zero auth.TokenHash
	_, err = f.rotate(zero, Hash(t), 0)
	f.wantErr("zero hash", err, auth.ErrRefreshUnknown)
}

// workers is how many goroutines race in the concurrency tests.
const workers = 32

// race runs fn(i) in workers goroutines released at once and returns their errors.
func race(fn func(i int) (auth.RefreshSession, error)) ([]auth.RefreshSession, []error) {
	sessions, errs := make([]auth.RefreshSession, workers), make([]error, workers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range workers {
		wg.Go(func() {
			<-start
			sessions[i], errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return sessions, errs
}

func testConcurrentSameSuccessor(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a, b := f.issue("fam", time.Hour), Hash(t)
	sessions, errs := race(func(int) (auth.RefreshSession, error) {
		return s.Rotate(f.ctx, a, b, f.at(0), grace, f.at(time.Hour))
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("worker %d: %v (every same-successor rotation inside grace must succeed)", i, err)
		}
		if !sameSession(sessions[i], sessions[0]) {
			t.Fatalf("worker %d got %+v, worker 0 got %+v", i, sessions[i], sessions[0])
		}
	}
	// One chain: b is live, and a is rotated (its replay after grace is reuse).
	f.mustRotate(b, Hash(t), time.Second)
	_, err := f.rotate(a, b, grace)
	f.wantErr("replay after the race", err, auth.ErrRefreshReused)
}

// testConcurrentDifferentSuccessors proves the check-and-set is atomic: with a
// different successor each, exactly one rotation may win and every other is reuse.
// A store that reads then writes without atomicity lets several win.
func testConcurrentDifferentSuccessors(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a := f.issue("fam", time.Hour)
	nexts := make([]auth.TokenHash, workers)
	for i := range nexts {
		nexts[i] = Hash(t)
	}
	_, errs := race(func(i int) (auth.RefreshSession, error) {
		return s.Rotate(f.ctx, a, nexts[i], f.at(0), grace, f.at(time.Hour))
	})
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, auth.ErrRefreshReused), errors.Is(err, auth.ErrRefreshUnknown):
			// Reuse, or the family was already revoked by an earlier loser.
		default:
			t.Fatalf("worker %d: unexpected error %v", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d rotations won, want exactly 1", wins)
	}
}

func testContextCanceled(t *testing.T, s auth.RefreshStore) {
	f := newFixture(t, s)
	a, b := f.issue("fam", time.Hour), Hash(t)
	canceled, cancel := context.WithCancel(f.ctx)
	cancel()
	expired, cancel2 := context.WithDeadline(f.ctx, time.Now().Add(-time.Second))
	defer cancel2()

	for _, c := range []struct {
		ctx  context.Context
		want error
	}{{canceled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		_, err := s.Rotate(c.ctx, a, b, f.at(0), grace, f.at(time.Hour))
		if !errors.Is(err, c.want) || errors.Is(err, auth.ErrRefreshUnknown) || errors.Is(err, auth.ErrRefreshReused) {
			t.Fatalf("Rotate: got %v, want %v and no store verdict", err, c.want)
		}
		if err := s.Issue(c.ctx, Hash(t), auth.RefreshSession{Family: "x", ExpiresAt: f.at(time.Hour)}); !errors.Is(err, c.want) {
			t.Fatalf("Issue: got %v, want %v", err, c.want)
		}
		if err := s.RevokeFamily(c.ctx, a); !errors.Is(err, c.want) {
			t.Fatalf("RevokeFamily: got %v, want %v", err, c.want)
		}
	}
	// None of the calls changed anything: a is still active and rotates normally.
	f.mustRotate(a, b, 0)
	f.mustRotate(b, Hash(t), time.Second)
}
