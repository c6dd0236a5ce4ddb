package auth

import (
	"context"
	"errors"
)

// The types below carry a route's OpenAPI security requirements from the
// generated table to the guard. They are the contract between specgate's
// generated routes.gen.go and this package: plain data, written once at
// start-up, never matched per request.

// Requirement is one alternative of a route's security: every scheme in it must
// hold at once (OpenAPI's security requirement object). A Route with several
// Requirements is satisfied by any one of them.
type Requirement []SchemeRequirement

// SchemeRequirement is one scheme of a Requirement with the scopes it must grant,
// all of them.
type SchemeRequirement struct {
	Scheme Scheme
	Scopes []string
}

// SchemeKind is the type of a security scheme as the document declares it. The
// zero value is InvalidScheme: a Scheme whose kind was forgotten never lets a
// request through.
type SchemeKind uint8

const (
	// InvalidScheme is the zero SchemeKind; the guard refuses routes that use it.
	InvalidScheme SchemeKind = iota
	// APIKey is an apiKey scheme: a value in the header, query parameter or cookie
	// named by Scheme.In and Scheme.Param.
	APIKey
	// HTTPBearer is an http scheme with scheme "bearer": "Authorization: Bearer <token>".
	HTTPBearer
	// HTTPBasic is an http scheme with scheme "basic".
	HTTPBasic
	// OAuth2 is an oauth2 scheme; its access token comes as a bearer token.
	OAuth2
	// OpenIDConnect is an openIdConnect scheme; its token comes as a bearer token.
	OpenIDConnect
)

// In says where an APIKey scheme's value is.
type In uint8

const (
	// InInvalid is the zero In; an APIKey scheme with it is refused.
	InInvalid In = iota
	// InHeader is a request header named Scheme.Param.
	InHeader
	// InQuery is a query parameter named Scheme.Param.
	InQuery
	// InCookie is a cookie named Scheme.Param.
	InCookie
)

// Scheme is a security scheme of the document (components.securitySchemes).
type Scheme struct {
	Name  string // the scheme's key in components.securitySchemes
	Kind  SchemeKind
	In    In     // APIKey only
	Param string // APIKey only: the header, query parameter or cookie name
}

// Credential is what the guard found in a request for one scheme, handed to the
// scheme's Verifier.
type Credential struct {
	Scheme Scheme
	// Value is the API key, or the bearer token for HTTPBearer, OAuth2 and
	// OpenIDConnect.
	Value string
	// Username and Password are set for HTTPBasic.
	Username, Password string
}

// Principal is who a Verifier found behind a Credential.
type Principal struct {
	Scheme  string   // the scheme that let the request in; set by the guard
	Subject string   // who the caller is, for logs and the handler
	Scopes  []string // what the credential grants; a requirement's scopes must all be here
	Value   any      // anything else the application wants to hand to its handlers
}

// ErrInvalidCredential is what a Verifier returns (wrapped is fine) for a
// credential that is wrong, unknown, expired or revoked: the guard answers 401.
// Any other error from a Verifier answers 503.
var ErrInvalidCredential = errors.New("auth: invalid credential")

// Verifier checks one scheme's credentials. The application registers one per
// scheme name the document uses (Config.Verifiers).
type Verifier interface {
	Verify(ctx context.Context, c Credential) (Principal, error)
}

// VerifierFunc adapts a function to Verifier.
type VerifierFunc func(ctx context.Context, c Credential) (Principal, error)

// Verify calls f.
func (f VerifierFunc) Verify(ctx context.Context, c Credential) (Principal, error) { return f(ctx, c) }
