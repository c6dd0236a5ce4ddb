package auth

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CORS is written here rather than taken from github.com/rs/cors, which was read
// for it: rs/cors answers every preflight with one global method list, for paths
// that do not exist too, where this answers with the route table's methods for
// the path; it lower-cases origins, where CrossOriginProtection (the CSRF half of
// the one list) compares them byte for byte, so the two could disagree; it adds
// Vary to every response, same-origin ones included; and the runtime module stays
// std + golang-jwt + x/sync (+ x/net/publicsuffix for the site check).

// DefaultCORSMaxAge is how long a browser may reuse a preflight answer when
// CORSConfig.MaxAge is zero: Chromium's cap (Firefox allows a day).
const DefaultCORSMaxAge = 2 * time.Hour

// CORSConfig tunes what Authenticator.CORS tells the trusted origins
// (Config.TrustedOrigins, the list CSRF protection uses too).
type CORSConfig struct {
	// AllowHeaders are request headers a trusted origin's scripts may send, beyond
	// the defaults: Content-Type, Authorization, and the header of every apiKey
	// scheme (in: header) of a route passed to Wrap.
	AllowHeaders []string
	// ExposeHeaders are response headers a trusted origin's scripts may read,
	// beyond the defaults Retry-After and WWW-Authenticate (a response's
	// CORS-safelisted headers, Content-Type among them, are always readable).
	ExposeHeaders []string
	// MaxAge is how long a browser may cache a preflight answer (default
	// DefaultCORSMaxAge); negative: not at all.
	MaxAge time.Duration
}

// corsPolicy is the CORS state of an Authenticator. What a request reads is fixed
// in New (trusted, header values); only the route table grows, through Wrap, and
// only preflights read it.
type corsPolicy struct {
	// trusted maps each trusted origin, byte for byte as browsers send it, to a
	// ready header value. Header values here are shared by every response: each
	// slice has len == cap, so a handler's Header.Add copies instead of writing
	// into it.
	trusted map[string][]string
	expose  []string
	maxAge  []string
	extra   []string // CORSConfig.AllowHeaders

	mu      sync.Mutex
	routes  *http.ServeMux  // "METHOD pattern" of every wrapped route → routeMark
	seen    map[string]bool // keys registered in routes
	methods []string        // every method of the route table, sorted
	schemes []string        // headers of apiKey schemes
	allow   []string        // Access-Control-Allow-Headers value, rebuilt by learn
}

// Shared header values (len == cap, see corsPolicy.trusted).
var (
	hdrTrue          = []string{"true"}
	hdrVaryOrigin    = []string{"Origin"}
	hdrVaryPreflight = []string{"Origin, Access-Control-Request-Method"}
)

// routeMark is what the policy's own ServeMux routes to: finding it means the
// app's mux has a route for that method and path.
type routeMark struct{}

func (routeMark) ServeHTTP(http.ResponseWriter, *http.Request) {}

func newCORSPolicy(trusted []string, c CORSConfig) *corsPolicy {
	p := &corsPolicy{trusted: map[string][]string{}, routes: http.NewServeMux(), seen: map[string]bool{}}
	for _, o := range trusted {
		p.trusted[o] = []string{o}
	}
	expose := headerSet(append([]string{"Retry-After", "WWW-Authenticate"}, c.ExposeHeaders...))
	p.expose = []string{strings.Join(expose, ", ")}
	switch {
	case c.MaxAge == 0:
		c.MaxAge = DefaultCORSMaxAge
	case c.MaxAge < 0:
		c.MaxAge = 0
	}
	p.maxAge = []string{strconv.FormatInt(int64(c.MaxAge/time.Second), 10)}
	p.extra = headerSet(c.AllowHeaders)
	p.rebuildAllow()
	return p
}

