package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults for zero Config durations.
const (
	DefaultAccessTTL      = 15 * time.Minute
	DefaultRefreshTTL     = 7 * 24 * time.Hour
	DefaultLeeway         = 10 * time.Second
	DefaultGraceWindow    = 30 * time.Second
	DefaultTokenCacheSize = 10000
)

// ErrConfig marks every error New returns for a bad Config.
var ErrConfig = errors.New("auth: invalid config")

// Config configures an Authenticator for the application's user type U. Zero
// durations take the defaults above.
type Config[U any] struct {
	Issuer   string // iss of every token; required
	Audience string // aud of every token; required

	// AccessTTL is the access-token lifetime (default 15m). It also caps what a token
	// may claim: exp - iat beyond AccessTTL + Leeway is refused, however well signed.
	AccessTTL time.Duration
	// RefreshTTL is the refresh-token lifetime, > AccessTTL (default 7 days); it caps
	// stateless refresh JWTs the same way.
	RefreshTTL time.Duration
	Leeway     time.Duration // clock skew allowed on exp, nbf, iat; < AccessTTL (default 10s)
	// GraceWindow is how long a rotated refresh token still yields its successor
	// (parallel tabs, several instances). It must be shorter than AccessTTL: a
	// legitimate client rotates at most once per access token, so a hand-back later
	// than that overlaps the next real rotation and reuse detection can no longer
	// tell a race from a replay. Default 30s, or AccessTTL/2 when that is shorter.
	GraceWindow time.Duration

	SigningKey Key   // signs access tokens; required, must hold secret material
	VerifyKeys []Key // extra keys accepted by kid, e.g. the previous signing key during rotation

	// Lookup re-checks the user on every request. Return ErrUserNotFound or
	// ErrUserDisabled (wrapped is fine) for 401; any other error answers 503.
	Lookup func(ctx context.Context, subject string) (U, error)
	// Roles returns a user's roles for routes with Roles; nil means users have none.
	Roles func(U) []string
	// UserCacheTTL caches successful lookups by subject for this long; 0 disables.
	// It must be shorter than AccessTTL.
	UserCacheTTL time.Duration

	// Store keeps opaque rotating refresh tokens. Nil: stateless refresh tokens,
	// signed JWTs of their own type (rt+jwt) with a key derived from SigningKey.
	// They are not rotated and Logout cannot revoke them: a stolen one works until
	// RefreshTTL ends or its user is disabled (Lookup runs on every refresh).
	Store RefreshStore

	// Insecure drops the Secure attribute and the __Host- prefix so plain-http
	// localhost works in development. Never set it in production.
	Insecure bool
	// TrustedOrigins are origins ("https://app.example.com", as browsers send it)
	// of front ends served from another origin: CSRF protection lets their unsafe
	// requests through and Authenticator.CORS answers them. New refuses one whose
	// requests cannot carry the cookies (see SameSite and docs/deploying.md).
	TrustedOrigins []string
	// APIOrigin is the origin browsers reach this API on ("https://api.example.com").
	// Required with TrustedOrigins, so New can check each is on the API's site.
	APIOrigin string
	// SameSite of the session cookies: the zero value is http.SameSiteLaxMode, which
	// same-site front ends (another subdomain or port) work with. A front end on
	// another site needs http.SameSiteNoneMode, and so Secure cookies.
	SameSite http.SameSite
	// CORS tunes what Authenticator.CORS answers the TrustedOrigins.
	CORS CORSConfig
	// PublicSuffixList decides, for the check above, which hosts are one site.
	// Nil applies the list's default rule to every host (a public suffix is one
	// label: com, io), which never refuses a same-site pair but lets pass
	// siblings under a longer suffix (shop.co.uk and api.co.uk, a.github.io and
	// b.github.io), whose cookies browsers then withhold. Pass publicsuffix.List
	// from golang.org/x/net/publicsuffix for the whole list; the runtime module
	// leaves it out so services that do not need it build without x/net.
	PublicSuffixList cookiejar.PublicSuffixList
	// AllowBearer accepts "Authorization: Bearer <access token>" from clients without
	// cookies. A request carrying both a session cookie and a Bearer header is refused.
	AllowBearer bool

	// Verifiers check the credentials of the document's security schemes (routes
	// with Security), by scheme name. Map a scheme to Session for the cookie
	// session above, whose scopes are the user's roles. A bearer scheme's verifier
	// reads the same Authorization header the session reads with AllowBearer; each
	// alternative judges it by its own verifier. See docs/runtime-security.md.
	Verifiers map[string]Verifier
	// SessionCacheTTL is how long a guard trusts that a session is still live before
	// asking the Store again (default DefaultSessionCacheTTL, 1s): the longest a
	// revoked session is served when the store's change channel is down. Only
	// stores implementing SessionStates use it; must be > 0 and < AccessTTL.
	SessionCacheTTL time.Duration
	// MaxSessionsPerUser caps the live sessions of one user; 0 (the default) is no
	// cap. A Login that would start one more revokes the user's oldest sessions (the
	// first started) so that this many remain, the new one included, the way a
	// logout revokes: their refresh tokens stop working at once, their access tokens
	// on every instance as soon as the store's change channel says so (within
	// SessionCacheTTL when it is down). Each one ended is reported as an EventLogout
	// with ReasonSessionCap. It needs a Store implementing SessionStates and
	// SessionCapper (MemoryStore, redisstore.Store): New refuses it otherwise.
	MaxSessionsPerUser int

	// TokenCacheSize bounds the verified-token cache (default 10,000 entries);
	// negative disables it.
	TokenCacheSize int

	Logger      *slog.Logger     // default slog.Default()
	OnEvent     func(Event)      // called synchronously for every Event; keep it fast
	Now         func() time.Time // the clock, for tests; default time.Now
	ErrorWriter ErrorWriter      // default WriteProblem
}

