package auth

import "context"

// userKey is the context key for the user of type U; unexported so only this
// package can set it, and typed so UserFrom[A] never sees a user of type B.
type userKey[U any] struct{}

// withUser returns ctx carrying u.
func withUser[U any](ctx context.Context, u U) context.Context {
	return context.WithValue(ctx, userKey[U]{}, u)
}

// UserFrom returns the user the guard attached to ctx, and false on Public routes,
// on Optional routes without a session, or when U is not the guard's user type.
func UserFrom[U any](ctx context.Context) (U, bool) {
	u, ok := ctx.Value(userKey[U]{}).(U)
	return u, ok
}
