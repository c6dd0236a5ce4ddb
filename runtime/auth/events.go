package auth

import (
	"context"
	"log/slog"
	"time"
)

// EventKind says what happened to a session.
type EventKind string

// Event kinds, stable for metrics labels.
const (
	EventLogin         EventKind = "login"
	EventRefresh       EventKind = "refresh"        // a new access token was minted from a refresh token
	EventReuseDetected EventKind = "reuse-detected" // a rotated refresh token came back; its family is revoked
	EventRejected      EventKind = "rejected"       // 401
	EventForbidden     EventKind = "forbidden"      // 403, roles
	EventCSRF          EventKind = "csrf"           // 403 cross-origin, or 405 a session helper called by a safe method
	EventUnavailable   EventKind = "unavailable"    // 503
	EventInternal      EventKind = "internal"       // 500, a panicking lookup
	EventLogout        EventKind = "logout"
)

// Reason says why, in a word a dashboard can group by. It goes to slog and OnEvent,
// never to the client.
type Reason string

// Reasons, stable for metrics labels.
const (
	ReasonNone             Reason = ""
	ReasonMissing          Reason = "missing"
	ReasonOversize         Reason = "oversize"
	ReasonDuplicateCookie  Reason = "duplicate-cookie"
	ReasonMalformed        Reason = "malformed"
	ReasonUnknownKey       Reason = "unknown-key" // header is not one of our keys' fixed headers
	ReasonBadSignature     Reason = "bad-signature"
	ReasonBadClaims        Reason = "bad-claims"
	ReasonExpired          Reason = "expired"
	ReasonNotYetValid      Reason = "not-yet-valid"
	ReasonIssuedInFuture   Reason = "issued-in-future"
	ReasonLifetime         Reason = "lifetime-too-long" // exp - iat beyond the configured TTL + leeway
	ReasonWrongIssuer      Reason = "wrong-issuer"
	ReasonWrongAudience    Reason = "wrong-audience"
	ReasonRefreshUnknown   Reason = "refresh-unknown"
	ReasonRefreshReused    Reason = "refresh-reused"
	ReasonSessionRevoked   Reason = "session-revoked" // the access token's session (sid) has ended
	ReasonSessionCap       Reason = "session-cap"     // EventLogout: a login beyond Config.MaxSessionsPerUser ended this older session
	ReasonUserNotFound     Reason = "user-not-found"
	ReasonUserDisabled     Reason = "user-disabled"
	ReasonMixedCredentials Reason = "mixed-credentials" // cookie and Authorization together
	ReasonRoles            Reason = "roles"
	ReasonCrossOrigin      Reason = "cross-origin"
	ReasonSafeMethod       Reason = "safe-method" // Login, Refresh or Logout by GET, HEAD or OPTIONS
	ReasonLookupError      Reason = "lookup-error"
	ReasonLookupPanic      Reason = "lookup-panic"
	ReasonStoreError       Reason = "store-error"
	ReasonRotated          Reason = "rotated"   // EventRefresh with a store
	ReasonStateless        Reason = "stateless" // EventRefresh without a store
)

// Event is one observable outcome, for metrics and audit through Config.OnEvent.
type Event struct {
	Kind        EventKind
	Reason      Reason
	OperationID string // the route's, empty for session helpers
	Subject     string // empty when unknown
	Scheme      string // security routes: the scheme Reason is about
	Time        time.Time
}

// emit sends e to the hook and to slog. Rejections log at debug (they are routine:
// every expired tab does it), reuse and backend failures at warn/error.
func (a *Authenticator[U]) emit(ctx context.Context, e Event) {
	e.Time = a.now()
	if a.cfg.OnEvent != nil {
		a.cfg.OnEvent(e)
	}
	level := slog.LevelDebug
	switch e.Kind {
	case EventLogin, EventLogout, EventRefresh:
		level = slog.LevelInfo
	case EventReuseDetected, EventCSRF:
		level = slog.LevelWarn
	case EventUnavailable, EventInternal:
		level = slog.LevelError
	}
	if !a.log.Enabled(ctx, level) {
		return
	}
	// The record is built here rather than by Logger.LogAttrs, which would spend
	// about 200 ns per refresh (issue 16) in runtime.Callers finding a source
	// line that is always this one; it carries no source (pc 0) and the event's
	// own time.
	r := slog.NewRecord(e.Time, level, e.Kind.message(), 0)
	r.AddAttrs(
		slog.String("reason", string(e.Reason)),
		slog.String("operation", e.OperationID),
		slog.String("subject", e.Subject),
		slog.String("scheme", e.Scheme))
	_ = a.log.Handler().Handle(ctx, r) // as Logger.LogAttrs does: a handler's error has nowhere to go
}

// message is the slog message of an event of kind k, "auth " and the kind: a
// constant for the known kinds, so logging a refresh builds no string.
func (k EventKind) message() string {
	switch k {
	case EventLogin:
		return "auth login"
	case EventRefresh:
		return "auth refresh"
	case EventReuseDetected:
		return "auth reuse-detected"
	case EventRejected:
		return "auth rejected"
	case EventForbidden:
		return "auth forbidden"
	case EventCSRF:
		return "auth csrf"
	case EventUnavailable:
		return "auth unavailable"
	case EventInternal:
		return "auth internal"
	case EventLogout:
		return "auth logout"
	}
	return "auth " + string(k)
}
