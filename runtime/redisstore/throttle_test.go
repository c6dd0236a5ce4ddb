package redisstore_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/redisstore"
)

// TestThrottleTwoInstancesCase45 counts failed logins of one account through two
// Throttles (two instances) on one Redis: the limit is shared, Retry-After comes
// from Redis' window, and a success resets the account on both.
func TestThrottleTwoInstancesCase45(t *testing.T) {
	srv := startRedis(t)
	prefix := uniquePrefix()
	var ths []*auth.Throttle
	for range 2 {
		th, err := auth.NewThrottle(auth.ThrottleConfig{AccountFailures: 5, Window: time.Minute,
			Store: redisstore.NewThrottle(srv.Client(t), redisstore.Options{KeyPrefix: prefix, Timeout: behaviourTimeout})})
		if err != nil {
			t.Fatal(err)
		}
		ths = append(ths, th)
	}
	req := func(i int) *http.Request {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = "192.0.2." + strconv.Itoa(i%250+1) + ":1"
		return r
	}
	for i := range 5 {
		th := ths[i%2]
		if err := th.Check(req(i), "mallory@example.com"); err != nil {
			t.Fatalf("failure %d: throttled early: %v", i, err)
		}
		if err := th.Failed(req(i), "mallory@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	for i, th := range ths {
		err := th.Check(req(99), "mallory@example.com")
		te, ok := err.(*auth.ThrottledError)
		if !ok || te.RetryAfter <= 0 || te.RetryAfter > time.Minute {
			t.Fatalf("instance %d after 5 failures: %v, want a ThrottledError within the 1m window", i, err)
		}
	}
	if err := ths[0].Check(req(1), "someone-else@example.com"); err != nil {
		t.Fatalf("another account: %v", err)
	}
	if err := ths[1].Succeeded(req(1), "mallory@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := ths[0].Check(req(1), "mallory@example.com"); err != nil {
		t.Fatalf("after a success: %v, want reset", err)
	}
}
