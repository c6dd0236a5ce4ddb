package auth

import (
	"context"
	"errors"
	"sync"
	"time"
)

// DefaultSessionCacheTTL is how long a guard trusts what it learnt about a session
// (still live) before asking the store again: the longest a revoked session can
// still be served when the store's change channel is down.
const DefaultSessionCacheTTL = time.Second

// SessionStates is implemented by a RefreshStore that can say whether a session (a
// refresh-token family; its id is the access token's sid claim) has ended, and
// announce ends as they happen. With such a store, every access token names its
// session and the guard refuses one whose session was revoked (logout, reuse
// detection, RevokeUser) on every instance that shares the store:
//
//   - steady state: a local cache of session states, no store round trip per
//     request; an entry saying "live" is re-checked after Config.SessionCacheTTL
//     (default 1s), an entry saying "revoked" is final;
//   - Subscribe's channel marks revoked sessions in that cache as soon as the store
//     announces them (in process for MemoryStore, Redis pub/sub for redisstore);
//   - when the channel is down (a broken connection, Redis restarting), nothing is
//     pushed, and the cache lifetime alone bounds how long a revoked session is
//     served: at most SessionCacheTTL. The guard re-subscribes with a back-off;
//   - when the store cannot answer a check, the request gets 503 (fail closed).
//
// Without a Store (stateless refresh tokens) nothing can be revoked: access tokens
// carry no sid and live until they expire.
type SessionStates interface {
	// Revoked reports whether session sid has ended: revoked, expired, or unknown.
	Revoked(ctx context.Context, sid string) (bool, error)
	// Subscribe calls revoked with the id of every session that ends from now on,
	// on any instance, until ctx ends (it then returns ctx's error) or the channel
	// fails (it returns that error; the caller subscribes again). It must not
	// return nil, and must not block in revoked's caller for long.
	Subscribe(ctx context.Context, revoked func(sid string)) error
	// RevokeSubject ends every session of subject ("sign out everywhere", a
	// disabled account, a changed password).
	RevokeSubject(ctx context.Context, subject string) error
}

// ErrNotRevocable is returned by RevokeUser when the Authenticator has no Store, or
// one that does not implement SessionStates.
var ErrNotRevocable = errors.New("auth: sessions cannot be revoked without a Store implementing SessionStates")

// RevokeUser ends every session of subject on every instance that shares the store:
// its refresh tokens stop working at once, its access tokens within the session
// cache lifetime (at once where the change channel is up). Errors from the store
// are returned wrapping ErrUnavailable.
func (a *Authenticator[U]) RevokeUser(ctx context.Context, subject string) error {
	if a.states == nil {
		return ErrNotRevocable
	}
	if err := a.states.RevokeSubject(ctx, subject); err != nil {
		return unavailable(ReasonStoreError, err)
	}
	return nil
}

// Close stops the subscription to the store's change channel. The Authenticator
// keeps working afterwards, bounded by the session cache lifetime alone.
func (a *Authenticator[U]) Close() error {
	if a.stopWatch != nil {
		a.stopWatch()
		<-a.watchDone
	}
	return nil
}

// initSessions wires the session-state cache and channel when the store offers them.
func (a *Authenticator[U]) initSessions() {
	st, ok := a.cfg.Store.(SessionStates)
	if !ok {
		if a.cfg.Store != nil {
			a.log.Warn("auth: Config.Store does not implement SessionStates: access tokens cannot be revoked before they expire")
		}
		return
	}
	a.states = st
	a.sessions = newSessionCache(a.cfg.SessionCacheTTL, DefaultTokenCacheSize)
	ctx, cancel := context.WithCancel(context.Background())
	a.stopWatch, a.watchDone = cancel, make(chan struct{})
	go a.watch(ctx)
}

// watch keeps a subscription open until Close, re-subscribing after failures with
// a back-off (50ms doubling to 1s). While it is down the cache TTL bounds staleness.
func (a *Authenticator[U]) watch(ctx context.Context) {
	defer close(a.watchDone)
	backoff := 50 * time.Millisecond
	for {
		started := time.Now()
		err := a.states.Subscribe(ctx, a.sessions.revoke)
		if ctx.Err() != nil {
			return
		}
		a.log.Warn("auth: session change channel down; revocations rely on the session cache lifetime until it is back", "err", err)
		if time.Since(started) > 5*time.Second {
			backoff = 50 * time.Millisecond // it had been up for a while
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

// checkSession refuses an access token whose session has ended. Cheap in the
// steady state: one read-locked map lookup.
func (a *Authenticator[U]) checkSession(ctx context.Context, sid string, now time.Time) *denial {
	if a.states == nil {
		return nil
	}
	if sid == "" {
		// Every token minted with a revocable store names its session; one that
		// does not cannot be revoked, so it is not accepted (fail closed).
		return unauthorized(ReasonBadClaims, errNoSessionID)
	}
	revoked, ok := a.sessions.get(sid, now)
	if !ok {
		v, err, _ := a.sessionLookups.Do(sid, func() (any, error) {
			return a.states.Revoked(context.WithoutCancel(ctx), sid)
		})
		if err != nil {
			return unavailable(ReasonStoreError, err)
		}
		revoked = v.(bool)
		a.sessions.put(sid, revoked, now)
	}
	if revoked {
		return unauthorized(ReasonSessionRevoked, nil)
	}
	return nil
}

var errNoSessionID = errors.New("auth: access token without a session id")

// sessionCache remembers session states by sid: live until a deadline, revoked for
// good. Bounded: when full, an arbitrary entry makes room (a miss costs one check).
type sessionCache struct {
	mu  sync.RWMutex
	m   map[string]sessionState
	ttl time.Duration
	max int
}

type sessionState struct {
	revoked bool
	until   time.Time // a live entry is trusted before this instant
}

func newSessionCache(ttl time.Duration, size int) *sessionCache {
	return &sessionCache{m: make(map[string]sessionState), ttl: ttl, max: max(size, 1)}
}

// get returns what is known about sid at now; ok is false when it must be checked.
func (c *sessionCache) get(sid string, now time.Time) (revoked, ok bool) {
	c.mu.RLock()
	s, found := c.m[sid]
	c.mu.RUnlock()
	switch {
	case !found:
		return false, false
	case s.revoked:
		return true, true
	default:
		return false, now.Before(s.until)
	}
}

func (c *sessionCache) put(sid string, revoked bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[sid]; ok && old.revoked {
		return // a revocation pushed meanwhile wins over an older answer
	}
	c.makeRoom(sid)
	c.m[sid] = sessionState{revoked: revoked, until: now.Add(c.ttl)}
}

// revoke marks sid revoked; the change channel calls it.
func (c *sessionCache) revoke(sid string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.makeRoom(sid)
	c.m[sid] = sessionState{revoked: true}
}

func (c *sessionCache) makeRoom(sid string) {
	if _, ok := c.m[sid]; ok || len(c.m) < c.max {
		return
	}
	for k := range c.m {
		delete(c.m, k)
		return
	}
}
