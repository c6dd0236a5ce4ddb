package table

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/specgate/specgate/generator/compat"
	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/load"
)

// The annotation keys specgate reads.
const (
	ExtAuthRequired = "x-auth-required"
	ExtAuthRoles    = "x-auth-roles"
)

// Options tunes Build.
type Options struct {
	Missing MissingPolicy
	// BaseURL is a path prefix for patterns, or "servers" for the path of the
	// document's first server URL.
	BaseURL string
	// Compat, when not nil, is what compat.Paths did to the document before
	// Build (as Generate runs it): Build finds each path at its new key. Nil:
	// the document is as loaded, and Build plans compat's moves
	// (compat.PlanPaths) without making them.
	Compat *compat.Changes
}

var methodOrder = []string{
	http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodOptions,
	http.MethodHead, http.MethodPatch, http.MethodTrace, openapi3.MethodQuery,
}

// Build reads the annotations of every operation into the route-auth table. It
// reports every problem of the document at once, sorted; the table is usable
// (every route fails closed) only when none of them is an Error. Paths are
// read in doc.PathOrder (computed by Load); a Document made otherwise lists
// its paths there. The table is planned (package routeplan): Units and each
// route's Registered pattern.
//
// Build does not modify doc. Generate runs compat's path stage first
// (compat.Paths) and passes what it changed in opts.Compat; without it, Build
// uses what that stage will change (compat.PlanPaths). Route.Key is the key
// compat gives the route's path either way, and Route.Served the path it is
// generated and served under.
func Build(doc *load.Document, opts Options) (*ir.Table, []ir.Diagnostic) {
	if opts.Compat != nil {
		return build(doc, opts, *opts.Compat, true)
	}
	return build(doc, opts, compat.Changes{Paths: compat.PlanPaths(doc.T.Paths)}, false)
}

// build is Build after compat's path stage: changes is what compat.Paths did
// to doc when prepared, else what it will do (PlanPaths). Routes keep the
// paths and operationIds as written either way.
func build(doc *load.Document, opts Options, changes compat.Changes, prepared bool) (*ir.Table, []ir.Diagnostic) {
	b := &builder{doc: doc, policy: opts.Missing, seenOps: map[*openapi3.Operation]bool{}}
	moves := make(map[string]compat.PathMove, len(changes.Paths))
	for _, mv := range changes.Paths {
		moves[mv.Old] = mv
	}
	if prepared {
		// An operationId compat set where the document has none is not the
		// document's: Build generates and names it as oapi-codegen would.
		for _, s := range changes.OperationIDs {
			if item := doc.T.Paths.Value(s.Key); item != nil {
				if op := item.GetOperation(s.Method); op != nil {
					if b.unwritten == nil {
						b.unwritten = map[*openapi3.Operation]bool{}
					}
					b.unwritten[op] = true
				}
			}
		}
	}
	if b.policy == "" {
		b.policy = MissingError
	}
	b.diags = append(b.diags, doc.Diagnostics...)
	t := doc.T
	table := &ir.Table{BaseURL: b.baseURL(opts.BaseURL)}

	root := b.readLevel(t.Extensions, t.Origin, ir.FromRoot, b.fallbackPos())
	for _, path := range doc.PathOrder {
		key, served := path, path
		if mv, ok := moves[path]; ok {
			key, served = mv.New, mv.Served
		}
		item := t.Paths.Value(path)
		if prepared {
			item = t.Paths.Value(key)
		}
		if item == nil {
			continue
		}
		b.pathRefChain(path, item)
		pathLevel := b.readLevel(item.Extensions, item.Origin, ir.FromPath, b.pos(item.Origin, "paths", path))
		// One conversion per path, not per operation: it runs a regexp.
		pattern := table.BaseURL + codegen.SwaggerUriToStdHttpUri(path)
		for _, method := range operationOrder(item) {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			r := b.route(pattern, path, method, op, root, pathLevel)
			r.Key, r.Served = key, served
			table.Routes = append(table.Routes, r)
			b.ops = append(b.ops, op)
		}
	}
	table.CallbackIDs = b.nameOperations(table.Routes)
	table.Schemes = b.usedSchemes()
	b.diags = append(b.diags, planRoutes(table)...)
	return table, ir.SortDiagnostics(b.diags)
}

