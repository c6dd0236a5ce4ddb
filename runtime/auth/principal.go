package auth

import "context"

// principalsKey is the context key of the principals of the alternative that let
// a request in.
type principalsKey struct{}

// principals is the context value: a pointer, and room for two principals, so
// attaching them costs one allocation.
type principals struct {
	list []Principal
	buf  [2]Principal
}

// PrincipalFrom returns the principal that let the request in on a route with
// Security: for a combined requirement (several schemes at once) the first
// scheme's, in the requirement's order; PrincipalsFrom has them all. Principal.Scheme
// names the scheme. False on short-form routes (use UserFrom), on Public routes and
// on Optional routes served anonymously.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	g, _ := ctx.Value(principalsKey{}).(*principals)
	if g == nil || len(g.list) == 0 {
		return Principal{}, false
	}
	return g.list[0], true
}

// PrincipalsFrom returns one principal per scheme of the alternative that let the
// request in, in the requirement's order; nil where PrincipalFrom is false. The
// session's principal has the user's roles as Scopes and the user (type U) as
// Value; UserFrom works whenever the session is one of them.
func PrincipalsFrom(ctx context.Context) []Principal {
	if g, _ := ctx.Value(principalsKey{}).(*principals); g != nil {
		return g.list
	}
	return nil
}
