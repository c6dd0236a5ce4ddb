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
	state  schemeState
	reason Reason // stMissing, stRefused without d
	cred   Credential
	p      Principal
	d      *denial // from a verifier or the session; nil for a credential refused unread
}

// sessionResult is the session's authenticate, run at most once per request.
type sessionResult[U any] struct {
	done, hadCookies, set bool
	u                     U
	sub                   string
	roles                 []string
	d                     *denial
}

// failure is why an alternative failed, kept cheap: the denial is only built for
// the one the guard answers with.
type failure struct {
	rank   int // rankUnauthorized...
	scheme int
	sr     *schemeResult
}

// Ranks of a failed alternative: the answer is the highest.
const (
	rankUnauthorized = 1 + iota
	rankForbidden
	rankUnavailable
	rankInternal
)

// maxStackSchemes is how many schemes a route may read without a heap allocation.
const maxStackSchemes = 4

func (h *securedHandler[U]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := h.a
	if err := a.csrf.Check(r); err != nil {
		a.deny(w, r, h.op, csrfDenied(err), false)
		return
	}
	var buf [maxStackSchemes]schemeResult
	var res []schemeResult
	if n := len(h.c.schemes); n <= maxStackSchemes {
		res = buf[:n]
	} else {
		res = make([]schemeResult, n)
	}
	var sess sessionResult[U]
	// worst is the failure to answer with when no alternative holds: the most
	// severe alternative's, the first of equals (rules in security.go).
	var worst failure
	win := -1
	for ai, alt := range h.c.alts {
		f := h.evalAlt(w, r, alt, res, &sess)
		if f.rank == 0 {
			win = ai
			break
		}
		if f.rank > worst.rank {
			worst = f
		}
	}
	if sess.set {
		ns := &noStoreWriter{ResponseWriter: w}
		defer ns.finish()
		w = ns
	}
	if win >= 0 {
		alt := h.c.alts[win]
		g := &principals{}
		g.list = g.buf[:0]
		ctx := r.Context()
		user := false
		for _, it := range alt {
			g.list = append(g.list, res[it.scheme].p)
			user = user || h.c.schemes[it.scheme].verifier == nil
		}
		if user { // UserFrom works when the session is one of the winning schemes
			ctx = withUser(ctx, sess.u)
		}
		h.next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, principalsKey{}, g)))
		return
	}
	if worst.rank == 0 { // no alternatives: only an Optional route, which admits no one
		if h.c.optional {
			h.next.ServeHTTP(w, r)
			return
		}
		worst.rank = rankUnauthorized // unreachable: Wrap refuses it
	}
	d := h.denialOf(worst)
	clear := sess.d != nil && sess.d.clear && sess.hadCookies
	if h.c.optional && d.problem.Status != http.StatusInternalServerError {
		a.record(r.Context(), h.op, d)
		if clear {
			a.clearCookies(w)
		}
		h.next.ServeHTTP(w, r)
		return
	}
	if d.problem.Status == http.StatusUnauthorized {
		hd := w.Header()
		for _, ch := range h.c.challenges {
			hd.Add("WWW-Authenticate", ch)
		}
		if h.c.session && a.cfg.AllowBearer && !slices.Contains(h.c.challenges, "Bearer") {
			if _, ok := bearerToken(r); ok {
				hd.Add("WWW-Authenticate", "Bearer")
			}
		}
		if clear {
			a.clearCookies(w)
		}
	}
	a.record(r.Context(), h.op, d)
	a.writeErr(w, r, d.problem)
}

// denialOf builds the denial the guard answers with for f.
func (h *securedHandler[U]) denialOf(f failure) *denial {
	name := ""
	if f.sr != nil {
		name = h.c.schemes[f.scheme].scheme.Name
	}
	var d denial
	switch {
	case f.rank == rankForbidden:
		d = denial{kind: EventForbidden, reason: ReasonScopes, problem: ProblemForbidden, subject: f.sr.p.Subject, sentinel: ErrForbidden}
	case f.sr != nil && f.sr.d != nil:
		d = *f.sr.d // a copy: the session's denial stays as authenticate made it
	case f.sr != nil:
		d = *unauthorized(f.sr.reason, nil)
	default:
		d = *unauthorized(ReasonMissing, nil)
	}
	d.scheme = name
	return &d
}

// evalAlt returns the zero failure when alt holds.
func (h *securedHandler[U]) evalAlt(w http.ResponseWriter, r *http.Request, alt []altItem, res []schemeResult, sess *sessionResult[U]) failure {
	// Credentials first, all of them: no verifier runs (maybe over the network)
	// for an alternative that a missing credential already refuses.
	for _, it := range alt {
		sr := &res[it.scheme]
		if sr.state == stUnseen {
			h.read(r, &h.c.schemes[it.scheme], sr)
		}
		if sr.state == stMissing || sr.state == stRefused {
			return failure{rank: rankUnauthorized, scheme: it.scheme, sr: sr}
		}
	}
	var worst failure
	lack := -1
	for i, it := range alt {
		sr := &res[it.scheme]
		if sr.state == stUnseen {
			h.verify(w, r, &h.c.schemes[it.scheme], sr, sess)
		}
		switch sr.state {
		case stMissing, stRefused:
			return failure{rank: rankUnauthorized, scheme: it.scheme, sr: sr}
		case stPanicked:
			if worst.rank < rankInternal {
				worst = failure{rank: rankInternal, scheme: it.scheme, sr: sr}
			}
		case stBroken:
			if worst.rank < rankUnavailable {
				worst = failure{rank: rankUnavailable, scheme: it.scheme, sr: sr}
			}
		case stVerified:
			if lack < 0 && !grants(sr.p.Scopes, it.scopes) {
				lack = i
			}
		}
	}
	if worst.rank == 0 && lack >= 0 {
		worst = failure{rank: rankForbidden, scheme: alt[lack].scheme, sr: &res[alt[lack].scheme]}
	}
	return worst
}

// read takes e's credential from r; a scheme without one is settled here. The
// session only looks whether its cookies (or a Bearer header it would take) are
// there at all; authenticate reads them for real.
func (h *securedHandler[U]) read(r *http.Request, e *schemeEval, sr *schemeResult) {
	if e.verifier == nil {
		if !h.a.sessionPresent(r) {
			sr.state, sr.reason = stMissing, ReasonMissing
		}
		return
	}
	c, reason := credential(r, e)
	switch reason {
	case ReasonNone:
		sr.cred = c
	case ReasonMissing:
		sr.state, sr.reason = stMissing, reason
	default:
		sr.state, sr.reason = stRefused, reason
	}
}

// sessionPresent reports whether r carries anything the session would read.
func (a *Authenticator[U]) sessionPresent(r *http.Request) bool {
	if j := readCookies(r.Header["Cookie"], a.accessName, a.refreshName); j.present {
		return true
	}
	if a.cfg.AllowBearer {
		_, ok := bearerToken(r)
		return ok
	}
	return false
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
