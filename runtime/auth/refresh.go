package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"net/http"
	"time"
)

// session is what a successful refresh or login produces: the new cookies and the
// user they belong to.
type session[U any] struct {
	sub           string
	sid           string // the refresh family, "" without a store
	user          U
	access        string
	accessMaxAge  time.Duration
	refresh       string        // empty: keep the refresh cookie as it is
	refreshMaxAge time.Duration // for refresh
}

// setSession writes the session's cookies. Responses that set a token are never
// stored by caches.
func (a *Authenticator[U]) setSession(w http.ResponseWriter, s *session[U]) {
	if s.access != "" { // empty: a failed refresh that only hands over the successor
		a.setCookie(w, a.accessName, s.access, s.accessMaxAge)
	}
	if s.refresh != "" {
		a.setCookie(w, a.refreshName, s.refresh, s.refreshMaxAge)
	}
	w.Header().Set("Cache-Control", "no-store")
}

// refreshWith turns a refresh token into a new session. Requests that present the
// same token at once share one refresh (singleflight): with a store that is one
// Rotate, so parallel tabs neither fork the family nor trip reuse detection. Across
// instances the store's grace window does the same job, because every instance
// derives the same successor. With a denial it may also return a session holding
// only the successor refresh token, which the caller must set (see refreshOnce).
func (a *Authenticator[U]) refreshWith(ctx context.Context, ks *keySet, token string) (*session[U], *denial) {
	// The work must not die with the first caller's request: others share it.
	ctx = context.WithoutCancel(ctx)
	v, err, _ := a.refresh.Do(token, func() (any, error) {
		s, d := a.refreshOnce(ctx, ks, token)
		if d != nil {
			return s, d
		}
		return s, nil
	})
	if err != nil {
		s, _ := v.(*session[U])
		return s, err.(*denial)
	}
	return v.(*session[U]), nil
}

func (a *Authenticator[U]) refreshOnce(ctx context.Context, ks *keySet, token string) (*session[U], *denial) {
	now := a.now()
	s := &session[U]{}
	reason := ReasonStateless
	if a.cfg.Store == nil {
		var v verified
		if r := verifyTokenBytes(&v, token, ks.refreshVerify, a.expectRefresh(), now); r != ReasonNone {
			return nil, unauthorized(r, nil)
		}
		s.sub = v.sub
	} else {
		if !opaqueOK(token) { // stricter than cookieValueOK
			return nil, unauthorized(ReasonMalformed, nil)
		}
		next := ks.successor(token)
		nextExp := now.Add(a.cfg.RefreshTTL)
		rs, err := a.cfg.Store.Rotate(ctx, hashToken(token), hashToken(next), now, a.cfg.GraceWindow, nextExp)
		switch {
		case errors.Is(err, ErrRefreshReused):
			a.emit(ctx, Event{Kind: EventReuseDetected, Reason: ReasonRefreshReused, Subject: rs.Subject})
			return nil, unauthorized(ReasonRefreshReused, err)
		case errors.Is(err, ErrRefreshUnknown):
			return nil, unauthorized(ReasonRefreshUnknown, err)
		case err != nil:
			return nil, unavailable(ReasonStoreError, err)
		}
		s.sub, s.sid, s.refresh, s.refreshMaxAge = rs.Subject, rs.Family, next, a.cfg.RefreshTTL
		reason = ReasonRotated
		if s.sub == "" {
			// A store bug or a tampered record: never hand "" to Lookup, where an
			// app's query might match something. The family is spent: clear it.
			a.log.ErrorContext(ctx, "auth: refresh store returned a session without a subject")
			return nil, unauthorized(ReasonBadClaims, errEmptySubject)
		}
	}
	u, d := a.lookupUser(ctx, s.sub)
	if d != nil {
		return keepSuccessor(s, d), d
	}
	if a.bursts != nil {
		old := hashToken(token)
		if tok, exp, ok := a.bursts.get(old, s.refresh, now); ok {
			s.user, s.access, s.accessMaxAge = u, tok, exp.Sub(now)
			return s, nil // the same burst: the token minted a moment ago
		}
		defer func() {
			if s.access != "" {
				a.bursts.put(old, burstEntry{next: s.refresh, access: s.access, exp: now.Add(s.accessMaxAge), until: now.Add(a.cfg.GraceWindow)}, now)
			}
		}()
	}
	tok, exp, err := mint(ks.access, a.cfg.Issuer, a.cfg.Audience, s.sub, a.sidFor(s.sid), a.rolesOf(u), now, a.cfg.AccessTTL)
	if err != nil {
		d := internal(ReasonNone, err)
		return keepSuccessor(s, d), d
	}
	s.user, s.access, s.accessMaxAge = u, tok, exp.Sub(now)
	a.emit(ctx, Event{Kind: EventRefresh, Reason: reason, Subject: s.sub})
	return s, nil
}

// errEmptySubject is the cause of a refusal of a stored session without a subject.
var errEmptySubject = errors.New("auth: refresh store returned an empty subject")

// keepSuccessor returns what the client must still receive when a refresh fails
// after the store rotated: the successor, unless d ends the session. Without it
// the client would replay the rotated token once the outage (a 503 from Lookup) is
// over, and after the grace window that counts as reuse and revokes its family.
func keepSuccessor[U any](s *session[U], d *denial) *session[U] {
	if d.clear || s.refresh == "" {
		return nil
	}
	return &session[U]{refresh: s.refresh, refreshMaxAge: s.refreshMaxAge}
}

// sidFor is the sid claim for a session of family: only a revocable guard writes
// one (a store without SessionStates could not answer for it).
func (a *Authenticator[U]) sidFor(family string) string {
	if a.states == nil {
		return ""
	}
	return family
}

// expect returns the claim checks of an access token from the config: a token that
// claims to live longer than AccessTTL (+ Leeway) was not minted under this config.
func (a *Authenticator[U]) expect() expectations {
	return expectations{iss: a.cfg.Issuer, aud: a.cfg.Audience, leeway: a.cfg.Leeway, maxLife: a.cfg.AccessTTL}
}

// expectRefresh is expect for a stateless refresh token, capped by RefreshTTL.
func (a *Authenticator[U]) expectRefresh() expectations {
	e := a.expect()
	e.maxLife = a.cfg.RefreshTTL
	return e
}

// successor derives the token that replaces old: HMAC-SHA256 under a key only the
// servers hold. Every instance (and every parallel request) computes the same one,
// and a thief holding a rotated token cannot compute the live one.
func (ks *keySet) successor(old string) string {
	m := hmac.New(sha256.New, ks.successorKey)
	m.Write([]byte(old))
	return b64.EncodeToString(m.Sum(nil))
}

// opaqueLen is the length of a base64url 256-bit token.
const opaqueLen = 43

// opaqueOK accepts exactly a canonical base64url encoding of 32 bytes.
func opaqueOK(tok string) bool {
	var buf [32]byte
	if len(tok) != opaqueLen {
		return false
	}
	n, err := b64.Decode(buf[:], []byte(tok))
	return err == nil && n == 32
}

// hashToken is what stores keep instead of the token.
func hashToken(tok string) TokenHash {
	return sha256.Sum256([]byte(tok))
}
