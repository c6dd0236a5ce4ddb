package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specgate/specgate/runtime/auth"
)

// Throttle is an auth.ThrottleStore on Redis, so every instance counts the same
// failed logins. A window is a counter key with a PEXPIRE set by its first
// failure: Redis' clock ends the window, and the reply's remaining TTL gives
// Retry-After.
type Throttle struct {
	client  redis.UniversalClient
	prefix  string
	timeout time.Duration
}

var _ auth.ThrottleStore = (*Throttle)(nil)

// NewThrottle returns a Throttle keeping its counters under opts.KeyPrefix + "th:".
func NewThrottle(client redis.UniversalClient, opts Options) *Throttle {
	if opts.KeyPrefix == "" {
		opts.KeyPrefix = DefaultKeyPrefix
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	return &Throttle{client: client, prefix: opts.KeyPrefix + "th:", timeout: opts.Timeout}
}

// failScript counts a failure. KEYS[1] counter; ARGV window ms. Returns {n, pttl}.
var failScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
`)

// countScript reads a counter. KEYS[1] counter. Returns {n, pttl}.
var countScript = redis.NewScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
return {n, redis.call('PTTL', KEYS[1])}
`)

func (t *Throttle) run(ctx context.Context, s *redis.Script, key string, now time.Time, args ...any) (int, time.Time, error) {
	v, err := bounded(ctx, t.timeout, func(ctx context.Context) ([]int64, error) {
		return s.Run(ctx, t.client, []string{t.prefix + key}, args...).Int64Slice()
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("redisstore: throttle: %w", err)
	}
	if len(v) != 2 {
		return 0, time.Time{}, fmt.Errorf("redisstore: throttle: unexpected reply %v", v)
	}
	if v[0] == 0 || v[1] < 0 {
		return int(v[0]), time.Time{}, nil
	}
	return int(v[0]), now.Add(time.Duration(v[1]) * time.Millisecond), nil
}

// Failures returns key's count in its open window and when it ends.
func (t *Throttle) Failures(ctx context.Context, key string, now time.Time) (int, time.Time, error) {
	return t.run(ctx, countScript, key, now)
}

// Fail counts one failure for key.
func (t *Throttle) Fail(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	return t.run(ctx, failScript, key, now, window.Milliseconds())
}

// Reset forgets key.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	_, err := bounded(ctx, t.timeout, func(ctx context.Context) (int64, error) {
		return t.client.Del(ctx, t.prefix+key).Result()
	})
	if err != nil {
		return fmt.Errorf("redisstore: throttle reset: %w", err)
	}
	return nil
}
