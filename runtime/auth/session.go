package auth

import (
	"errors"
	"net/http"
)

// Login starts a session for subject after the application has checked the
// credentials: it re-checks the user through Lookup, then sets both cookies. It
// refuses cross-origin requests (login CSRF) and safe methods (see checkHelper)
// and, on error, writes nothing but the Allow header of a 405: answer with
// ProblemFor(err) or your own error.
//
// With a Store, a refresh token already in the request's cookies (the previous user
// of a shared browser, or the same user logging in again) has its family revoked
// before the new one is issued, so it cannot outlive the session that replaces it.
// If the store cannot revoke it, Login fails closed with an error wrapping
// ErrUnavailable and issues nothing: the same store would have to record the new
// session, and a login must not leave the session it replaces alive. With
// Config.MaxSessionsPerUser, the user's oldest sessions beyond the cap end as the
// new one starts.
func (a *Authenticator[U]) Login(w http.ResponseWriter, r *http.Request, subject string) error {
	ctx := r.Context()
	if d := a.checkHelper(w, r); d != nil {
		return d
	}
	if subject == "" {
		return unauthorized(ReasonBadClaims, errors.New("auth: Login with an empty subject"))
	}
	u, d := a.lookupUser(ctx, subject)
	if d != nil {
		a.record(ctx, "", d)
		return d
	}
	ks := a.keys.Load()
	now := a.now()
	s := &session[U]{sub: subject, user: u, refreshMaxAge: a.cfg.RefreshTTL}
	if a.cfg.Store == nil {
		var err error
		if s.refresh, _, err = mint(ks.refresh, a.cfg.Issuer, a.cfg.Audience, subject, "", nil, now, a.cfg.RefreshTTL); err != nil {
			return internal(ReasonNone, err)
		}
	} else {
		if j := readCookies(r.Header["Cookie"], a.accessName, a.refreshName); opaqueOK(j.refresh) && !j.duplicate {
			if err := a.cfg.Store.RevokeFamily(ctx, hashToken(j.refresh)); err != nil {
				d := unavailable(ReasonStoreError, err)
				a.record(ctx, "", d)
				return d
			}
		}
		s.refresh, s.sid = randomString(32), randomString(16)
		rs := RefreshSession{Family: s.sid, Subject: subject, ExpiresAt: now.Add(a.cfg.RefreshTTL)}
		var ended []string
		var err error
		if a.capper != nil {
			ended, err = a.capper.IssueCapped(ctx, hashToken(s.refresh), rs, now, a.cfg.MaxSessionsPerUser)
		} else {
			err = a.cfg.Store.Issue(ctx, hashToken(s.refresh), rs)
		}
		if err != nil {
			d := unavailable(ReasonStoreError, err)
			a.record(ctx, "", d)
			return d
		}
		for _, sid := range ended {
			// The store announced it to every instance; this one need not wait
			// for its own channel (which may be down).
			a.sessions.revoke(sid)
			a.emit(ctx, Event{Kind: EventLogout, Reason: ReasonSessionCap, Subject: subject})
		}
	}
	access, exp, err := mint(ks.access, a.cfg.Issuer, a.cfg.Audience, subject, a.sidFor(s.sid), a.rolesOf(u), now, a.cfg.AccessTTL)
	if err != nil {
		return internal(ReasonNone, err)
	}
	s.access, s.accessMaxAge = access, exp.Sub(now)
	a.setSession(w, s)
	a.emit(ctx, Event{Kind: EventLogin, Subject: subject})
	return nil
}

// Refresh rotates the session explicitly (a client that wants a fresh access
// token ahead of time). On an unusable refresh token it clears both cookies and
// returns an error wrapping ErrUnauthorized. Like Login it refuses safe methods.
// The cookies it sets come with "Cache-Control: no-store"; the handler must not
// replace that header.
func (a *Authenticator[U]) Refresh(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if d := a.checkHelper(w, r); d != nil {
		return d
	}
	j := readCookies(r.Header["Cookie"], a.accessName, a.refreshName)
	var d *denial
	switch {
	case j.duplicate:
		d = unauthorized(ReasonDuplicateCookie, nil)
	case j.refresh == "":
		d = unauthorized(ReasonMissing, nil)
	default:
		var s *session[U]
		s, d = a.refreshWith(ctx, a.keys.Load(), j.refresh)
		if d == nil {
			a.setSession(w, s)
			return nil
		}
		if s != nil { // rotated, then failed: the client keeps the successor
			a.setSession(w, s)
		}
	}
	a.record(ctx, "", d)
	if d.clear && j.present {
		a.clearCookies(w)
	}
	return d
}

// Logout clears both cookies and, with a Store, revokes the refresh token's whole
// family. It never starts a session: on a guarded route whose guard refreshed an
// expired access token for this very request, the cookies the guard set are taken
// back out of the response (docs/security-cases.md case 42); a Public logout route avoids even
// that refresh, and is what we recommend. Without a store the refresh token stays valid until it expires (it is
// stateless); the access token always does, which is why AccessTTL is short. A
// store error is returned (wrapping ErrUnavailable) after the cookies are cleared.
// Like Login it refuses safe methods: a cross-site link must not end a session.
func (a *Authenticator[U]) Logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if d := a.checkHelper(w, r); d != nil {
		return d
	}
	j := readCookies(r.Header["Cookie"], a.accessName, a.refreshName)
	if refreshedIn(ctx) {
		// The guard of a Required or Optional logout route refreshed an expired
		// access token before this ran: withdraw those cookies, so the response
		// carries only the clearing ones. The family revoked below is the one the
		// guard rotated, so the successor it made is dead too.
		a.withdrawSession(w)
	}
	a.clearCookies(w)
	if a.cfg.Store != nil && opaqueOK(j.refresh) && !j.duplicate {
		if err := a.cfg.Store.RevokeFamily(ctx, hashToken(j.refresh)); err != nil {
			d := unavailable(ReasonStoreError, err)
			a.record(ctx, "", d)
			return d
		}
	}
	a.emit(ctx, Event{Kind: EventLogout})
	return nil
}

// checkHelper is what every session helper checks first. A safe method (GET, HEAD,
// OPTIONS) is refused with ErrMethodNotAllowed and "Allow: POST" set on w, because
// CrossOriginProtection lets safe methods through from any origin: a cross-site
// link or <img> would otherwise log a user out, or into the attacker's account.
// Other unsafe methods (DELETE for a logout, say) are the app's choice. Then
// unsafe cross-origin requests are refused (login CSRF).
func (a *Authenticator[U]) checkHelper(w http.ResponseWriter, r *http.Request) *denial {
	var d *denial
	switch r.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions:
		w.Header().Set("Allow", http.MethodPost)
		d = safeMethod(r.Method)
	default:
		if err := a.csrf.Check(r); err != nil {
			d = csrfDenied(err)
		}
	}
	if d != nil {
		a.record(r.Context(), "", d)
	}
	return d
}
