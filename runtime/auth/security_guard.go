package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
)

// wrapSecurity is Wrap for a route with Security: it panics, as ServeMux does on a
// bad pattern, when the route cannot be enforced (see CheckRoutes).
func (a *Authenticator[U]) wrapSecurity(rt Route, next http.Handler) http.Handler {
	c, probs := a.compileSecurity(rt)
	if probs != nil {
		errs := make([]error, len(probs))
		for i, p := range probs {
			errs[i] = p
		}
		panic(errors.Join(errs...))
	}
	return &securedHandler[U]{a: a, next: next, op: rt.OperationID, c: c}
}

// securedHandler serves a route with Security.
type securedHandler[U any] struct {
	a    *Authenticator[U]
	next http.Handler
	op   string
	c    *compiled
}

// outcome of one scheme for one request.
type schemeState uint8

const (
	stUnseen   schemeState = iota
	stMissing              // credential absent: checked before any verifier runs
	stRefused              // credential bad, or verifier said ErrInvalidCredential
	stBroken               // verifier or backend error: 503
	stPanicked             // verifier or Lookup panicked: 500
	stVerified
)

type schemeResult struct {
	state schemeState
	cred  Credential
	p     Principal
	d     *denial // why, unless verified
}

// sessionResult is the session's authenticate, run at most once per request.
type sessionResult[U any] struct {
	done, hadCookies, set bool
	u                     U
	sub                   string
	roles                 []string
	d                     *denial
}

// maxStackSchemes is how many schemes a route may read without a heap allocation.
const maxStackSchemes = 4

func (h *securedHandler[U]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := h.a
	if err := a.csrf.Check(r); err != nil {
		a.deny(w, r, h.op, csrfDenied(err), false)
		return
	}
	var buf [maxStackSchemes]schemeResult
	res := buf[:0]
	if n := len(h.c.schemes); n <= maxStackSchemes {
		res = buf[:n]
	} else {
		res = make([]schemeResult, n)
	}
	var sess sessionResult[U]
	// worst is the refusal to answer with when no alternative holds: the most
	// severe alternative's, the first of equals (rules in security.go).
	var worst *denial
	var worstRank int
	win := -1
	for ai, alt := range h.c.alts {
		d, rank := h.evalAlt(w, r, alt, res, &sess)
		if d == nil {
			win = ai
			break
		}
		if rank > worstRank {
			worst, worstRank = d, rank
		}
	}
	if sess.set {
		ns := &noStoreWriter{ResponseWriter: w}
		defer ns.finish()
		w = ns
	}
	if win >= 0 {
		alt := h.c.alts[win]
		ps := make([]Principal, len(alt))
		ctx := r.Context()
		user := false
		for i, it := range alt {
			ps[i] = res[it.scheme].p
			user = user || h.c.schemes[it.scheme].verifier == nil
		}
		if user { // UserFrom works when the session is one of the winning schemes
			ctx = withUser(ctx, sess.u)
		}
		h.next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, principalsKey{}, ps)))
		return
	}
	if worst == nil { // no alternatives: only an Optional route, which admits no one
		if h.c.optional {
			h.next.ServeHTTP(w, r)
			return
		}
		worst = unauthorized(ReasonMissing, nil) // unreachable: Wrap refuses it
	}
	clear := sess.d != nil && sess.d.clear && sess.hadCookies
	if h.c.optional && worst.problem.Status != http.StatusInternalServerError {
		a.record(r.Context(), h.op, worst)
		if clear {
			a.clearCookies(w)
		}
		h.next.ServeHTTP(w, r)
		return
	}
	if worst.problem.Status == http.StatusUnauthorized {
		hd := w.Header()
		for _, ch := range h.c.challenges {
			hd.Add("WWW-Authenticate", ch)
		}
		if h.c.session && a.cfg.AllowBearer && !slices.Contains(h.c.challenges, "Bearer") {
			if _, ok := bearerToken(r); ok {
				hd.Add("WWW-Authenticate", "Bearer")
			}
		}
	}
	a.record(r.Context(), h.op, worst)
	if clear && worst.problem.Status == http.StatusUnauthorized {
		a.clearCookies(w)
	}
	a.writeErr(w, r, worst.problem)
}

// Ranks of a failed alternative: the answer is the highest.
const (
	rankUnauthorized = 1 + iota
	rankForbidden
	rankUnavailable
	rankInternal
)

