package auth_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/specgate/specgate/runtime/auth"
)

// A login handler checks the throttle before the password and reports the outcome
// after it; a throttled request gets 429 with Retry-After.
func ExampleThrottle() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	th, err := auth.NewThrottle(auth.ThrottleConfig{AccountFailures: 2, Window: time.Minute, Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("POST", "/login", nil)
	for range 2 {
		_ = th.Failed(r, "alice@example.com") // a wrong password
	}
	w := httptest.NewRecorder()
	var te *auth.ThrottledError
	if err := th.Check(r, "alice@example.com"); errors.As(err, &te) {
		auth.WriteThrottled(w, r, te)
	}
	fmt.Println(w.Code, w.Header().Get("Retry-After"), w.Header().Get("Content-Type"))
	// Output: 429 60 application/problem+json
}
