package auth

import (
	"sync"
	"time"
)

// burstCache remembers, for a short while (the grace window), the access token a
// refresh minted, keyed by the refresh token it consumed. Requests of one burst
// that present the same rotated refresh token without overlapping in time (the
// browser's six connections draining a queue) then get the same access token as
// well as the same successor, instead of one new token each. It is per instance:
// another instance that sees the same refresh token inside the grace window mints
// its own one (the store hands it the same successor). Every hit still went
// through the store's Rotate (so a revoked family is refused) and Lookup.
type burstCache struct {
	mu  sync.Mutex
	m   map[TokenHash]burstEntry
	max int
}

type burstEntry struct {
	next   string // the successor the refresh handed out
	access string
	exp    time.Time // the access token's expiry
	until  time.Time // end of the grace window
}

func newBurstCache(size int) *burstCache {
	return &burstCache{m: make(map[TokenHash]burstEntry), max: max(size, 1)}
}

// get returns the access token minted for old with successor next, if the grace
// window is still open and the token has not expired.
func (c *burstCache) get(old TokenHash, next string, now time.Time) (string, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[old]
	if !ok || !now.Before(e.until) {
		delete(c.m, old)
		return "", time.Time{}, false
	}
	if e.next != next || !now.Before(e.exp) {
		return "", time.Time{}, false
	}
	return e.access, e.exp, true
}

func (c *burstCache) put(old TokenHash, e burstEntry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for k, v := range c.m { // expired entries first, else any
			if !now.Before(v.until) {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[old] = e
}
