package auth

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"strings"
)

// Security routes: the rules, written once here and in docs/runtime-security.md.
//
// A Route with Security set is checked alternative by alternative, in order. Each
// scheme of an alternative ends in one of four states: granted (its credential
// verified and its principal holds every scope the alternative asks of it),
// lacking (verified, a scope missing), refused (credential missing, empty, sent
// twice, malformed, or ErrInvalidCredential from the verifier) or broken (the
// verifier failed: any other error, or a panic). An alternative then
//
//   - holds when every scheme is granted: the request passes, the first such
//     alternative wins and its principals go into the context;
//   - is refused when any scheme is refused;
//   - is broken when no scheme is refused and one is broken;
//   - is forbidden when every scheme verified and one lacks a scope.
//
// When none holds, the answer is 500 if an alternative broke by a panic, else 503
// if one broke, else 403 if one is forbidden, else 401. So a combined requirement
// with only one of its schemes satisfied is refused (401, or 403 when all verify
// but a scope is missing), and a client is never told its credential is bad (401)
// while a verifier behind it was down. Optional routes serve anonymously instead
// of 401, 403 and 503, as they do for the session.

// Session is the Verifier that stands for the built-in cookie session: map a
// document scheme to it in Config.Verifiers and that scheme is satisfied by the
// session (cookies, and "Authorization: Bearer" with Config.AllowBearer, with
// transparent refresh), whatever its declared kind and location. Its scopes are the
// user's roles (Config.Roles). Its Verify is never called by the guard.
var Session Verifier = sessionVerifier{}

type sessionVerifier struct{}

func (sessionVerifier) Verify(context.Context, Credential) (Principal, error) {
	return Principal{}, fmt.Errorf("%w: auth.Session is checked by the guard, not called", ErrInvalidCredential)
}

func isSession(v Verifier) bool {
	_, ok := v.(sessionVerifier)
	return ok
}

// Reasons of security routes, stable for metrics labels (see Reason).
const (
	ReasonDuplicateCredential Reason = "duplicate-credential" // a header or query parameter sent twice
	ReasonEmptyCredential     Reason = "empty-credential"
	ReasonInvalidCredential   Reason = "invalid-credential" // the verifier returned ErrInvalidCredential
	ReasonScopes              Reason = "scopes"             // 403: a scope (or, for the session, a role) missing
	ReasonVerifierError       Reason = "verifier-error"     // 503
	ReasonVerifierPanic       Reason = "verifier-panic"     // 500
)

// RouteError is one problem CheckRoutes (or Wrap, by panicking) finds between the
// route table and the Config: a scheme without verifier, a scheme that cannot be
// enforced, Roles beside Security. It wraps ErrConfig.
type RouteError struct {
	Scheme     string   // empty when the problem is the route's, not a scheme's
	Problem    string   // what is wrong, in words
	Operations []string // the operations (OperationID, else "METHOD pattern") that have it
}

func (e *RouteError) Error() string {
	ops := strings.Join(e.Operations, ", ")
	if e.Scheme == "" {
		return fmt.Sprintf("auth: %s (operations: %s)", e.Problem, ops)
	}
	return fmt.Sprintf("auth: scheme %q: %s (operations: %s)", e.Scheme, e.Problem, ops)
}

// Unwrap returns ErrConfig.
func (e *RouteError) Unwrap() error { return ErrConfig }