// evalAlt returns nil when alt holds, else its refusal and rank.
func (h *securedHandler[U]) evalAlt(w http.ResponseWriter, r *http.Request, alt []altItem, res []schemeResult, sess *sessionResult[U]) (*denial, int) {
	// Credentials first, all of them: no verifier runs (maybe over the network)
	// for an alternative that a missing credential already refuses.
	for _, it := range alt {
		sr := &res[it.scheme]
		e := &h.c.schemes[it.scheme]
		if sr.state == stUnseen && e.verifier != nil {
			c, reason := credential(r, e)
			sr.cred = c
			if reason != ReasonNone {
				sr.state = stRefused
				if reason == ReasonMissing {
					sr.state = stMissing
				}
				sr.d = unauthorized(reason, nil)
			}
		}
		if sr.state == stMissing || sr.state == stRefused {
			return schemeDenial(sr.d, e.scheme.Name), rankUnauthorized
		}
	}
	var broke, lack *denial
	rank := 0
	for _, it := range alt {
		sr := &res[it.scheme]
		e := &h.c.schemes[it.scheme]
		if sr.state == stUnseen {
			h.verify(w, r, e, sr, sess)
		}
		switch sr.state {
		case stMissing, stRefused:
			return schemeDenial(sr.d, e.scheme.Name), rankUnauthorized
		case stPanicked:
			if rank < rankInternal {
				broke, rank = schemeDenial(sr.d, e.scheme.Name), rankInternal
			}
		case stBroken:
			if rank < rankUnavailable {
				broke, rank = schemeDenial(sr.d, e.scheme.Name), rankUnavailable
			}
		case stVerified:
			if lack == nil && !grants(sr.p.Scopes, it.scopes) {
				lack = &denial{kind: EventForbidden, reason: ReasonScopes, problem: ProblemForbidden, subject: sr.p.Subject,
					sentinel: ErrForbidden, scheme: e.scheme.Name}
			}
		}
	}
	switch {
	case broke != nil:
		return broke, rank
	case lack != nil:
		return lack, rankForbidden
	}
	return nil, 0
}

// verify runs e's verifier (or the session) once and records the outcome in sr.
func (h *securedHandler[U]) verify(w http.ResponseWriter, r *http.Request, e *schemeEval, sr *schemeResult, sess *sessionResult[U]) {
	a := h.a
	if e.verifier == nil {
		if !sess.done {
			sess.u, sess.sub, sess.d, sess.hadCookies, sess.set = a.authenticate(w, r)
			sess.done = true
			if sess.d == nil {
				// The session as a scheme costs its roles, once per request.
				sess.roles = a.rolesOf(sess.u)
			}
		}
		sr.d = sess.d
		switch {
		case sess.d == nil:
			sr.state = stVerified
			sr.p = Principal{Scheme: e.scheme.Name, Subject: sess.sub, Scopes: sess.roles, Value: sess.u}
		case sess.d.problem.Status == http.StatusInternalServerError:
			sr.state = stPanicked
		case sess.d.problem.Status == http.StatusUnauthorized:
			sr.state = stRefused
		default:
			sr.state = stBroken
		}
		return
	}
	p, err := a.callVerifier(r.Context(), e.verifier, sr.cred)
	switch {
	case err == nil:
		p.Scheme = e.scheme.Name
		sr.p, sr.state = p, stVerified
	case errors.Is(err, errVerifierPanic):
		sr.state, sr.d = stPanicked, internal(ReasonVerifierPanic, err)
	case errors.Is(err, ErrInvalidCredential):
		sr.state, sr.d = stRefused, unauthorized(ReasonInvalidCredential, err)
	default:
		sr.state, sr.d = stBroken, unavailable(ReasonVerifierError, err)
	}
	sr.cred = Credential{} // done with the secret
}

// schemeDenial is d about scheme, copied so the shared session denial keeps its own.
func schemeDenial(d *denial, scheme string) *denial {
	c := *d
	c.scheme = scheme
	return &c
}

// grants reports whether have holds every scope of want.
func grants(have, want []string) bool {
	for _, s := range want {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}

var errVerifierPanic = errors.New("auth: verifier panicked")

// callVerifier turns a panic in the app's verifier into an error that can only
// become a 500, like a panicking Lookup.
func (a *Authenticator[U]) callVerifier(ctx context.Context, v Verifier, c Credential) (p Principal, err error) {
	defer func() {
		if x := recover(); x != nil {
			a.log.ErrorContext(ctx, "auth: verifier panicked", "scheme", c.Scheme.Name, "panic", fmt.Sprint(x), "stack", string(debug.Stack()))
			err = fmt.Errorf("%w: %v", errVerifierPanic, x)
		}
	}()
	return v.Verify(ctx, c)
}
