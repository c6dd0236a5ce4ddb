package generator

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// The annotation keys specgate reads.
const (
	ExtAuthRequired = "x-auth-required"
	ExtAuthRoles    = "x-auth-roles"
)

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

// String formats p as file:line:col.
func (p Position) String() string {
	return Diagnostic{File: p.File, Line: p.Line, Col: p.Col}.Pos()
}

// Route is one operation of the route-auth table.
type Route struct {
	Method  string // upper case, e.g. GET
	Path    string // as written in the document, e.g. /pets/{petId}
	Pattern string // net/http.ServeMux path with the base URL, e.g. /v1/pets/{petId}
	// Registered is the pattern RegisterRoutes hands to ServeMux (without the
	// method); it differs from Pattern only for a route-adapted route (see
	// planRoutes in routing.go), e.g. /critics/{type} for /critics/{type}.json.
	Registered  string
	OperationID string // as written, or the one generated when it is missing
	// OperationIDGenerated is true when the document has no operationId here.
	OperationIDGenerated bool
	// GoName is the ServerInterface method name: the one oapi-codegen derives
	// from OperationID, with a suffix (2, 3, ...) when another operation has
	// it (nameOperations); Render then hands oapi-codegen GoName as the id.
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

	// codegenID, when set, is the operationId Render hands oapi-codegen instead
	// of the document's: GoName, because the name oapi-codegen would derive is
	// another operation's (nameOperations).
	codegenID string
	// sharedOp is true when an earlier route has the same operation (a path
	// item $ref'd from two paths); that route names it.
	sharedOp bool

	// The operation itself: compat may rename its path key before Render.
	item *openapi3.PathItem
	op   *openapi3.Operation
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

	units []*routeUnit // how RegisterRoutes registers Routes (planRoutes)
	// callbackIDs are the operationIds Render gives callback operations
	// whose Go name another operation has (nameOperations).
	callbackIDs map[callbackSite]string
}

// BuildOptions tunes Build.
type BuildOptions struct {
	Missing MissingPolicy
	// BaseURL is a path prefix for patterns, or "servers" for the path of the
	// document's first server URL.
	BaseURL string
}

var methodOrder = []string{
	http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodOptions,
	http.MethodHead, http.MethodPatch, http.MethodTrace, openapi3.MethodQuery,
}

// Build reads the annotations of every operation into the route-auth table. It
// reports every problem of the document at once, sorted; the table is usable
// (every route fails closed) only when none of them is an Error. Build does not
// modify doc.
func Build(doc *Document, opts BuildOptions) (*Table, []Diagnostic) {
	b := &builder{doc: doc, policy: opts.Missing, seenOps: map[*openapi3.Operation]bool{}}
	if b.policy == "" {
		b.policy = MissingError
	}
	b.diags = append(b.diags, doc.Diagnostics...)
	t := doc.T
	table := &Table{BaseURL: b.baseURL(opts.BaseURL)}

	root := b.readLevel(t.Extensions, t.Origin, FromRoot, b.fallbackPos())
	for _, path := range b.pathOrder() {
		item := t.Paths.Value(path)
		if item == nil {
			continue
		}
		pathLevel := b.readLevel(item.Extensions, item.Origin, FromPath, b.pos(item.Origin, "paths", path))
		// One conversion per path, not per operation: it runs a regexp.
		pattern := table.BaseURL + codegen.SwaggerUriToStdHttpUri(path)
		for _, method := range operationOrder(item) {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			r := b.route(pattern, path, method, item, op, root, pathLevel)
			table.Routes = append(table.Routes, r)
		}
	}
	table.callbackIDs = b.nameOperations(table.Routes)
	table.Schemes = b.usedSchemes()
	b.diags = append(b.diags, table.plan()...)
	return table, SortDiagnostics(b.diags)
}

