package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Revoked reports whether session sid (a family) has ended: revoked, or its family
// key gone (expired, or evicted: fail closed). One HMGET.
func (s *Store) Revoked(ctx context.Context, sid string) (bool, error) {
	v, err := bounded(ctx, s.timeout, func(ctx context.Context) ([]any, error) {
		return s.client.HMGet(ctx, s.familyKey+sid, "e", "v").Result()
	})
	if err != nil {
		return false, fmt.Errorf("redisstore: session state: %w", err)
	}
	return len(v) != 2 || v[0] == nil || v[1] != nil, nil
}

// RevokeSubject revokes every family of subject, in one script, and publishes each.
func (s *Store) RevokeSubject(ctx context.Context, subject string) error {
	_, err := bounded(ctx, s.timeout, func(ctx context.Context) (int64, error) {
		return revokeSubjectScript.Run(ctx, s.client, []string{s.userKey + subject}, s.familyKey, s.channel).Int64()
	})
	if err != nil {
		return fmt.Errorf("redisstore: revoke subject: %w", err)
	}
	return nil
}

// Subscribe listens on the store's revocation channel (Redis pub/sub; every
// revocation is PUBLISHed by the script that makes it) and calls revoked for each
// family id until ctx ends or the connection fails; then it returns the error and
// the guard subscribes again. Messages published while no connection was
// subscribed are lost: that is why the guard's session cache also expires (see
// auth.SessionStates).
func (s *Store) Subscribe(ctx context.Context, revoked func(sid string)) error {
	ps := s.client.Subscribe(ctx, s.channel)
	defer ps.Close()
	// The first reply confirms the subscription; only then is nothing missed.
	if _, err := ps.Receive(ctx); err != nil {
		return fmt.Errorf("redisstore: subscribe: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { ps.Close() }) // unblocks Receive
	defer stop()
	for {
		msg, err := ps.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("redisstore: revocation channel: %w", err)
		}
		switch m := msg.(type) {
		case *redis.Message:
			revoked(m.Payload)
		case *redis.Subscription:
			if m.Kind == "unsubscribe" {
				return errors.New("redisstore: revocation channel: unsubscribed")
			}
		}
	}
}
