// Package auth enforces the route-auth table that specgate generates: JWT access and
// refresh tokens carried in HttpOnly cookies, validated, transparently refreshed, and
// turned into a typed user in the request context.
package auth

import "net/http"

// Mode says what a route asks of the caller. The zero value is Required, so a Route
// whose Auth was forgotten fails closed.
type Mode uint8

const (
	// Required routes reject a request without a valid session with 401.
	Required Mode = iota
	// Optional routes attach the user when the cookies are valid and never reject.
	Optional
	// Public routes never look at the cookies.
	Public
)

// String returns the annotation spelling of m: "required", "optional" or "public".
func (m Mode) String() string {
	switch m {
	case Required:
		return "required"
	case Optional:
		return "optional"
	case Public:
		return "public"
	}
	return "invalid"
}

// Route is one row of the route-auth table that specgate generates.
//
// Two forms: the short form (x-auth-required, x-auth-roles) is Auth and Roles,
// for the built-in cookie session, with Security nil. The document's OpenAPI
// security requirements are Security: any one Requirement suffices; Auth is
// Required, or Optional when the document lists an empty requirement {} among
// them (the caller is attached when one of the others holds, never rejected);
// Roles is then empty. Public routes have neither. The zero Route is Required
// with any session: it fails closed.
type Route struct {
	Method, Pattern, OperationID string // Pattern is the ServeMux path, e.g. /pets/{petId}
	Auth                         Mode
	Roles                        []string      // short form: any of; empty: any authenticated user
	Security                     []Requirement // the document's alternatives; nil for the short form
}

// Guard wraps each route's handler once, at start-up, with the checks its Route asks
// for. Generated RegisterRoutes functions call Wrap for every operation.
type Guard interface {
	Wrap(Route, http.Handler) http.Handler
}