// Authenticator enforces a route-auth table for user type U. It implements Guard
// and offers the session helpers Login, Refresh and Logout. Safe for concurrent use.
type Authenticator[U any] struct {
	cfg      Config[U]
	keys     atomic.Pointer[keySet]
	csrf     *http.CrossOriginProtection
	refresh  singleflight.Group
	users    *userCache[U]
	log      *slog.Logger
	now      func() time.Time
	writeErr ErrorWriter
	cors     *corsPolicy // nil without TrustedOrigins
	sameSite string      // the cookies' SameSite attribute value

	accessName, refreshName string // cookie names, __Host- prefixed unless Insecure

	// Session states (revocation.go): set when Store implements SessionStates.
	states         SessionStates
	capper         SessionCapper // set with MaxSessionsPerUser > 0
	sessions       *sessionCache
	sessionLookups singleflight.Group
	bursts         *burstCache // one access token per burst of refreshes (burst.go)
	stopWatch      context.CancelFunc
	watchDone      chan struct{}
}

var _ Guard = (*Authenticator[struct{}])(nil)

// New validates cfg and returns an Authenticator. Every error wraps ErrConfig and
// says which field is wrong.
func New[U any](cfg Config[U]) (*Authenticator[U], error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	if cfg.Issuer == "" {
		return nil, bad("Issuer is empty")
	}
	if cfg.Audience == "" {
		return nil, bad("Audience is empty")
	}
	if cfg.Lookup == nil {
		return nil, bad("Lookup is nil: every request must re-check its user")
	}
	setDefault(&cfg.AccessTTL, DefaultAccessTTL)
	setDefault(&cfg.RefreshTTL, DefaultRefreshTTL)
	setDefault(&cfg.Leeway, DefaultLeeway)
	setDefault(&cfg.GraceWindow, min(DefaultGraceWindow, cfg.AccessTTL/2))
	setDefault(&cfg.SessionCacheTTL, min(DefaultSessionCacheTTL, cfg.AccessTTL/2))
	switch {
	case cfg.AccessTTL < time.Second:
		return nil, bad("AccessTTL %v is below one second", cfg.AccessTTL)
	case cfg.RefreshTTL <= cfg.AccessTTL:
		return nil, bad("RefreshTTL %v must be longer than AccessTTL %v", cfg.RefreshTTL, cfg.AccessTTL)
	case cfg.Leeway < 0 || cfg.Leeway >= cfg.AccessTTL:
		return nil, bad("Leeway %v must be >= 0 and shorter than AccessTTL %v", cfg.Leeway, cfg.AccessTTL)
	case cfg.GraceWindow < 0 || cfg.GraceWindow >= cfg.AccessTTL:
		// Shorter than AccessTTL implies shorter than RefreshTTL.
		return nil, bad("GraceWindow %v must be >= 0 and shorter than AccessTTL %v", cfg.GraceWindow, cfg.AccessTTL)
	case cfg.SessionCacheTTL < 0 || cfg.SessionCacheTTL >= cfg.AccessTTL:
		return nil, bad("SessionCacheTTL %v must be > 0 and shorter than AccessTTL %v", cfg.SessionCacheTTL, cfg.AccessTTL)
	case cfg.UserCacheTTL < 0 || cfg.UserCacheTTL >= cfg.AccessTTL:
		return nil, bad("UserCacheTTL %v must be >= 0 and shorter than AccessTTL %v", cfg.UserCacheTTL, cfg.AccessTTL)
	case cfg.MaxSessionsPerUser < 0:
		return nil, bad("MaxSessionsPerUser %d is negative (0 means no cap)", cfg.MaxSessionsPerUser)
	}
	var capper SessionCapper
	if cfg.MaxSessionsPerUser > 0 {
		// Fail closed: a cap the store cannot enforce, or whose evicted sessions'
		// access tokens could not be refused, would only look like one.
		c, ok := cfg.Store.(SessionCapper)
		if _, revocable := cfg.Store.(SessionStates); !ok || !revocable {
			return nil, bad("MaxSessionsPerUser %d needs a Store implementing SessionCapper and SessionStates (MemoryStore, redisstore.Store); %T does not", cfg.MaxSessionsPerUser, cfg.Store)
		}
		capper = c
	}
	if err := checkVerifiers(cfg.Verifiers); err != nil {
		return nil, err
	}
	cfg.Verifiers = maps.Clone(cfg.Verifiers) // the app's map may change later; Wrap reads this one
	if cfg.TokenCacheSize == 0 {
		cfg.TokenCacheSize = DefaultTokenCacheSize
	}

	a := &Authenticator[U]{
		cfg:         cfg,
		csrf:        http.NewCrossOriginProtection(),
		log:         cfg.Logger,
		now:         cfg.Now,
		writeErr:    cfg.ErrorWriter,
		accessName:  "__Host-access",
		refreshName: "__Host-refresh",
		capper:      capper,
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if cfg.Insecure {
		a.accessName, a.refreshName = "access", "refresh"
		// Loud on purpose: a development switch that reaches production sends
		// session cookies over plain http and drops the __Host- guarantees.
		a.log.Warn("auth: Config.Insecure is on: session cookies lack Secure and the __Host- prefix; development only")
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.writeErr == nil {
		a.writeErr = WriteProblem
	}
	dep, err := checkDeployment(cfg.SameSite, cfg.Insecure, cfg.APIOrigin, cfg.TrustedOrigins, cfg.CORS, cfg.PublicSuffixList)
	if err != nil {
		return nil, bad("%w", err)
	}
	a.sameSite = sameSiteName(dep.sameSite)
	for _, o := range dep.crossSite {
		a.log.Warn("auth: trusted origin on another site: its session works only in browsers that allow third-party cookies", "origin", o)
	}
	for _, o := range cfg.TrustedOrigins {
		if err := a.csrf.AddTrustedOrigin(o); err != nil {
			return nil, bad("TrustedOrigins: %w", err)
		}
	}
	if len(cfg.TrustedOrigins) > 0 {
		a.cors = newCORSPolicy(cfg.TrustedOrigins, cfg.CORS)
	}
	if cfg.UserCacheTTL > 0 {
		a.users = newUserCache[U](cfg.UserCacheTTL, DefaultTokenCacheSize)
	}
	if err := a.SetKeys(cfg.SigningKey, cfg.VerifyKeys...); err != nil {
		return nil, err
	}
	a.initSessions()
	if cfg.Store != nil {
		a.bursts = newBurstCache(DefaultTokenCacheSize)
	}
	return a, nil
}

// SetKeys replaces the signing and verifying keys at run time, atomically, and
// flushes the verified-token cache. Tokens signed by a key no longer listed stop
// working at once. With a Store, successor tokens are derived from the signing key,
// so change it on every instance together.
func (a *Authenticator[U]) SetKeys(signing Key, verify ...Key) error {
	ks, err := newKeySet(signing, verify, a.cfg.TokenCacheSize)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	a.keys.Store(ks)
	return nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d == 0 {
		*d = v
	}
}
