// Package redisstore is an auth.RefreshStore on Redis, for running several instances
// of a service behind one load balancer: rotation, reuse detection and logout hold
// across all of them.
//
// Each operation is one Lua script (sent with EVALSHA, falling back to EVAL after a
// Redis restart empties its script cache), so rotation is atomic however many
// instances race. Only SHA-256 hashes of tokens are stored, as hex, and every key
// expires with its token.
//
// Expiry instants come from the guard's clock and become PEXPIREAT deadlines, which
// Redis enforces by its own clock: keep the two in step (NTP in production, a test
// clock that starts at time.Now() in tests). Without persistence a Redis restart
// forgets every refresh token, so users sign in again; enable AOF or RDB if that
// matters. Under a maxmemory policy that evicts, an evicted family marker makes its
// tokens unusable (fail closed), never revives a revoked family.
//
// The Store also implements auth.SessionStates: every revocation (logout, reuse,
// RevokeSubject) is PUBLISHed on the channel "<KeyPrefix>revoked" by the script that
// makes it, and every Authenticator on the store subscribes to it, so a logout on
// one instance is refused on the others within milliseconds; with the channel down,
// within the guard's session cache lifetime (1s by default). IssueCapped, which
// auth.Config.MaxSessionsPerUser uses, counts a user's live sessions and revokes the
// oldest beyond the cap in the same script as the login, and publishes them alike.
//
// On Redis Cluster (a redis.ClusterClient), use a KeyPrefix with a hash tag, such
// as "{specgate}:": the scripts derive family, chain and subject keys from what they
// read, so every key of one prefix must share a slot. One prefix therefore lives on
// one master (its replicas). Tested on 3 masters (TestStoreCluster*). What a master
// loss costs: sessions under its prefix fail closed (503, never a pass) until it or
// a promoted replica answers; without persistence or replicas they are gone and
// their users sign in again; prefixes on other masters carry on, provided the
// cluster runs with cluster-require-full-coverage no (else Redis refuses every
// write while any slot is uncovered). With replicas, replication is asynchronous:
// a rotation acknowledged just before a failover can be lost (the client's next
// refresh is unknown: sign in again), and so can a revocation (the guard's cache
// and the pub/sub message still end the session on every instance that heard it).
// Pub/sub messages reach every node of the cluster.
package redisstore

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specgate/specgate/runtime/auth"
)

// Defaults for Options.
const (
	DefaultKeyPrefix = "specgate:"
	DefaultTimeout   = 500 * time.Millisecond
)

// ErrDuplicate reports an Issue of a token hash that is already stored. With 256-bit
// random tokens it does not happen by chance.
var ErrDuplicate = errors.New("redisstore: refresh token already issued")

// Options configure a Store. The zero value is usable.
type Options struct {
	// KeyPrefix starts every key the store writes. Default DefaultKeyPrefix.
	KeyPrefix string

	// Timeout bounds each operation, whatever the client's own timeouts: when Redis
	// is unreachable or slow, the store returns an error after at most this long,
	// and the guard answers 503. Default DefaultTimeout.
	//
	// Set ContextTimeoutEnabled on the go-redis client too, so that a call given up
	// on also frees its connection at this deadline rather than at ReadTimeout.
	Timeout time.Duration
}

// Store is an auth.RefreshStore on Redis. It is safe for concurrent use.
type Store struct {
	client    redis.UniversalClient
	tokenKey  string // prefix of token keys
	familyKey string // prefix of family keys
	userKey   string // prefix of subject keys
	chainKey  string // prefix of a family's list of token hashes
	channel   string // pub/sub channel of revoked families
	timeout   time.Duration
}

var (
	_ auth.RefreshStore  = (*Store)(nil)
	_ auth.SessionStates = (*Store)(nil)
	_ auth.SessionCapper = (*Store)(nil)
)