// learn records a wrapped route: its method and pattern for preflights, and the
// headers its apiKey schemes read. A pattern the std matcher refuses is left
// out (the app's mux refuses it too): its preflights fail, which fails closed.
func (p *corsPolicy) learn(rt Route, log func(msg string, args ...any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := rt.Method + " " + rt.Pattern
	if rt.Method != "" && !p.seen[key] {
		if err := register(p.routes, key); err != nil {
			log("auth: CORS cannot answer preflights for this route", "operation", rt.OperationID, "pattern", key, "err", err)
		} else {
			p.seen[key] = true
			if !slices.Contains(p.methods, rt.Method) {
				p.methods = append(p.methods, rt.Method)
				slices.Sort(p.methods)
			}
		}
	}
	added := false
	for _, alt := range rt.Security {
		for _, sr := range alt {
			if s := sr.Scheme; s.Kind == APIKey && s.In == InHeader && s.Param != "" {
				if !slices.ContainsFunc(p.schemes, func(h string) bool { return strings.EqualFold(h, s.Param) }) {
					p.schemes = append(p.schemes, s.Param)
					added = true
				}
			}
		}
	}
	if added {
		p.rebuildAllow()
	}
}

// register adds key to mux, turning ServeMux's panic on a bad or conflicting
// pattern into an error.
func register(mux *http.ServeMux, key string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	mux.Handle(key, routeMark{})
	return nil
}

func (p *corsPolicy) rebuildAllow() {
	hs := headerSet(append(append([]string{"Content-Type", "Authorization"}, p.schemes...), p.extra...))
	p.allow = []string{strings.Join(hs, ", ")}
}

// headerSet returns names without duplicates (by case-insensitive comparison, as
// header names compare) or empty names, in their first order and spelling.
func headerSet(names []string) []string {
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, n) }) {
			out = append(out, n)
		}
	}
	return out
}

// CORS returns next answering the trusted origins (Config.TrustedOrigins) by
// the CORS protocol. Wrap the ServeMux that the generated RegisterRoutes filled,
// once: handler := authn.CORS(mux).
//
//   - A request without an Origin header, or a same-origin one, passes untouched:
//     same-origin traffic pays one header lookup.
//   - A trusted origin gets its exact origin back in Access-Control-Allow-Origin,
//     Access-Control-Allow-Credentials: true and Vary: Origin on every response,
//     errors included (401, 403, 429, 503 and the mux's own 404 and 405), so its
//     scripts read them; never "*".
//   - A trusted origin's preflight (OPTIONS with Access-Control-Request-Method) to
//     a path of a route passed to Wrap is answered here, 204, with the methods the
//     route table has for that path, the allowed request headers and a max-age. A
//     preflight to a path no route has goes on to next, whose 404 fails it.
//   - Any other origin, "null" included, gets no CORS headers, only Vary: Origin;
//     its preflights reach next (which has no OPTIONS routes, so they fail) and the
//     guard refuses its unsafe requests with 403 (CSRF).
//
// Routes of the app's own (a login handler, say) get preflights answered when they
// go through Wrap as well, e.g. with a Public Route. Without TrustedOrigins, CORS
// returns next itself.
func (a *Authenticator[U]) CORS(next http.Handler) http.Handler {
	if a.cors == nil {
		return next
	}
	return &corsHandler{p: a.cors, next: next}
}

type corsHandler struct {
	p    *corsPolicy
	next http.Handler
}

func (c *corsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origin, ok := r.Header["Origin"]
	if !ok {
		c.next.ServeHTTP(w, r)
		return
	}
	if site, _ := r.Header["Sec-Fetch-Site"]; len(site) == 1 && site[0] == "same-origin" {
		c.next.ServeHTTP(w, r)
		return
	}
	h := w.Header()
	var allowed []string
	if len(origin) == 1 { // a browser sends one; more is not a browser, trust none
		allowed = c.p.trusted[origin[0]]
	}
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	switch {
	case allowed == nil:
		addVary(h, hdrVaryOrigin)
	case preflight:
		addVary(h, hdrVaryPreflight)
		h["Access-Control-Allow-Origin"] = allowed
		h["Access-Control-Allow-Credentials"] = hdrTrue
		if methods := c.p.methodsFor(r); methods != "" {
			h["Access-Control-Allow-Methods"] = []string{methods}
			h["Access-Control-Allow-Headers"] = c.p.allowHeaders()
			h["Access-Control-Max-Age"] = c.p.maxAge
			w.WriteHeader(http.StatusNoContent)
			return
		}
	default:
		addVary(h, hdrVaryOrigin)
		h["Access-Control-Allow-Origin"] = allowed
		h["Access-Control-Allow-Credentials"] = hdrTrue
		h["Access-Control-Expose-Headers"] = c.p.expose
	}
	c.next.ServeHTTP(w, r)
}

func addVary(h http.Header, v []string) {
	if old, ok := h["Vary"]; ok {
		h["Vary"] = append(old, v[0])
		return
	}
	h["Vary"] = v
}

// methodsFor returns the methods the route table has for r's path, comma
// separated, or "" when it has none. It asks the std matcher once per method, so
// it finds what the app's mux would route, overlapping patterns included.
// Preflights are rare (browsers cache them for max-age), so this costs little.
func (p *corsPolicy) methodsFor(r *http.Request) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	probe := *r
	for _, m := range p.methods {
		probe.Method = m
		if h, _ := p.routes.Handler(&probe); h == (routeMark{}) {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(m)
		}
	}
	return b.String()
}

func (p *corsPolicy) allowHeaders() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.allow
}
