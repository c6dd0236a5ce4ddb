package auth

import (
	"context"
	"errors"
	"time"
)

// TokenHash is the SHA-256 of an opaque refresh token. Stores keep only hashes, so a
// leaked store does not leak usable tokens.
type TokenHash [32]byte

// RefreshSession is what a RefreshStore remembers about one refresh token.
type RefreshSession struct {
	Family    string    // all tokens rotated from one login share a family
	Subject   string    // the user the session belongs to
	ExpiresAt time.Time // the token is unusable after this instant
}

// Errors a RefreshStore returns. Any other error means the store could not answer,
// and the guard fails closed with 503.
var (
	// ErrRefreshUnknown: the token was never issued, has expired, or its family was revoked.
	ErrRefreshUnknown = errors.New("auth: refresh token unknown, expired or revoked")
	// ErrRefreshReused: an already rotated token came back after the grace window; the
	// store has revoked its whole family.
	ErrRefreshReused = errors.New("auth: rotated refresh token reused; family revoked")
)

// RefreshStore keeps opaque refresh tokens (by hash) grouped in families, rotates them
// atomically and detects reuse. Successor tokens are derived deterministically from
// the token they replace (see the guard), so a store never needs a token's plain value:
// every instance that sees the same old token computes the same successor.
//
// Implementations must be safe for concurrent use, and Rotate must be atomic across
// every process that shares the store.
type RefreshStore interface {
	// Issue records the first token of a new family (a login).
	Issue(ctx context.Context, token TokenHash, s RefreshSession) error

	// Rotate consumes old and records next as its successor in the same family,
	// expiring at nextExpiresAt. It returns the old token's session.
	//   - old active: it is marked rotated at now, next becomes active.
	//   - old rotated less than grace ago, to this same next: nothing changes and the
	//     session is returned without error (a parallel request won the race).
	//   - old rotated longer ago: the family is revoked; ErrRefreshReused.
	//   - old unknown, expired, or its family revoked: ErrRefreshUnknown.
	Rotate(ctx context.Context, old, next TokenHash, now time.Time, grace time.Duration, nextExpiresAt time.Time) (RefreshSession, error)

	// RevokeFamily revokes the family that token belongs to (logout). Revoking an
	// unknown token is not an error.
	RevokeFamily(ctx context.Context, token TokenHash) error
}

// SessionCapper is implemented by a store that can cap how many live sessions one
// subject has (Config.MaxSessionsPerUser). MemoryStore and redisstore.Store do.
type SessionCapper interface {
	// IssueCapped is Issue for a login after which at most max sessions of
	// s.Subject may be live, the new one included: when the subject already has max
	// or more, the oldest (first issued) are revoked, atomically with recording the
	// new one, exactly as RevokeFamily revokes (announced on the SessionStates
	// channel). A session is live while its family is neither revoked nor expired at
	// now. It returns the ids (families) of the sessions it ended, oldest first.
	// max < 1 means no cap: it is then Issue.
	IssueCapped(ctx context.Context, token TokenHash, s RefreshSession, now time.Time, max int) (ended []string, err error)
}