type builder struct {
	doc     *Document
	policy  MissingPolicy
	diags   []Diagnostic
	seenOps map[*openapi3.Operation]bool
	nodes   *yamlIndex // lazily built when origins are missing
	sec     securityState
}

// level is what one level (root, path item, operation) says.
type level struct {
	from      Source
	hasAuth   bool
	authOK    bool
	auth      Mode
	authPos   Position
	hasRoles  bool
	rolesOK   bool
	roles     []string
	rolesPos  Position
	objectPos Position
}

func (b *builder) diag(p Position, sev Severity, code, format string, args ...any) {
	b.diags = append(b.diags, Diagnostic{File: p.File, Line: p.Line, Col: p.Col, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...)})
}

// readLevel validates the annotations of one object. Each object is read once, so
// a bad value at the root is reported once, not once per operation.
func (b *builder) readLevel(ext map[string]any, o *openapi3.Origin, from Source, objPos Position, keys ...string) level {
	l := level{from: from, objectPos: objPos}
	fieldPos := func(name string) Position {
		if o != nil {
			if loc, ok := o.Fields.Lookup(name); ok {
				return b.doc.position(loc)
			}
		}
		if len(keys) > 0 {
			return b.pos(nil, append(slices.Clone(keys), name)...)
		}
		return objPos
	}
	for _, name := range sortedKeys(ext) {
		if strings.HasPrefix(name, "x-auth-") && name != ExtAuthRequired && name != ExtAuthRoles {
			b.diag(fieldPos(name), Warning, "auth-unknown", "unknown extension %s: specgate reads only %s and %s (a typo here would silently change access)", name, ExtAuthRequired, ExtAuthRoles)
		}
	}
	if v, ok := ext[ExtAuthRequired]; ok {
		l.hasAuth = true
		l.authPos = fieldPos(ExtAuthRequired)
		switch v {
		case true:
			l.auth, l.authOK = Required, true
		case false:
			l.auth, l.authOK = Public, true
		case "optional":
			l.auth, l.authOK = Optional, true
		default:
			b.diag(l.authPos, Error, CodeAuthInvalid, "%s must be true, false or \"optional\", got %s", ExtAuthRequired, describeValue(v))
		}
	}
	if v, ok := ext[ExtAuthRoles]; ok {
		l.hasRoles = true
		l.rolesPos = fieldPos(ExtAuthRoles)
		l.roles, l.rolesOK = b.readRoles(v, l.rolesPos, o)
	}
	return l
}

func (b *builder) readRoles(v any, at Position, o *openapi3.Origin) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		b.diag(at, Error, CodeRolesInvalid, "%s must be a list of role names, got %s", ExtAuthRoles, describeValue(v))
		return nil, false
	}
	var items []openapi3.Location
	if o != nil {
		items = o.Sequences[ExtAuthRoles]
	}
	roles := make([]string, 0, len(list))
	ok = true
	next := 0
	for i, item := range list {
		p := at
		// Origins record the scalar items only, in order.
		if isScalar(item) && next < len(items) {
			p = b.doc.position(items[next])
			next++
		}
		s, isString := item.(string)
		switch {
		case !isString:
			b.diag(p, Error, CodeRolesInvalid, "%s[%d] must be a string, got %s", ExtAuthRoles, i, describeValue(item))
			ok = false
		case strings.TrimSpace(s) == "":
			b.diag(p, Error, CodeRolesInvalid, "%s[%d] is empty: a role name cannot be blank", ExtAuthRoles, i)
			ok = false
		case strings.TrimSpace(s) != s:
			b.diag(p, Error, CodeRolesInvalid, "%s[%d] %q has leading or trailing spaces", ExtAuthRoles, i, s)
			ok = false
		case slices.Contains(roles, s):
			b.diag(p, Warning, CodeRolesInvalid, "%s[%d] %q is listed twice", ExtAuthRoles, i, s)
		default:
			roles = append(roles, s)
		}
	}
	if !ok {
		return nil, false
	}
	return roles, true
}

