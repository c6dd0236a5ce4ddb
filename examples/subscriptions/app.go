package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/specgate/specgate/examples/subscriptions/api"
	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/redisstore"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/net/publicsuffix"
)

// keyEnv names the environment variable that holds the HMAC signing key (base64, at
// least 32 bytes). Without it the app makes a development key at start, so sessions
// end when the process stops.
const keyEnv = "SUBSCRIPTIONS_HMAC_KEY"

// reportKeyEnv names the environment variable that holds the operator's API key
// for GET /admin/report (scheme reportKey, scope reports:read). Unset: that
// alternative accepts no key at all; administrators' sessions still work.
const reportKeyEnv = "SUBSCRIPTIONS_REPORT_KEY"

// basePath is the servers url of openapi.yaml.
const basePath = "/api/v1"

// config is everything newApp needs. The zero value of each field takes a default.
type config struct {
	AccessTTL  time.Duration    // default auth.DefaultAccessTTL
	Key        auth.Key         // default: from keyEnv, else generated
	Now        func() time.Time // default time.Now; tests move it forward
	Logger     *slog.Logger     // default slog.Default()
	BcryptCost int              // default bcrypt.DefaultCost
	Users      []seedUser       // default defaultUsers
	// Insecure sets development cookies (no Secure, no __Host-) for plain http.
	// The zero value is the production one.
	Insecure bool
	// TrustedOrigins are front ends on other origins (CORS and CSRF); Origin is
	// where browsers reach this app, required with them.
	TrustedOrigins []string
	Origin         string
	// ReportKey is the API key that opens GET /admin/report (reports:read); ""
	// accepts none. Only its hash is kept.
	ReportKey string
	// Redis, when set, holds the sessions (refresh tokens, revocation channel) and
	// the login throttle, so several instances share them. Default: in memory.
	Redis redis.UniversalClient
}

// app is the assembled example: the HTTP handler and the parts tests look into.
type app struct {
	handler http.Handler
	users   *userStore
	auth    *auth.Authenticator[user]
	// reportKeys holds the hash of the operator's report key, if any.
	reportKeys *auth.APIKeySet
}

// close stops the session change-channel subscription.
func (a *app) close() { a.auth.Close() }