type builder struct {
	doc     *load.Document
	policy  MissingPolicy
	diags   []ir.Diagnostic
	seenOps map[*openapi3.Operation]bool
	// unwritten are operations whose operationId compat set (see build).
	unwritten map[*openapi3.Operation]bool
	ops       []*openapi3.Operation  // per route, its operation (Build reads, never keeps, the document)
	nodes     *load.Index            // lazily built when origins are missing
	files     map[string]*load.Index // the document and the files it $refs, by name (pathRefChain)
	sec       securityState
}

// level is what one level (root, path item, operation) says.
type level struct {
	from      ir.Source
	hasAuth   bool
	authOK    bool
	auth      ir.Mode
	authPos   ir.Position
	hasRoles  bool
	rolesOK   bool
	roles     []string
	rolesPos  ir.Position
	objectPos ir.Position
}

func (b *builder) diag(p ir.Position, sev ir.Severity, code, format string, args ...any) {
	b.diags = append(b.diags, ir.Diagnostic{File: p.File, Line: p.Line, Col: p.Col, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...)})
}

// readLevel validates the annotations of one object. Each object is read once, so
// a bad value at the root is reported once, not once per operation.
func (b *builder) readLevel(ext map[string]any, o *openapi3.Origin, from ir.Source, objPos ir.Position, keys ...string) level {
	l := level{from: from, objectPos: objPos}
	fieldPos := func(name string) ir.Position {
		if o != nil {
			if loc, ok := o.Fields.Lookup(name); ok {
				return b.doc.Position(loc)
			}
		}
		if len(keys) > 0 {
			return b.pos(nil, append(slices.Clone(keys), name)...)
		}
		return objPos
	}
	for _, name := range sortedKeys(ext) {
		if strings.HasPrefix(name, "x-auth-") && name != ExtAuthRequired && name != ExtAuthRoles {
			b.diag(fieldPos(name), ir.Warning, "auth-unknown", "unknown extension %s: specgate reads only %s and %s (a typo here would silently change access)", name, ExtAuthRequired, ExtAuthRoles)
		}
	}
	if v, ok := ext[ExtAuthRequired]; ok {
		l.hasAuth = true
		l.authPos = fieldPos(ExtAuthRequired)
		switch v {
		case true:
			l.auth, l.authOK = ir.Required, true
		case false:
			l.auth, l.authOK = ir.Public, true
		case "optional":
			l.auth, l.authOK = ir.Optional, true
		default:
			b.diag(l.authPos, ir.Error, ir.CodeAuthInvalid, "%s must be true, false or \"optional\", got %s", ExtAuthRequired, describeValue(v))
		}
	}
	if v, ok := ext[ExtAuthRoles]; ok {
		l.hasRoles = true
		l.rolesPos = fieldPos(ExtAuthRoles)
		l.roles, l.rolesOK = b.readRoles(v, l.rolesPos, o)
	}
	return l
}

func (b *builder) readRoles(v any, at ir.Position, o *openapi3.Origin) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		b.diag(at, ir.Error, ir.CodeRolesInvalid, "%s must be a list of role names, got %s", ExtAuthRoles, describeValue(v))
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
			p = b.doc.Position(items[next])
			next++
		}
		s, isString := item.(string)
		switch {
		case !isString:
			b.diag(p, ir.Error, ir.CodeRolesInvalid, "%s[%d] must be a string, got %s", ExtAuthRoles, i, describeValue(item))
			ok = false
		case strings.TrimSpace(s) == "":
			b.diag(p, ir.Error, ir.CodeRolesInvalid, "%s[%d] is empty: a role name cannot be blank", ExtAuthRoles, i)
			ok = false
		case strings.TrimSpace(s) != s:
			b.diag(p, ir.Error, ir.CodeRolesInvalid, "%s[%d] %q has leading or trailing spaces", ExtAuthRoles, i, s)
			ok = false
		case slices.Contains(roles, s):
			b.diag(p, ir.Warning, ir.CodeRolesInvalid, "%s[%d] %q is listed twice", ExtAuthRoles, i, s)
		default:
			roles = append(roles, s)
		}
	}
	if !ok {
		return nil, false
	}
	return roles, true
}

