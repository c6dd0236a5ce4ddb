package redisstore_test

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/redisstore"
)

// Every instance of a service points its guard at the same Redis and signs with the
// same key; refresh rotation, reuse detection and logout then hold across them.
func Example() {
	rdb := redis.NewClient(&redis.Options{
		Addr:                  os.Getenv("REDIS_ADDR"),
		ContextTimeoutEnabled: true, // a call given up on frees its connection at once
	})
	key, err := auth.HMACKeyFromEnv("k1", "HS256", "SESSION_KEY")
	if err != nil {
		log.Fatal(err)
	}
	guard, err := auth.New(auth.Config[string]{
		Issuer:     "https://api.example.com",
		Audience:   "api",
		SigningKey: key,
		Store:      redisstore.New(rdb, redisstore.Options{KeyPrefix: "myapp:", Timeout: 300 * time.Millisecond}),
		Lookup: func(_ context.Context, sub string) (string, error) {
			if sub == "" {
				return "", auth.ErrUserNotFound
			}
			return sub, nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = guard // RegisterRoutes(mux, server, guard) in generated code
}