// CheckRoutes reports every problem that would make Wrap panic for any of routes,
// at once: call it before registering the generated table so the service fails
// with a readable error instead of a panic. Each problem is a *RouteError naming
// the scheme and every operation that has it; nil when all routes can be enforced.
func (a *Authenticator[U]) CheckRoutes(routes []Route) error {
	var errs []*RouteError
	add := func(p *RouteError) {
		for _, e := range errs {
			if e.Scheme == p.Scheme && e.Problem == p.Problem {
				if !slices.Contains(e.Operations, p.Operations[0]) {
					e.Operations = append(e.Operations, p.Operations[0])
				}
				return
			}
		}
		errs = append(errs, p)
	}
	seen := map[string]Scheme{}
	for _, rt := range routes {
		if rt.Security == nil {
			continue
		}
		_, probs := a.compileSecurity(rt)
		for _, p := range probs {
			add(p)
		}
		// A scheme name must mean one scheme across the table, or the verifier
		// registered for it would see credentials from another place.
		for _, req := range rt.Security {
			for _, sr := range req {
				if s, ok := seen[sr.Scheme.Name]; ok && s != sr.Scheme {
					add(&RouteError{Scheme: sr.Scheme.Name, Problem: "declared differently by different routes", Operations: []string{opName(rt)}})
				} else if !ok {
					seen[sr.Scheme.Name] = sr.Scheme
				}
			}
		}
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

func opName(rt Route) string {
	if rt.OperationID != "" {
		return rt.OperationID
	}
	return rt.Method + " " + rt.Pattern
}

// maxCredentialLen caps a credential before it reaches a verifier.
const maxCredentialLen = 8192

// compiled is a security route fixed at Wrap time: the distinct schemes it reads,
// each once per request, and its alternatives as indexes into them.
type compiled struct {
	schemes    []schemeEval
	alts       [][]altItem
	optional   bool
	session    bool     // some scheme is the session
	challenges []string // WWW-Authenticate values for a 401
}

type schemeEval struct {
	scheme   Scheme
	verifier Verifier // nil for the session
	header   string   // APIKey in a header: the canonical header name
}

type altItem struct {
	scheme int // index into compiled.schemes
	scopes []string
}

// compileSecurity checks rt against the Config and precomputes its evaluation.
// It is only called for routes with Security set.
func (a *Authenticator[U]) compileSecurity(rt Route) (*compiled, []*RouteError) {
	op := opName(rt)
	var probs []*RouteError
	bad := func(scheme, problem string, args ...any) {
		probs = append(probs, &RouteError{Scheme: scheme, Problem: fmt.Sprintf(problem, args...), Operations: []string{op}})
	}
	if rt.Auth == Public {
		bad("", "a Public route with Security: public routes read no credentials")
	}
	if len(rt.Roles) > 0 {
		bad("", "Roles together with Security: write the session's roles as its scopes")
	}
	c := &compiled{optional: rt.Auth == Optional}
	if len(rt.Security) == 0 && !c.optional {
		bad("", "Security is empty but the route is not Optional: nothing could ever pass")
	}
	index := map[string]int{}
	for _, req := range rt.Security {
		if len(req) == 0 {
			bad("", "an empty requirement in Security: write {} as Auth: Optional")
			continue
		}
		var alt []altItem
		for _, sr := range req {
			s := sr.Scheme
			i, ok := index[s.Name]
			if ok && c.schemes[i].scheme != s {
				bad(s.Name, "declared twice with different definitions")
				continue
			}
			if !ok {
				v, problem := a.schemeProblem(s)
				if problem != "" {
					bad(s.Name, "%s", problem)
					continue
				}
				i = len(c.schemes)
				index[s.Name] = i
				e := schemeEval{scheme: s, verifier: v}
				if isSession(v) {
					e.verifier = nil
					c.session = true
				}
				if s.Kind == APIKey && s.In == InHeader {
					e.header = textproto.CanonicalMIMEHeaderKey(s.Param)
				}
				c.schemes = append(c.schemes, e)
			}
			for _, sc := range sr.Scopes {
				if sc == "" {
					bad(s.Name, "an empty scope")
				}
			}
			if c.schemes[i].verifier == nil && len(sr.Scopes) > 0 && a.cfg.Roles == nil {
				bad(s.Name, "is the session and needs roles %v as scopes, but Config.Roles is nil", sr.Scopes)
			}
			// The same scheme twice in one requirement: both must hold, so its
			// scopes add up.
			if j := slices.IndexFunc(alt, func(it altItem) bool { return it.scheme == i }); j >= 0 {
				alt[j].scopes = append(slices.Clone(alt[j].scopes), sr.Scopes...)
				continue
			}
			alt = append(alt, altItem{scheme: i, scopes: slices.Clone(sr.Scopes)})
		}
		c.alts = append(c.alts, alt)
	}
	if probs != nil {
		return nil, probs
	}
	c.challenges = challenges(c.schemes)
	return c, nil
}

// schemeProblem returns s's verifier, or what makes s unenforceable.
func (a *Authenticator[U]) schemeProblem(s Scheme) (Verifier, string) {
	if !validSchemeName(s.Name) {
		return nil, fmt.Sprintf("name %q is not a valid scheme name ([A-Za-z0-9._-]+)", s.Name)
	}
	switch s.Kind {
	case APIKey:
		switch {
		case s.In < InHeader || s.In > InCookie:
			return nil, "an apiKey scheme without a valid location (In)"
		case s.Param == "":
			return nil, "an apiKey scheme without a parameter name (Param)"
		case s.In != InQuery && !isToken(s.Param):
			return nil, fmt.Sprintf("apiKey parameter %q is not a valid header or cookie name", s.Param)
		}
	case HTTPBearer, HTTPBasic, OAuth2, OpenIDConnect:
	default:
		return nil, "a scheme of invalid kind"
	}
	v := a.cfg.Verifiers[s.Name]
	if v == nil {
		return nil, "has no verifier in Config.Verifiers (register one, or auth.Session for the cookie session)"
	}
	return v, ""
}

func validSchemeName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isToken reports whether s is an RFC 9110 token (header and cookie names).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// challenges are the WWW-Authenticate values a 401 of the route carries: Bearer
// for bearer, OAuth2 and OpenID Connect schemes (RFC 6750), Basic with the scheme
// name as realm (RFC 7617). API keys and cookies have no challenge.
func challenges(schemes []schemeEval) []string {
	var out []string
	for _, e := range schemes {
		var ch string
		switch e.scheme.Kind {
		case HTTPBearer, OAuth2, OpenIDConnect:
			ch = "Bearer"
		case HTTPBasic:
			ch = `Basic realm="` + e.scheme.Name + `", charset="UTF-8"`
		default:
			continue
		}
		if !slices.Contains(out, ch) {
			out = append(out, ch)
		}
	}
	return out
}

// checkVerifiers validates Config.Verifiers in New.
func checkVerifiers(vs map[string]Verifier) error {
	for name, v := range vs {
		if !validSchemeName(name) {
			return fmt.Errorf("%w: Verifiers: %q is not a valid scheme name", ErrConfig, name)
		}
		if v == nil {
			return fmt.Errorf("%w: Verifiers: scheme %q has a nil verifier", ErrConfig, name)
		}
	}
	return nil
}
