package auth

import (
	"context"
	"net/http"
	"strings"
)

// refreshedKey marks a request whose guard refreshed the session (minted an access
// token, rotated the refresh token) and set those cookies on the response before
// the handler ran. Logout reads it: ending a session must never hand out a new one.
type refreshedKey struct{}

// withRefreshed marks ctx; only the refresh path pays for it.
func withRefreshed(ctx context.Context) context.Context {
	return context.WithValue(ctx, refreshedKey{}, true)
}

// refreshedIn reports whether the guard refreshed the session of this request.
func refreshedIn(ctx context.Context) bool {
	v, _ := ctx.Value(refreshedKey{}).(bool)
	return v
}

// withdrawSession removes every Set-Cookie line for the session cookies from w's
// header, so a token the guard minted for this request never reaches the client.
// The header has not been written yet: the guard sets cookies before the handler
// runs and a session helper runs before the handler writes.
func (a *Authenticator[U]) withdrawSession(w http.ResponseWriter) {
	h := w.Header()
	lines := h["Set-Cookie"]
	kept := lines[:0]
	for _, l := range lines {
		name, _, _ := strings.Cut(l, "=")
		if name != a.accessName && name != a.refreshName {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		h.Del("Set-Cookie")
		return
	}
	h["Set-Cookie"] = kept
}
