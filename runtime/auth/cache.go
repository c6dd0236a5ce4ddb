package auth

import (
	"strings"
	"sync"
	"time"
)

// tokenCache remembers access tokens whose signature and claims were verified, keyed
// by the exact token string, so the steady state skips the MAC and the JSON. An
// entry only proves the token was valid once: its time window is re-checked on every
// hit. When full, an arbitrary entry (Go's map order) makes room; eviction only costs
// a re-verification.
type tokenCache struct {
	mu  sync.RWMutex
	m   map[string]*verified
	max int
}

func newTokenCache(max int) *tokenCache {
	return &tokenCache{m: make(map[string]*verified), max: max}
}

func (c *tokenCache) get(tok string) *verified {
	c.mu.RLock()
	v := c.m[tok]
	c.mu.RUnlock()
	return v
}

func (c *tokenCache) put(tok string, v *verified) {
	tok = strings.Clone(tok) // tok may alias a large Cookie header
	c.mu.Lock()
	if len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[tok] = v
	c.mu.Unlock()
}

// userCache remembers successful lookups by subject for a TTL shorter than the
// access TTL, so a disabled user is locked out within that TTL.
type userCache[U any] struct {
	mu  sync.RWMutex
	m   map[string]cachedUser[U]
	ttl time.Duration
	max int
}

type cachedUser[U any] struct {
	u       U
	expires time.Time
}

func newUserCache[U any](ttl time.Duration, max int) *userCache[U] {
	return &userCache[U]{m: make(map[string]cachedUser[U]), ttl: ttl, max: max}
}

func (c *userCache[U]) get(sub string, now time.Time) (U, bool) {
	c.mu.RLock()
	e, ok := c.m[sub]
	c.mu.RUnlock()
	if !ok || !now.Before(e.expires) {
		var zero U
		return zero, false
	}
	return e.u, true
}

func (c *userCache[U]) put(sub string, u U, now time.Time) {
	c.mu.Lock()
	if _, ok := c.m[sub]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[sub] = cachedUser[U]{u: u, expires: now.Add(c.ttl)}
	c.mu.Unlock()
}