func (b *builder) route(pattern, path, method string, item *openapi3.PathItem, op *openapi3.Operation, root, pathLevel level) Route {
	opPos := b.pos(op.Origin, "paths", path, strings.ToLower(method))
	if op.Origin == nil || op.Origin.Key == nil {
		opPos = b.pos(nil, "paths", path, strings.ToLower(method))
	}
	opLevel := b.readLevel(op.Extensions, op.Origin, FromOperation, opPos, "paths", path, strings.ToLower(method))
	r := Route{
		Method:      method,
		Path:        path,
		Pattern:     pattern,
		OperationID: op.OperationID,
		Pos:         opPos,
		item:        item,
		op:          op,
	}
	r.Security, r.SecurityDeclared = securityMode(b.doc.T, op)
	name := fmt.Sprintf("%s %s", method, path)

	// Operation ids: oapi-codegen's names for now; nameOperations makes the Go
	// names unique once every route is known.
	if r.OperationID == "" {
		r.OperationID = defaultOperationID(method, path)
		r.OperationIDGenerated = true
	}
	r.GoName = goName(r.OperationID, r.OperationIDGenerated)
	if b.seenOps[op] { // a path item $ref'd from two paths shares its operations
		r.sharedOp = true
	}
	b.seenOps[op] = true

	// x-auth-required: the nearest level that sets it wins, even when its value
	// is invalid (that is an error already; nothing is guessed from outer levels).
	authLevel := level{}
	for _, l := range []level{opLevel, pathLevel, root} {
		if l.hasAuth {
			authLevel = l
			break
		}
	}
	switch {
	case authLevel.hasAuth:
		r.Auth, r.AuthFrom, r.AuthPos = authLevel.auth, authLevel.from, authLevel.authPos
		if !authLevel.authOK {
			r.Auth = Required
		}
	case b.policy == MissingRequired:
		r.Auth, r.AuthFrom = Required, FromPolicy
		b.diag(opPos, Warning, CodeAuthMissing, "%s has no %s at operation, path or root level; treated as required (auth.missing: required)", describeOp(name, op), ExtAuthRequired)
	case b.policy == MissingFromSecurity:
		r.Auth, r.AuthFrom = r.Security, FromSecurity
	default:
		r.Auth, r.AuthFrom = Required, FromPolicy
		b.diag(opPos, Error, CodeAuthMissing, "%s has no %s at operation, path or root level (set it, or choose an auth.missing policy)", describeOp(name, op), ExtAuthRequired)
	}

	// x-auth-roles: nearest level wins, independently. Roles from a level nearer
	// than (or the same as) the one that made the route public or optional
	// contradict it; roles from farther out are overridden by that level.
	for _, l := range []level{opLevel, pathLevel, root} {
		if !l.hasRoles {
			continue
		}
		if r.Auth != Required && len(l.roles) > 0 {
			if l.from >= r.AuthFrom {
				code := CodeRolesOnPublic
				if r.Auth == Optional {
					code = CodeRolesOnOptional
				}
				b.diag(l.rolesPos, Error, code, "%s is %s (from %s) but has %s from %s: %s routes cannot enforce roles", name, r.Auth, r.AuthFrom, ExtAuthRoles, l.from, r.Auth)
			}
			break
		}
		r.Roles, r.RolesFrom = l.roles, l.from
		break
	}
	b.requirements(&r, path, method, op) // security.go's IR, from either form
	return r
}

func describeOp(name string, op *openapi3.Operation) string {
	if op.OperationID != "" {
		return fmt.Sprintf("%s (%s)", name, op.OperationID)
	}
	return name
}