// New returns a Store that keeps its keys in client. The client is the caller's:
// the Store never closes it, and go-redis reconnects on its own after an outage.
func New(client redis.UniversalClient, opts Options) *Store {
	if opts.KeyPrefix == "" {
		opts.KeyPrefix = DefaultKeyPrefix
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	return &Store{
		client:    client,
		tokenKey:  opts.KeyPrefix + "rt:",
		familyKey: opts.KeyPrefix + "rf:",
		userKey:   opts.KeyPrefix + "us:",
		chainKey:  opts.KeyPrefix + "rc:",
		channel:   opts.KeyPrefix + "revoked",
		timeout:   opts.Timeout,
	}
}

// key returns the Redis key of a token hash.
func (s *Store) key(h auth.TokenHash) string { return s.tokenKey + hex.EncodeToString(h[:]) }

// Issue records the first token of a new family.
func (s *Store) Issue(ctx context.Context, token auth.TokenHash, sess auth.RefreshSession) error {
	_, err := s.issue(ctx, token, sess, 0, 0)
	return err
}

// IssueCapped is Issue that leaves at most limit live sessions of sess.Subject, the
// new one included, revoking the oldest in the same script and PUBLISHing each on
// the revocation channel; see auth.SessionCapper. A login costs one HMGET per
// session the subject has in Redis.
func (s *Store) IssueCapped(ctx context.Context, token auth.TokenHash, sess auth.RefreshSession, now time.Time, limit int) ([]string, error) {
	return s.issue(ctx, token, sess, now.UnixMilli(), limit)
}

func (s *Store) issue(ctx context.Context, token auth.TokenHash, sess auth.RefreshSession, nowMs int64, limit int) ([]string, error) {
	exp := strconv.FormatInt(sess.ExpiresAt.UnixMilli(), 10)
	reply, err := bounded(ctx, s.timeout, func(ctx context.Context) ([]any, error) {
		return issueScript.Run(ctx, s.client,
			[]string{s.key(token), s.familyKey + sess.Family, s.userKey + sess.Subject, s.chainKey + sess.Family},
			sess.Family, sess.Subject, exp, hex.EncodeToString(token[:]),
			nowMs, max(limit, 0), s.familyKey, s.channel).Slice()
	})
	if err != nil {
		return nil, fmt.Errorf("redisstore: issue: %w", err)
	}
	if len(reply) == 0 {
		return nil, errors.New("redisstore: issue: empty reply")
	}
	if code, _ := reply[0].(int64); code == 0 {
		return nil, ErrDuplicate
	}
	var ended []string
	for _, v := range reply[1:] {
		sid, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("redisstore: issue: unexpected reply %v", reply)
		}
		ended = append(ended, sid)
	}
	return ended, nil
}

// Rotate consumes old and records next as its successor, atomically across every
// client of the Redis server; see auth.RefreshStore. A different successor for a
// token rotated inside the grace window counts as reuse (successors are derived
// deterministically, so a mismatch is not one of our guards). With ErrRefreshReused
// it also returns the old token's session, so the reuse event can name the user.
// Times are kept at millisecond precision.
func (s *Store) Rotate(ctx context.Context, old, next auth.TokenHash, now time.Time, grace time.Duration, nextExpiresAt time.Time) (auth.RefreshSession, error) {
	reply, err := bounded(ctx, s.timeout, func(ctx context.Context) ([]any, error) {
		return rotateScript.Run(ctx, s.client,
			[]string{s.key(old), s.key(next)},
			s.familyKey, hex.EncodeToString(next[:]),
			now.UnixMilli(), grace.Milliseconds(), nextExpiresAt.UnixMilli(), s.channel,
			s.chainKey, s.tokenKey, auth.KeptAncestors+1, s.userKey).Slice()
	})
	if err != nil {
		return auth.RefreshSession{}, fmt.Errorf("redisstore: rotate: %w", err)
	}
	if len(reply) == 0 {
		return auth.RefreshSession{}, errors.New("redisstore: rotate: empty reply")
	}
	return parseRotate(reply)
}

// parseRotate turns rotateScript's reply into a session and a sentinel error.
func parseRotate(reply []any) (auth.RefreshSession, error) {
	code, _ := reply[0].(int64)
	if code == rotUnknown && len(reply) == 1 {
		return auth.RefreshSession{}, auth.ErrRefreshUnknown
	}
	if (code != rotOK && code != rotReused) || len(reply) != 4 {
		return auth.RefreshSession{}, fmt.Errorf("redisstore: rotate: unexpected reply %v", reply)
	}
	family, _ := reply[1].(string)
	subject, _ := reply[2].(string)
	exp, _ := reply[3].(string)
	ms, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return auth.RefreshSession{}, fmt.Errorf("redisstore: rotate: bad stored expiry: %w", err)
	}
	sess := auth.RefreshSession{Family: family, Subject: subject, ExpiresAt: time.UnixMilli(ms)}
	if code == rotReused {
		return sess, auth.ErrRefreshReused
	}
	return sess, nil
}

// RevokeFamily revokes the family token belongs to. Its tokens stay until they
// expire, refused; revoking an unknown token is not an error.
func (s *Store) RevokeFamily(ctx context.Context, token auth.TokenHash) error {
	_, err := bounded(ctx, s.timeout, func(ctx context.Context) (int64, error) {
		return revokeScript.Run(ctx, s.client, []string{s.key(token)}, s.familyKey, s.channel).Int64()
	})
	if err != nil {
		return fmt.Errorf("redisstore: revoke family: %w", err)
	}
	return nil
}

// bounded runs fn with a deadline of timeout and returns when fn does or the
// deadline passes, whichever is first. go-redis only honours a context deadline on
// socket reads when the client has ContextTimeoutEnabled; bounded keeps the promise
// for any client. A call given up on finishes in the background; if it did rotate,
// the client's retry inside the grace window gets the same successor.
func bounded[T any](ctx context.Context, timeout time.Duration, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err // never start a script for a caller that has gone
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // buffered: a late fn never blocks
	go func() {
		v, err := fn(ctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		select {
		case r := <-done: // finished right at the deadline: keep its answer
			return r.v, r.err
		default:
			return zero, ctx.Err()
		}
	}
}
