package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

// throttledLogin is how an app's login handler uses a Throttle: Check first, then
// the password, then Failed or Succeeded. Every account's password is "right".
func throttledLogin(a *Authenticator[*testUser], th *Throttle) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user := r.FormValue("user")
		if err := th.Check(r, user); err != nil {
			var te *ThrottledError
			if errors.As(err, &te) {
				WriteThrottled(w, r, te)
				return
			}
			p, _ := ProblemFor(err)
			WriteProblem(w, r, p)
			return
		}
		if r.FormValue("pw") != "right" {
			_ = th.Failed(r, user)
			WriteProblem(w, r, ProblemUnauthorized)
			return
		}
		_ = th.Succeeded(r, user)
		if err := a.Login(w, r, user); err != nil {
			p, _ := ProblemFor(err)
			WriteProblem(w, r, p)
		}
	})
}

// post sends a login form to h from remote, with optional X-Forwarded-For.
func post(h http.Handler, remote, xff, user, pw string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/login", strings.NewReader("user="+user+"&pw="+pw))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = remote
	if xff != "" {
		r.Header.Set("X-Forwarded-For", xff)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestThrottleCase45(t *testing.T) {
	e := newEnv(t)
	th, err := NewThrottle(ThrottleConfig{Now: e.clock.Now}) // defaults: 10 per account, 50 per client, 15m
	if err != nil {
		t.Fatal(err)
	}
	h := throttledLogin(e.a, th)
	for _, account := range []string{"alice", "nobody-such"} { // known and unknown alike
		statuses := map[int]int{}
		for i := range 30 {
			// Each guess from its own address: the account limit is what bites.
			w := post(h, "192.0.2."+strconv.Itoa(i+1)+":1234", "", account, "wrong")
			statuses[w.Code]++
			if w.Code == http.StatusTooManyRequests {
				ra, err := strconv.Atoi(w.Header().Get("Retry-After"))
				if err != nil || ra < 1 || ra > int(DefaultThrottleWindow/time.Second) {
					t.Fatalf("%s: Retry-After %q", account, w.Header().Get("Retry-After"))
				}
				if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Fatalf("429 content type %q", ct)
				}
			}
		}
		if statuses[401] != DefaultAccountFailures || statuses[429] != 30-DefaultAccountFailures {
			t.Fatalf("%s: statuses %v, want %d×401 then 429", account, statuses, DefaultAccountFailures)
		}
		// Even the right password waits now (a guesser must not learn it was right).
		if w := post(h, "198.51.100.1:1", "", account, "right"); w.Code != http.StatusTooManyRequests {
			t.Fatalf("%s: right password while throttled: %d", account, w.Code)
		}
	}
	// Other accounts are unaffected.
	if w := post(h, "198.51.100.2:1", "", "bob", "right"); w.Code != 200 {
		t.Fatalf("bob: %d", w.Code)
	}
	// The window ends; a success then resets the account's count.
	e.clock.Advance(DefaultThrottleWindow)
	for range DefaultAccountFailures - 1 {
		post(h, "198.51.100.3:1", "", "alice", "wrong")
	}
	if w := post(h, "198.51.100.3:1", "", "alice", "right"); w.Code != 200 {
		t.Fatalf("alice after the window: %d", w.Code)
	}
	for i := range DefaultAccountFailures {
		if w := post(h, "198.51.100.4:1", "", "alice", "wrong"); w.Code != 401 {
			t.Fatalf("failure %d after a success: %d, want 401 (count reset)", i+1, w.Code)
		}
	}
}

func TestThrottleCase46(t *testing.T) {
	e := newEnv(t)
	proxy := netip.MustParsePrefix("10.0.0.0/8")
	th, err := NewThrottle(ThrottleConfig{ClientFailures: 20, TrustedProxies: []netip.Prefix{proxy}, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h := throttledLogin(e.a, th)
	// Credential stuffing: one client, many accounts, one guess each.
	stuff := func(remote, xff string) (n401, n429 int) {
		for i := range 40 {
			switch post(h, remote, xff, "user"+strconv.Itoa(i)+remote+xff, "wrong").Code {
			case 401:
				n401++
			case 429:
				n429++
			}
		}
		return
	}
	if a, b := stuff("203.0.113.9:5000", ""); a != 20 || b != 20 {
		t.Fatalf("direct client: %d×401 %d×429, want 20 and 20", a, b)
	}
	// Behind the trusted proxy, clients are told apart by X-Forwarded-For.
	if a, b := stuff("10.1.1.1:80", "203.0.113.50"); a != 20 || b != 20 {
		t.Fatalf("client behind the proxy: %d×401 %d×429", a, b)
	}
	if w := post(h, "10.1.1.1:80", "203.0.113.51", "alice", "right"); w.Code != 200 {
		t.Fatalf("another client behind the same proxy: %d, want 200", w.Code)
	}
	// From an untrusted peer the header is ignored: rotating it does not help.
	n429 := 0
	for i := range 40 {
		if post(h, "198.51.100.77:1", "203.0.113."+strconv.Itoa(100+i), "acct"+strconv.Itoa(i), "wrong").Code == 429 {
			n429++
		}
	}
	if n429 != 20 {
		t.Fatalf("spoofed X-Forwarded-For from an untrusted peer: %d×429, want 20", n429)
	}
}

func TestThrottleStoreDownFailsClosed(t *testing.T) {
	th, err := NewThrottle(ThrottleConfig{Store: downThrottle{}})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/login", nil)
	if err := th.Check(r, "alice"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Check with the store down: %v, want ErrUnavailable", err)
	}
}

type downThrottle struct{}

func (downThrottle) Failures(context.Context, string, time.Time) (int, time.Time, error) {
	return 0, time.Time{}, errStoreDown
}
func (downThrottle) Fail(context.Context, string, time.Time, time.Duration) (int, time.Time, error) {
	return 0, time.Time{}, errStoreDown
}
func (downThrottle) Reset(context.Context, string) error { return errStoreDown }