// securityMode derives a mode from the operation's effective security: none →
// public, an empty requirement {} among them → optional, else required.
func securityMode(t *openapi3.T, op *openapi3.Operation) (Mode, bool) {
	reqs := t.Security
	declared := t.Security != nil
	if op.Security != nil {
		reqs, declared = *op.Security, true
	}
	if len(reqs) == 0 {
		return Public, declared
	}
	for _, req := range reqs {
		if len(req) == 0 {
			return Optional, declared
		}
	}
	return Required, declared
}

// nameOperations gives every operation a Go method name no other operation
// has: the one author and oapi-codegen would give it where that is free. Two
// operations with one written operationId are an error (the document breaks
// OpenAPI's rule). Otherwise the names are reserved in one place, in this
// order: written operationIds in document order, then generated ones, so a
// written name always keeps its method; an operation whose name is taken (a
// written `getUsers` after `get_users`, a generated `GetAId` for both
// `/a/{id}` and `/a/id`) gets the first free suffix 2, 3, ... and Render
// hands that name to oapi-codegen as the operationId.
func (b *builder) nameOperations(routes []Route) map[callbackSite]string {
	ids := map[string]int{}   // written operationId → its route
	taken := map[string]int{} // Go method name → its route
	var clashed []int         // routes whose name was taken, written ones first
	var generated []int
	for i := range routes {
		r := &routes[i]
		switch {
		case r.sharedOp:
		case r.OperationIDGenerated:
			generated = append(generated, i)
		default:
			if j, dup := ids[r.OperationID]; dup {
				first := routes[j]
				b.diag(r.Pos, Error, CodeOperationIDDuplicate, "operationId %q of %s %s is already used by %s %s at %s", r.OperationID, r.Method, r.Path, first.Method, first.Path, relPos(first.Pos, r.Pos))
				continue
			}
			ids[r.OperationID] = i
			if _, dup := taken[r.GoName]; dup {
				clashed = append(clashed, i)
				continue
			}
			taken[r.GoName] = i
		}
	}
	for _, i := range generated {
		if _, dup := taken[routes[i].GoName]; dup {
			clashed = append(clashed, i)
			continue
		}
		taken[routes[i].GoName] = i
		r := routes[i]
		b.diag(r.Pos, Warning, CodeOperationIDMissing, "%s %s has no operationId; using %q, as oapi-codegen does", r.Method, r.Path, r.OperationID)
	}
	for _, i := range clashed {
		r := &routes[i]
		base, owner := r.GoName, routes[taken[r.GoName]]
		name := base
		for n := 2; ; n++ {
			name = base + strconv.Itoa(n)
			if _, dup := taken[name]; !dup {
				break
			}
		}
		taken[name] = i
		r.GoName, r.codegenID = name, name
		if r.OperationIDGenerated {
			r.OperationID = name
			b.diag(r.Pos, Warning, CodeOperationIDMissing, "%s %s has no operationId; using %q: oapi-codegen's %q is the Go method of %s %s at %s", r.Method, r.Path, name, base, owner.Method, owner.Path, relPos(owner.Pos, r.Pos))
		} else {
			b.diag(r.Pos, Warning, CodeOperationIDRenamed, "operationId %q of %s %s becomes the Go method %s: its Go name %s is that of %q (%s %s at %s)", r.OperationID, r.Method, r.Path, name, base, owner.OperationID, owner.Method, owner.Path, relPos(owner.Pos, r.Pos))
		}
	}
	return b.nameCallbacks(routes, taken)
}

// callbackSite is one place oapi-codegen declares a callback operation's
// types: a callback object $ref'd by two operations is declared under each.
// A webhook's operation has no parent and no URL expression.
type callbackSite struct {
	parent       *openapi3.Operation
	name, urlExp string
	method       string // upper case
}

