package ir

import "github.com/specgate/specgate/runtime/pathmatch"

// Mode mirrors runtime/auth.Mode: what a route asks of the caller. The zero value
// is Required, the safe one.
type Mode uint8

const (
	// Required rejects a request without a valid session (x-auth-required: true).
	Required Mode = iota
	// Optional attaches the user when the session is valid (x-auth-required: "optional").
	Optional
	// Public never looks at the session (x-auth-required: false).
	Public
)

// String returns "required", "optional" or "public".
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

// MarshalText makes a Mode print as its name in JSON output.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// GoName is the runtime/auth constant for m, as used in generated code.
func (m Mode) GoName() string {
	switch m {
	case Optional:
		return "Optional"
	case Public:
		return "Public"
	}
	return "Required"
}

// Source says where a route's auth mode or roles came from. Nearer levels win:
// operation over path item over document root.
type Source uint8

const (
	// FromNone: nothing set (only for roles: any authenticated user).
	FromNone Source = iota
	// FromPolicy: no annotation; the auth.missing policy decided (error or required).
	FromPolicy
	// FromSecurity: no annotation; derived from OpenAPI security (from-security policy).
	FromSecurity
	// FromRoot: the document root's annotation.
	FromRoot
	// FromPath: the path item's annotation.
	FromPath
	// FromOperation: the operation's own annotation.
	FromOperation
)

// String returns the level's name: none, policy, security, root, path or operation.
func (s Source) String() string {
	return [...]string{"none", "policy", "security", "root", "path", "operation"}[min(int(s), 5)]
}

// MarshalText makes a Source print as its name in JSON output.
func (s Source) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Position is a place in a document.
type Position struct {
	File      string `json:"file"`
	Line, Col int
}

// String formats p as file:line:col (file:line or file when less is known).
func (p Position) String() string {
	return Diagnostic{File: p.File, Line: p.Line, Col: p.Col}.Pos()
}

// Route is one operation of the route-auth table.
type Route struct {
	Method string // upper case, e.g. GET
	Path   string // as written in the document, e.g. /pets/{petId}
	// Key is the path's key in the document once compat has run (Path unless
	// compat rewrote it, e.g. /rides for /rides?page={page}): where Render
	// finds the operation.
	Key string
	// Served is the path as generated and served (Key, unless another path
	// had that key and compat made it unique with a suffix).
	Served  string
	Pattern string // net/http.ServeMux path with the base URL, e.g. /v1/pets/{petId}
	// Registered is the pattern RegisterRoutes hands to ServeMux (without the
	// method); it differs from Pattern only for a route-adapted route (see
	// package routeplan), e.g. /critics/{type} for /critics/{type}.json.
	Registered  string
	OperationID string // as written, or the one generated when it is missing
	// OperationIDGenerated is true when the document has no operationId here.
	OperationIDGenerated bool
	// GoName is the ServerInterface method name: the one oapi-codegen derives
	// from OperationID, with a suffix (2, 3, ...) when another operation has
	// it (the naming pass of Build); Render then hands oapi-codegen GoName as
	// the id.
	GoName    string
	Auth      Mode
	AuthFrom  Source
	Roles     []string // any of them; empty: any authenticated user
	RolesFrom Source
	// Security is the mode the operation's effective OpenAPI security implies, and
	// SecurityDeclared whether the document declares security for it at all.
	Security         Mode
	SecurityDeclared bool
	Pos              Position // the operation's method key
	AuthPos          Position // where Auth was written (zero unless from an annotation)
	// Requirements is what the route enforces, in OpenAPI's meaning, whatever
	// form it came from (security.go): from the short form see
	// ShortFormRequirements (public: empty, not nil); from security (see
	// UsesSecurity) the document's alternatives as written.
	Requirements []Requirement
	// SecurityRequirements is the operation's effective OpenAPI security as
	// written (the operation's, else the root's), nil when neither declares any.
	SecurityRequirements []Requirement

	// CodegenID, when set, is the operationId Render hands oapi-codegen
	// instead of the document's: GoName, because the name oapi-codegen would
	// derive is another operation's (the naming pass of Build).
	CodegenID string
	// SharedOperation is true when an earlier route has the same operation (a
	// path item $ref'd from two paths); that route names it.
	SharedOperation bool
}

// Table is the route-auth table of a document, in spec order: paths in document
// order, operations in document order within a path. Where the document order is
// unknown (a converted Swagger 2.0 document), paths sort by name and methods go
// GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH, TRACE, QUERY, then others by name.
type Table struct {
	BaseURL string // prefixed to every Pattern, "" for none
	Routes  []Route
	// Schemes are the security schemes the routes' Requirements name (not the
	// built-in session), sorted by name.
	Schemes []SecurityScheme

	// Units are how RegisterRoutes registers Routes (routeplan.Make), in
	// registration order.
	Units []Unit
	// CallbackIDs are the operationIds Render gives webhook and callback
	// operations whose Go name another operation has (the naming pass).
	CallbackIDs map[CallbackSite]string
}

// CallbackSite names one webhook or callback operation: a webhook when Route
// is -1 (Name is the webhook), else callback Name of Table.Routes[Route]'s
// operation, under the expression Expr. Method is upper case.
type CallbackSite struct {
	Route              int
	Name, Expr, Method string
}

// Unit is one mux.Handle call of RegisterRoutes.
type Unit struct {
	Method  string
	Path    string // the pattern's path, without the base URL
	Members []int  // indexes into Table.Routes, in the order they are tried
	// Rules are, per member, the Segments pathmatch.Dispatch checks; all nil
	// (and one member) for a route registered as written.
	Rules [][]pathmatch.Segment
}

// Plain reports whether u is registered as written: one operation, no
// adapter.
func (u Unit) Plain() bool { return len(u.Members) == 1 && len(u.Rules[0]) == 0 }
