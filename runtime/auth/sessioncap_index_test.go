package auth

import (
	"crypto/rand"
	"testing"
	"time"
)

// TestMemoryStoreSubjectIndexPruned: the per-subject index the cap and RevokeSubject
// read holds one entry per live session, however many sessions of the user ended.
func TestMemoryStoreSubjectIndexPruned(t *testing.T) {
	m := NewMemoryStore()
	ctx := t.Context()
	now := time.Now()
	for i := range 10_000 {
		var h TokenHash
		rand.Read(h[:])
		sid := randomString(16)
		if _, err := m.IssueCapped(ctx, h, RefreshSession{Family: sid, Subject: "alice", ExpiresAt: now.Add(time.Hour)}, now, 3); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := m.RevokeFamily(ctx, h); err != nil { // a logout
				t.Fatal(err)
			}
		}
		m.mu.Lock()
		n := len(m.subjects["alice"])
		m.mu.Unlock()
		if n > 3 {
			t.Fatalf("after %d logins the index holds %d sessions, want at most the cap of 3 live ones", i+1, n)
		}
	}
	if err := m.RevokeSubject(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.subjects); n != 0 {
		t.Fatalf("index holds %d subjects after RevokeSubject, want 0", n)
	}
}