// nameCallbacks extends the routes' names to webhooks and to the routes'
// callbacks: oapi-codegen declares their parameter and body types under
// their operationId, else the webhook's or callback's name (EvJSONBody), in
// the package's one namespace. After the routes, webhooks by name, then
// callbacks in route order, each site keeps its name where it is free and
// gets the first free suffix otherwise.
func (b *builder) nameCallbacks(routes []Route, taken map[string]int) map[callbackSite]string {
	var ids map[callbackSite]string
	used := map[string]bool{}
	// site names one callback or webhook operation whose default Go name is
	// id's (where is for the warning).
	site := func(key callbackSite, id string, op *openapi3.Operation, at Position, where string) {
		base := goName(id, false)
		_, isRoute := taken[base]
		if !isRoute && !used[base] {
			used[base] = true
			return
		}
		name := base
		for n := 2; ; n++ {
			name = base + strconv.Itoa(n)
			if _, dup := taken[name]; !dup && !used[name] {
				break
			}
		}
		used[name] = true
		if ids == nil {
			ids = map[callbackSite]string{}
		}
		ids[key] = name
		if op.Origin != nil && op.Origin.Key != nil {
			at = b.doc.position(*op.Origin.Key)
		}
		b.diag(at, Warning, CodeOperationIDRenamed, "%s: its Go name %s is another operation's; its types are generated as %s", where, base, name)
	}
	// Webhooks (3.1): oapi-codegen names them after their operationId, else
	// the webhook; compat names the methods of a webhook with several
	// (subscribePost), and so does this.
	for _, name := range sortedKeys(b.doc.T.Webhooks) {
		item := b.doc.T.Webhooks[name]
		if item == nil {
			continue
		}
		ops := item.Operations()
		for _, m := range sortedKeys(ops) {
			op := ops[m]
			id := op.OperationID
			if id == "" {
				id = name
				if len(ops) > 1 {
					id = name + strings.ToUpper(m[:1]) + strings.ToLower(m[1:])
				}
			}
			site(callbackSite{nil, name, "", strings.ToUpper(m)}, id, op, b.pos(nil, "webhooks", name), fmt.Sprintf("webhook %q (%s)", name, strings.ToUpper(m)))
		}
	}
	for _, r := range routes {
		if r.sharedOp || r.op == nil {
			continue
		}
		for _, cbName := range sortedKeys(r.op.Callbacks) {
			cb := r.op.Callbacks[cbName]
			if cb == nil || cb.Value == nil {
				continue
			}
			exprs := slices.Clone(cb.Value.Keys())
			slices.Sort(exprs)
			for _, expr := range exprs {
				item := cb.Value.Value(expr)
				if item == nil {
					continue
				}
				ops := item.Operations()
				for _, m := range sortedKeys(ops) {
					op := ops[m]
					id := op.OperationID
					if id == "" {
						id = cbName
					}
					site(callbackSite{r.op, cbName, expr, strings.ToUpper(m)}, id, op, r.Pos, fmt.Sprintf("callback %q (%s %s) of %s %s", cbName, strings.ToUpper(m), expr, r.Method, r.Path))
				}
			}
		}
	}
	return ids
}

// defaultOperationID is the name oapi-codegen generates for an operation without
// an operationId: the method and path segments, camel-cased.
func defaultOperationID(method, path string) string {
	id := strings.ToLower(method)
	for part := range strings.SplitSeq(path, "/") {
		if part != "" {
			id += "-" + part
		}
	}
	return codegen.ToCamelCase(id)
}

// goName is the ServerInterface method oapi-codegen derives from an operationId.
func goName(id string, generated bool) string {
	n := id
	if !generated {
		n = codegen.ToCamelCase(id)
	}
	switch {
	case n == "":
		return "Empty"
	case n[0] >= '0' && n[0] <= '9':
		return "N" + n
	}
	return n
}