func (b *builder) route(pattern, path, method string, op *openapi3.Operation, root, pathLevel level) ir.Route {
	opPos := b.pos(op.Origin, "paths", path, strings.ToLower(method))
	if op.Origin == nil || op.Origin.Key == nil {
		opPos = b.pos(nil, "paths", path, strings.ToLower(method))
	}
	opLevel := b.readLevel(op.Extensions, op.Origin, ir.FromOperation, opPos, "paths", path, strings.ToLower(method))
	r := ir.Route{
		Method:      method,
		Path:        path,
		Pattern:     pattern,
		OperationID: b.writtenID(op),
		Pos:         opPos,
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
		r.SharedOperation = true
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
			r.Auth = ir.Required
		}
	case b.policy == MissingRequired:
		r.Auth, r.AuthFrom = ir.Required, ir.FromPolicy
		b.diag(opPos, ir.Warning, ir.CodeAuthMissing, "%s has no %s at operation, path or root level; treated as required (auth.missing: required)", b.describeOp(name, op), ExtAuthRequired)
	case b.policy == MissingFromSecurity:
		r.Auth, r.AuthFrom = r.Security, ir.FromSecurity
	default:
		r.Auth, r.AuthFrom = ir.Required, ir.FromPolicy
		b.diag(opPos, ir.Error, ir.CodeAuthMissing, "%s has no %s at operation, path or root level (set it, or choose an auth.missing policy)", b.describeOp(name, op), ExtAuthRequired)
	}

	// x-auth-roles: nearest level wins, independently. Roles from a level nearer
	// than (or the same as) the one that made the route public or optional
	// contradict it; roles from farther out are overridden by that level.
	for _, l := range []level{opLevel, pathLevel, root} {
		if !l.hasRoles {
			continue
		}
		if r.Auth != ir.Required && len(l.roles) > 0 {
			if l.from >= r.AuthFrom {
				code := ir.CodeRolesOnPublic
				if r.Auth == ir.Optional {
					code = ir.CodeRolesOnOptional
				}
				b.diag(l.rolesPos, ir.Error, code, "%s is %s (from %s) but has %s from %s: %s routes cannot enforce roles", name, r.Auth, r.AuthFrom, ExtAuthRoles, l.from, r.Auth)
			}
			break
		}
		r.Roles, r.RolesFrom = l.roles, l.from
		break
	}
	b.requirements(&r, path, method, op) // security.go's IR, from either form
	return r
}

func (b *builder) describeOp(name string, op *openapi3.Operation) string {
	if id := b.writtenID(op); id != "" {
		return fmt.Sprintf("%s (%s)", name, id)
	}
	return name
}

// writtenID is op's operationId as the document writes it ("" for none).
func (b *builder) writtenID(op *openapi3.Operation) string {
	if b.unwritten[op] {
		return ""
	}
	return op.OperationID
}