// newApp builds the handler: the generated routes, guarded by the runtime, under
// /api/v1, and the page at /.
func newApp(cfg config) (*app, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.DefaultCost
	}
	if cfg.Users == nil {
		cfg.Users = defaultUsers
	}
	if cfg.Key.IsZero() {
		k, err := signingKey(cfg.Logger)
		if err != nil {
			return nil, err
		}
		cfg.Key = k
	}

	users, err := newUserStore(cfg.Users, cfg.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	var store auth.RefreshStore = auth.NewMemoryStore() // opaque refresh tokens: signing out revokes
	var counters auth.ThrottleStore = auth.NewMemoryThrottle()
	if cfg.Redis != nil {
		opts := redisstore.Options{KeyPrefix: "{subscriptions}:"}
		store, counters = redisstore.New(cfg.Redis, opts), redisstore.NewThrottle(cfg.Redis, opts)
	}
	throttle, err := auth.NewThrottle(auth.ThrottleConfig{Store: counters, Now: cfg.Now})
	if err != nil {
		return nil, fmt.Errorf("login throttle: %w", err)
	}
	reportKeys := auth.NewAPIKeys() // SHA-256 hashes only, compared in constant time
	if cfg.ReportKey != "" {
		if err := reportKeys.Add(cfg.ReportKey, auth.Principal{Subject: "report-exporter", Scopes: []string{"reports:read"}}); err != nil {
			return nil, fmt.Errorf("%s: %w", reportKeyEnv, err)
		}
	}
	authn, err := auth.New(auth.Config[user]{
		Issuer:     "subscriptions-example",
		Audience:   "subscriptions-example",
		AccessTTL:  cfg.AccessTTL,
		Leeway:     leeway(cfg.AccessTTL),
		SigningKey: cfg.Key,
		Lookup:     users.lookupForAuth,
		Roles:      func(u user) []string { return u.Roles },
		// The document's schemes: cookieAuth is the cookie session (its scopes are
		// the user's roles), reportKey the operator's API key.
		Verifiers: map[string]auth.Verifier{"cookieAuth": auth.Session, "reportKey": reportKeys},
		Store:     store,
		Insecure:  cfg.Insecure,
		// One list for CORS and CSRF; the runtime refuses a front end that could not
		// carry the SameSite=Lax cookies.
		TrustedOrigins: cfg.TrustedOrigins,
		APIOrigin:      cfg.Origin,
		// The whole Public Suffix List, so New tells a sibling under github.io or
		// co.uk from a same-site front end (the runtime leaves x/net out).
		PublicSuffixList: publicsuffix.List,
		Logger:           cfg.Logger,
		Now:              cfg.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("configure sessions: %w", err)
	}

	// Every route's schemes have a verifier, or the app does not start.
	if err := authn.CheckRoutes(api.Routes); err != nil {
		return nil, err
	}
	srv := &server{users: users, auth: authn, throttle: throttle, now: cfg.Now, log: cfg.Logger}
	mux := http.NewServeMux()
	api.RegisterRoutesWithOptions(mux, srv, authn, api.StdHTTPServerOptions{
		BaseURL: basePath,
		// Parameter errors answer with a problem like every other error of the API.
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			cfg.Logger.InfoContext(r.Context(), "bad request", "err", err)
			auth.WriteProblem(w, r, problemBadRequest)
		},
	})
	mux.Handle(basePath+"/", http.HandlerFunc(apiNotFound))
	mux.Handle("/", pageHandler()) // any method, so /api/v1/ above stays more specific
	// CORS outside the mux: it answers trusted origins' preflights, which the mux
	// has no OPTIONS routes for, and labels every response, 404s included.
	return &app{handler: securityHeaders(authn.CORS(mux)), users: users, auth: authn, reportKeys: reportKeys}, nil
}

// leeway is the clock skew allowed on token times: the runtime's 10s default, but at
// most a fifth of a short access TTL, so -access-ttl 5s works for a demo of expiry.
func leeway(accessTTL time.Duration) time.Duration {
	const def = 10 * time.Second
	if accessTTL > 0 && accessTTL/5 < def {
		return max(accessTTL/5, time.Millisecond)
	}
	return def
}

// lookupForAuth adapts lookup to the runtime's hook: an unknown id is
// auth.ErrUserNotFound, which the guard answers with 401.
func (s *userStore) lookupForAuth(ctx context.Context, id string) (user, error) {
	u, err := s.lookup(ctx, id)
	if errors.Is(err, errNoUser) {
		return user{}, fmt.Errorf("%w: %w", auth.ErrUserNotFound, err)
	}
	return u, err
}

// signingKey reads the HMAC key from keyEnv, or makes a random development key.
func signingKey(log *slog.Logger) (auth.Key, error) {
	if os.Getenv(keyEnv) != "" {
		k, err := auth.HMACKeyFromEnv("configured", "HS256", keyEnv)
		if err != nil {
			return auth.Key{}, fmt.Errorf("signing key from %s: %w", keyEnv, err)
		}
		return k, nil
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return auth.Key{}, fmt.Errorf("development key: %w", err)
	}
	kid := make([]byte, 4)
	if _, err := rand.Read(kid); err != nil {
		return auth.Key{}, fmt.Errorf("development key id: %w", err)
	}
	log.Warn("no signing key configured: made a development key; sessions end when the process stops", "env", keyEnv)
	return auth.HMACKey("dev-"+hex.EncodeToString(kid), "HS256", secret)
}

// apiNotFound answers unknown API paths with a problem, not the page's 404.
func apiNotFound(w http.ResponseWriter, r *http.Request) {
	auth.WriteProblem(w, r, auth.Problem{Status: http.StatusNotFound, Code: "not_found", Title: "Not Found"})
}

// securityHeaders adds the headers every response of the app should carry.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