// pathOrder lists the document's paths in the order they are written: by line,
// then column (a one-line JSON document has every path on line 1).
func (b *builder) pathOrder() []string {
	paths := b.doc.T.Paths.Keys() // sorted: the fallback order
	type at struct{ line, col int }
	inRoot := func(p string) (at, bool) {
		item := b.doc.T.Paths.Value(p)
		if item == nil || item.Origin == nil || item.Origin.Key == nil || item.Origin.Key.File != b.doc.rootURL() {
			return at{}, false
		}
		return at{item.Origin.Key.Line, item.Origin.Key.Column}, true
	}
	all := true
	places := make(map[string]at, len(paths))
	for _, p := range paths {
		a, ok := inRoot(p)
		all = all && ok
		places[p] = a
	}
	if !all { // some path item lives in another file: ask the root document itself
		order := docPathOrder(b.doc.src)
		if order == nil {
			return paths
		}
		clear(places)
		for p, i := range order {
			places[p] = at{line: i}
		}
	}
	slices.SortStableFunc(paths, func(a, c string) int {
		pa, oka := places[a]
		pc, okc := places[c]
		if oka != okc { // paths of unknown position go last
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(pa.line, pc.line), cmp.Compare(pa.col, pc.col))
	})
	return paths
}

// operationOrder lists a path item's methods in the order they are written.
func operationOrder(item *openapi3.PathItem) []string {
	ops := item.Operations()
	var order []string
	if item.Origin != nil {
		for _, f := range item.Origin.Fields {
			m := strings.ToUpper(f.Name)
			if _, ok := ops[m]; ok && !slices.Contains(order, m) {
				order = append(order, m)
			}
		}
	}
	for _, m := range methodOrder {
		if _, ok := ops[m]; ok && !slices.Contains(order, m) {
			order = append(order, m)
		}
	}
	for _, m := range sortedKeys(ops) {
		if !slices.Contains(order, m) {
			order = append(order, m)
		}
	}
	return order
}

// baseURL resolves the base-url option.
func (b *builder) baseURL(opt string) string {
	if opt != "servers" {
		return opt
	}
	servers := b.doc.T.Servers
	if len(servers) == 0 || servers[0] == nil {
		b.diag(b.fallbackPos(), Warning, "base-url-servers", "base-url: servers, but the document has no servers; using no base URL")
		return ""
	}
	s := servers[0]
	raw := serverVar.ReplaceAllStringFunc(s.URL, func(m string) string {
		if v := s.Variables[m[1:len(m)-1]]; v != nil {
			return v.Default
		}
		return m
	})
	u, err := url.Parse(raw)
	if err != nil || strings.ContainsAny(u.Path, "{}") {
		b.diag(b.fallbackPos(), Error, "base-url-servers", "base-url: servers, but the first server URL %q has no usable path", s.URL)
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

var registeredAt = regexp.MustCompile(`\s*\(registered at [^)]*\)`)

var serverVar = regexp.MustCompile(`\{[^{}]+\}`)

func (b *builder) fallbackPos() Position {
	if o := b.doc.T.Origin; o != nil && o.Key != nil {
		return b.doc.position(*o.Key)
	}
	return Position{File: b.doc.File, Line: 1, Col: 1}
}

// pos is the position of an object from its origin, or, when the document carries
// no origins (a converted Swagger 2.0 document), from the source at the key path.
func (b *builder) pos(o *openapi3.Origin, keys ...string) Position {
	if o != nil && o.Key != nil {
		return b.doc.position(*o.Key)
	}
	if b.nodes == nil {
		b.nodes = newYAMLIndex(b.doc.src)
	}
	if line, col, ok := b.nodes.find(keys...); ok {
		return Position{File: b.doc.File, Line: line, Col: col}
	}
	return Position{File: b.doc.File}
}

// relPos formats p for a message about a finding at from: line:col in the same
// file, file:line:col otherwise.
func relPos(p, from Position) string {
	if p.File == from.File {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return p.String()
}

func isScalar(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return false
	}
	return true
}

func describeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", v)
	case bool:
		return fmt.Sprintf("%t", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	case int, int64, uint64, float64, float32:
		return fmt.Sprintf("the number %v", v)
	}
	return fmt.Sprintf("%v", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
