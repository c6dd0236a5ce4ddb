package auth

import (
	"context"
	"testing"
	"time"
)

// TestStoreEmptySubjectRefused: a store record without a subject (a store
// bug, a hand-edited Redis key) must not reach Lookup as "", which an app's query
// may well match.
func TestStoreEmptySubjectRefused(t *testing.T) {
	lax := func(c *Config[*testUser]) {
		lookup := c.Lookup
		c.Lookup = func(ctx context.Context, sub string) (*testUser, error) {
			if sub == "" {
				return &testUser{ID: "(guest)"}, nil // e.g. WHERE id = '' matched a row
			}
			return lookup(ctx, sub)
		}
	}
	e := newEnv(t, lax)
	tok := randomString(32)
	rs := RefreshSession{Family: "f-empty", Subject: "", ExpiresAt: e.clock.Now().Add(time.Hour)}
	if err := e.store.MemoryStore.Issue(context.Background(), hashToken(tok), rs); err != nil {
		t.Fatal(err)
	}
	r := e.do(req{path: "/me", cookie: e.refreshCookie(tok)})
	if r.status != 401 || !r.cleared(e) {
		t.Fatalf("a stored session without subject: %d %q %q", r.status, r.body, r.cookies)
	}
	if _, n := r.setCookie(e.a.accessName); n != 1 {
		t.Fatalf("cookies: %q", r.cookies)
	}
}
