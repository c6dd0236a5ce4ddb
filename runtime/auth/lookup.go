package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
)

// lookupUser re-checks sub through the app's Lookup (or the user cache). Unknown or
// disabled → 401 and clear; any other error → 503; a panic → 500. Never a pass.
func (a *Authenticator[U]) lookupUser(ctx context.Context, sub string) (U, *denial) {
	if a.users != nil {
		if u, ok := a.users.get(sub, a.now()); ok {
			return u, nil
		}
	}
	u, err := a.callLookup(ctx, sub)
	if err == nil {
		if a.users != nil {
			a.users.put(sub, u, a.now())
		}
		return u, nil
	}
	var d *denial
	switch {
	case errors.Is(err, ErrUserNotFound):
		d = unauthorized(ReasonUserNotFound, err)
	case errors.Is(err, ErrUserDisabled):
		d = unauthorized(ReasonUserDisabled, err)
	case errors.Is(err, errLookupPanic):
		d = internal(ReasonLookupPanic, err)
	default:
		d = unavailable(ReasonLookupError, err)
	}
	d.subject = sub
	var zero U
	return zero, d
}

// callLookup turns a panic in the app's Lookup into an error, so it can only ever
// become a 500.
func (a *Authenticator[U]) callLookup(ctx context.Context, sub string) (u U, err error) {
	defer func() {
		if p := recover(); p != nil {
			a.log.ErrorContext(ctx, "auth: user lookup panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("%w: %v", errLookupPanic, p)
		}
	}()
	return a.cfg.Lookup(ctx, sub)
}

// rolesOf returns u's roles, empty when Config.Roles is nil.
func (a *Authenticator[U]) rolesOf(u U) []string {
	if a.cfg.Roles == nil {
		return nil
	}
	return a.cfg.Roles(u)
}