// securityMode derives a mode from the operation's effective security: none →
// public, an empty requirement {} among them → optional, else required.
func securityMode(t *openapi3.T, op *openapi3.Operation) (ir.Mode, bool) {
	reqs := t.Security
	declared := t.Security != nil
	if op.Security != nil {
		reqs, declared = *op.Security, true
	}
	if len(reqs) == 0 {
		return ir.Public, declared
	}
	for _, req := range reqs {
		if len(req) == 0 {
			return ir.Optional, declared
		}
	}
	return ir.Required, declared
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
func (b *builder) nameOperations(routes []ir.Route) map[ir.CallbackSite]string {
	ids := map[string]int{}   // written operationId → its route
	taken := map[string]int{} // Go method name → its route
	var clashed []int         // routes whose name was taken, written ones first
	var generated []int
	for i := range routes {
		r := &routes[i]
		switch {
		case r.SharedOperation:
		case r.OperationIDGenerated:
			generated = append(generated, i)
		default:
			if j, dup := ids[r.OperationID]; dup {
				first := routes[j]
				b.diag(r.Pos, ir.Error, ir.CodeOperationIDDuplicate, "operationId %q of %s %s is already used by %s %s at %s", r.OperationID, r.Method, r.Path, first.Method, first.Path, relPos(first.Pos, r.Pos))
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
		b.diag(r.Pos, ir.Warning, ir.CodeOperationIDMissing, "%s %s has no operationId; using %q, as oapi-codegen does", r.Method, r.Path, r.OperationID)
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
		r.GoName, r.CodegenID = name, name
		if r.OperationIDGenerated {
			r.OperationID = name
			b.diag(r.Pos, ir.Warning, ir.CodeOperationIDMissing, "%s %s has no operationId; using %q: oapi-codegen's %q is the Go method of %s %s at %s", r.Method, r.Path, name, base, owner.Method, owner.Path, relPos(owner.Pos, r.Pos))
		} else {
			b.diag(r.Pos, ir.Warning, ir.CodeOperationIDRenamed, "operationId %q of %s %s becomes the Go method %s: its Go name %s is that of %q (%s %s at %s)", r.OperationID, r.Method, r.Path, name, base, owner.OperationID, owner.Method, owner.Path, relPos(owner.Pos, r.Pos))
		}
	}
	return b.nameCallbacks(routes, taken)
}

// nameCallbacks extends the routes' names to webhooks and to the routes'
// callbacks: oapi-codegen declares their parameter and body types under
// their operationId, else the webhook's or callback's name (EvJSONBody), in
// the package's one namespace. After the routes, webhooks by name, then
// callbacks in route order, each site keeps its name where it is free and
// gets the first free suffix otherwise.
func (b *builder) nameCallbacks(routes []ir.Route, taken map[string]int) map[ir.CallbackSite]string {
	var ids map[ir.CallbackSite]string
	used := map[string]bool{}
	// site names one callback or webhook operation whose default Go name is
	// id's (where is for the warning).
	site := func(key ir.CallbackSite, id string, op *openapi3.Operation, at ir.Position, where string) {
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
			ids = map[ir.CallbackSite]string{}
		}
		ids[key] = name
		if op.Origin != nil && op.Origin.Key != nil {
			at = b.doc.Position(*op.Origin.Key)
		}
		b.diag(at, ir.Warning, ir.CodeOperationIDRenamed, "%s: its Go name %s is another operation's; its types are generated as %s", where, base, name)
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
			site(ir.CallbackSite{Route: -1, Name: name, Method: strings.ToUpper(m)}, id, op, b.pos(nil, "webhooks", name), fmt.Sprintf("webhook %q (%s)", name, strings.ToUpper(m)))
		}
	}
	for i, r := range routes {
		parent := b.ops[i]
		if r.SharedOperation || parent == nil {
			continue
		}
		for _, cbName := range sortedKeys(parent.Callbacks) {
			cb := parent.Callbacks[cbName]
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
					site(ir.CallbackSite{Route: i, Name: cbName, Expr: expr, Method: strings.ToUpper(m)}, id, op, r.Pos, fmt.Sprintf("callback %q (%s %s) of %s %s", cbName, strings.ToUpper(m), expr, r.Method, r.Path))
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
		b.diag(b.fallbackPos(), ir.Warning, "base-url-servers", "base-url: servers, but the document has no servers; using no base URL")
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
		b.diag(b.fallbackPos(), ir.Error, "base-url-servers", "base-url: servers, but the first server URL %q has no usable path", s.URL)
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

var serverVar = regexp.MustCompile(`\{[^{}]+\}`)

func (b *builder) fallbackPos() ir.Position {
	if o := b.doc.T.Origin; o != nil && o.Key != nil {
		return b.doc.Position(*o.Key)
	}
	return ir.Position{File: b.doc.File, Line: 1, Col: 1}
}

// pos is the position of an object from its origin, or, when the document carries
// no origins (a converted Swagger 2.0 document), from the source at the key path.
func (b *builder) pos(o *openapi3.Origin, keys ...string) ir.Position {
	if o != nil && o.Key != nil {
		return b.doc.Position(*o.Key)
	}
	if b.nodes == nil {
		b.nodes = load.NewIndex(b.doc.Source)
	}
	if line, col, ok := b.nodes.Find(keys...); ok {
		return ir.Position{File: b.doc.File, Line: line, Col: col}
	}
	return ir.Position{File: b.doc.File}
}

// relPos formats p for a message about a finding at from: line:col in the same
// file, file:line:col otherwise.
func relPos(p, from ir.Position) string {
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
