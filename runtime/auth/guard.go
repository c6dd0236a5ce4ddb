package auth

import (
	"context"
	"net/http"
	"slices"
	"strings"
)

// Wrap returns next guarded as rt asks. Everything per route (mode, roles) is fixed
// here, once, at start-up; a request does no route matching. Unsafe methods go
// through CSRF protection on every route, Public ones too. An unknown Mode is
// treated as Required: fail closed.
func (a *Authenticator[U]) Wrap(rt Route, next http.Handler) http.Handler {
	if a.cors != nil {
		a.cors.learn(rt, a.log.Error) // for preflights; see CORS
	}
	if rt.Security != nil {
		return a.wrapSecurity(rt, next) // security.go; panics on a route it cannot enforce
	}
	if rt.Auth == Public {
		return &publicHandler[U]{a: a, next: next}
	}
	g := &guardedHandler[U]{a: a, next: next, op: rt.OperationID, optional: rt.Auth == Optional, roles: slices.Clone(rt.Roles)}
	if len(g.roles) > 0 && a.cfg.Roles == nil {
		a.log.Error("auth: route needs roles but Config.Roles is nil; every request will get 403", "operation", rt.OperationID)
	}
	return g
}

// CSRF wraps an application's own handler (a login form, say, not registered
// through Wrap) with the same cross-origin protection the guard applies.
func (a *Authenticator[U]) CSRF(next http.Handler) http.Handler {
	return &publicHandler[U]{a: a, next: next}
}

// publicHandler checks CSRF on unsafe methods and never reads cookies.
type publicHandler[U any] struct {
	a    *Authenticator[U]
	next http.Handler
}

func (h *publicHandler[U]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h.a.csrf.Check(r); err != nil {
		h.a.deny(w, r, "", csrfDenied(err), false)
		return
	}
	h.next.ServeHTTP(w, r)
}

// guardedHandler serves Required and Optional routes.
type guardedHandler[U any] struct {
	a        *Authenticator[U]
	next     http.Handler
	op       string
	optional bool
	roles    []string
}

func (g *guardedHandler[U]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := g.a
	if err := a.csrf.Check(r); err != nil {
		a.deny(w, r, g.op, csrfDenied(err), false)
		return
	}
	u, sub, d, hadCookies, set := a.authenticate(w, r)
	if d == nil && len(g.roles) > 0 && !g.hasRole(u) {
		d = forbidden(sub)
	}
	// Optional routes serve anonymously whatever went wrong with the cookies or the
	// backends; only a panicking Lookup (an app bug) still answers 500.
	serveAnon := d != nil && g.optional && d.problem.Status != http.StatusInternalServerError
	if serveAnon && d.clear && hadCookies {
		a.clearCookies(w)
		set = true
	}
	// A response that sets or clears session cookies must never be cached, even if
	// the handler says otherwise. Only such responses pay for the wrapper.
	var ns *noStoreWriter
	if set {
		ns = &noStoreWriter{ResponseWriter: w}
		w = ns
	}
	switch {
	case d == nil:
		ctx := withUser(r.Context(), u)
		if set {
			ctx = withRefreshed(ctx) // a Logout in this handler withdraws what was set
		}
		g.next.ServeHTTP(w, r.WithContext(ctx))
	case serveAnon:
		a.record(r.Context(), g.op, d)
		g.next.ServeHTTP(w, r)
	default:
		a.deny(w, r, g.op, d, hadCookies)
	}
	if ns != nil {
		ns.finish()
	}
}

func (g *guardedHandler[U]) hasRole(u U) bool {
	for _, have := range g.a.rolesOf(u) {
		if slices.Contains(g.roles, have) {
			return true
		}
	}
	return false
}

// authenticate finds the session of r: a valid access token, else a refresh (whose
// cookies it sets on w before the handler runs), else a denial. hadCookies says
// whether there was anything to clear; set, whether it set cookies on w.
func (a *Authenticator[U]) authenticate(w http.ResponseWriter, r *http.Request) (u U, sub string, d *denial, hadCookies, set bool) {
	j := readCookies(r.Header["Cookie"], a.accessName, a.refreshName)
	if j.duplicate {
		return u, "", unauthorized(ReasonDuplicateCookie, nil), true, false
	}
	access := j.access
	if a.cfg.AllowBearer {
		if bearer, ok := bearerToken(r); ok {
			// One fixed rule for mixed credentials: refuse, never guess which wins.
			if j.present {
				return u, "", unauthorized(ReasonMixedCredentials, nil), true, false
			}
			access = bearer
		}
	}
	ks := a.keys.Load()
	now := a.now()
	reason := ReasonMissing
	if access != "" {
		var v *verified
		var fresh verified // what a cache miss verifies: on the stack unless it is cached
		if ks.cache != nil {
			if v = ks.cache.get(access); v != nil && !v.validAt(now) {
				v, reason = nil, ReasonExpired
			}
		}
		if v == nil && reason == ReasonMissing {
			switch reason = verifyTokenBytes(&fresh, access, ks.accessVerify, a.expect(), now); {
			case reason == ReasonNone:
				v = &fresh
				if ks.cache != nil {
					kept := fresh
					ks.cache.put(access, &kept)
				}
			case reason == ReasonMalformed && len(access) > maxTokenLen:
				reason = ReasonOversize
			}
		}
		if v != nil {
			sub = v.sub
			if d = a.checkSession(r.Context(), v.sid, now); d != nil {
				return u, sub, d, j.present, false
			}
			u, d = a.lookupUser(r.Context(), sub)
			return u, sub, d, j.present, false
		}
	}
	if j.refresh == "" {
		return u, "", unauthorized(reason, nil), j.present, false
	}
	// No valid access token, a refresh cookie: mint a new access token (never by
	// re-signing the old one) and set the cookies before the handler runs.
	s, d := a.refreshWith(r.Context(), ks, j.refresh)
	if d != nil {
		if s != nil { // rotated, then failed: the client keeps the successor
			a.setSession(w, s)
		}
		return u, d.subject, d, true, s != nil
	}
	a.setSession(w, s)
	return s.user, s.sub, nil, true, true
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	return strings.TrimSpace(h[7:]), true
}

// deny records d and answers with its Problem, clearing dead cookies. A 401 to a
// request that presented a Bearer token (when Bearer is accepted at all) names the
// scheme, as RFC 6750 asks; the body stays the one every 401 has.
func (a *Authenticator[U]) deny(w http.ResponseWriter, r *http.Request, op string, d *denial, hadCookies bool) {
	a.record(r.Context(), op, d)
	if d.clear && hadCookies {
		a.clearCookies(w)
	}
	if d.problem.Status == http.StatusUnauthorized && a.cfg.AllowBearer {
		if _, ok := bearerToken(r); ok {
			w.Header().Set("WWW-Authenticate", "Bearer")
		}
	}
	a.writeErr(w, r, d.problem)
}

func (a *Authenticator[U]) record(ctx context.Context, op string, d *denial) {
	a.emit(ctx, Event{Kind: d.kind, Reason: d.reason, OperationID: op, Subject: d.subject, Scheme: d.scheme})
}
