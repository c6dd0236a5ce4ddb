package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Defaults of ThrottleConfig.
const (
	DefaultAccountFailures = 10               // failed logins per account per window
	DefaultClientFailures  = 50               // failed logins per client address per window
	DefaultThrottleWindow  = 15 * time.Minute // fixed window of the counters
)

// ProblemTooManyRequests answers a throttled login; WriteThrottled adds Retry-After.
var ProblemTooManyRequests = Problem{http.StatusTooManyRequests, "too-many-requests", "Too Many Requests"}

// ThrottleStore keeps failure counters by key, in fixed windows. MemoryThrottle is
// the embedded one; runtime/redisstore is meant to offer one for several instances.
type ThrottleStore interface {
	// Failures returns the failures counted for key in its current window and when
	// that window ends (zero when nothing is counted).
	Failures(ctx context.Context, key string, now time.Time) (int, time.Time, error)
	// Fail counts one failure for key, starting a window of length window if none is
	// open, and returns the new count and the window's end.
	Fail(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error)
	// Reset forgets key's failures.
	Reset(ctx context.Context, key string) error
}

// ThrottleConfig configures a Throttle. Zero values take the defaults above.
type ThrottleConfig struct {
	AccountFailures int           // failures of one account before it is throttled
	ClientFailures  int           // failures from one client address before it is throttled
	Window          time.Duration // how long failures count
	// TrustedProxies are the addresses of reverse proxies whose X-Forwarded-For is
	// believed. A request from anywhere else is counted by its own address, so a
	// client cannot pick its bucket by sending the header itself.
	TrustedProxies []netip.Prefix
	Store          ThrottleStore    // default a new MemoryThrottle
	Now            func() time.Time // default time.Now
}

// Throttle limits password guessing per account and per client address. Call
// Check before verifying a password and Failed or Succeeded after. The account is
// the name as submitted (normalised by the app), known or not: unknown accounts are
// throttled exactly like known ones, so the answer never says which exist.
type Throttle struct {
	cfg ThrottleConfig
}

// ErrThrottled is what Check returns (as *ThrottledError) when a limit is reached.
var ErrThrottled = errors.New("auth: too many failed logins")

// ThrottledError says how long to wait.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v; retry after %v", ErrThrottled, e.RetryAfter)
}

// Unwrap makes errors.Is(err, ErrThrottled) work.
func (e *ThrottledError) Unwrap() error { return ErrThrottled }

// NewThrottle validates cfg and returns a Throttle.
func NewThrottle(cfg ThrottleConfig) (*Throttle, error) {
	if cfg.AccountFailures == 0 {
		cfg.AccountFailures = DefaultAccountFailures
	}
	if cfg.ClientFailures == 0 {
		cfg.ClientFailures = DefaultClientFailures
	}
	if cfg.Window == 0 {
		cfg.Window = DefaultThrottleWindow
	}
	if cfg.AccountFailures < 0 || cfg.ClientFailures < 0 || cfg.Window < time.Second {
		return nil, fmt.Errorf("%w: throttle limits must be positive and Window at least 1s", ErrConfig)
	}
	if cfg.Store == nil {
		cfg.Store = NewMemoryThrottle()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Throttle{cfg: cfg}, nil
}

func accountKey(account string) string { return "a:" + account }
func clientKey(ip netip.Addr) string   { return "c:" + ip.String() }

// Check returns a *ThrottledError when account or r's client has failed too often
// in the current window, an error wrapping ErrUnavailable when the store cannot
// answer (fail closed), else nil.
func (t *Throttle) Check(r *http.Request, account string) error {
	ctx, now := r.Context(), t.cfg.Now()
	var wait time.Duration
	for _, k := range []struct {
		key   string
		limit int
	}{{accountKey(account), t.cfg.AccountFailures}, {clientKey(t.ClientAddr(r)), t.cfg.ClientFailures}} {
		n, reset, err := t.cfg.Store.Failures(ctx, k.key, now)
		if err != nil {
			return unavailable(ReasonStoreError, err)
		}
		if n >= k.limit {
			wait = max(wait, reset.Sub(now))
		}
	}
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	return nil
}

// Failed counts a failed login for account and r's client.
func (t *Throttle) Failed(r *http.Request, account string) error {
	ctx, now := r.Context(), t.cfg.Now()
	for _, key := range []string{accountKey(account), clientKey(t.ClientAddr(r))} {
		if _, _, err := t.cfg.Store.Fail(ctx, key, now, t.cfg.Window); err != nil {
			return unavailable(ReasonStoreError, err)
		}
	}
	return nil
}

// Succeeded resets account's count (not the client's: one good password must not
// wash a stuffing client's record clean).
func (t *Throttle) Succeeded(r *http.Request, account string) error {
	if err := t.cfg.Store.Reset(r.Context(), accountKey(account)); err != nil {
		return unavailable(ReasonStoreError, err)
	}
	return nil
}

// ClientAddr is the address r is counted by: the peer, or, when the peer is a
// trusted proxy, the right-most X-Forwarded-For entry that is not one.
func (t *Throttle) ClientAddr(r *http.Request) netip.Addr {
	peer := addrOf(r.RemoteAddr)
	if !t.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a garbled header: count the proxy, never guess
		}
		a = a.Unmap()
		if !t.trusted(a) {
			return a
		}
	}
	return peer
}

func (t *Throttle) trusted(a netip.Addr) bool {
	for _, p := range t.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// addrOf parses a RemoteAddr ("ip:port"); anything odd becomes the zero Addr, one
// shared bucket, rather than a bypass.
func addrOf(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// WriteThrottled answers 429 application/problem+json with Retry-After in whole
// seconds, rounded up.
func WriteThrottled(w http.ResponseWriter, r *http.Request, err *ThrottledError) {
	secs := int64(math.Ceil(err.RetryAfter.Seconds()))
	w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	WriteProblem(w, r, ProblemTooManyRequests)
}
