package generator

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specgate/specgate/generator/load"
)

// maxInlineDepth bounds inline schema nesting (a $ref starts again at 0);
// real documents nest a few dozen levels at most.
const maxInlineDepth = 256

// schemaGraph walks every schema of a document once (a visited set on the
// reference and on the value: the document graph may have any cycle).
type schemaGraph struct {
	doc     *Document
	seenRef map[*openapi3.SchemaRef]bool
	seenVal map[*openapi3.Schema]bool
	seenAny map[any]bool
	refs    []*openapi3.SchemaRef // every schema reference, in walk order
	diags   []Diagnostic
}

// checkSchemaGraph reports the schema constructs no Go type can carry: $ref
// cycles without a schema and allOf cycles. Each is positioned at the $ref
// or the allOf member that closes the cycle.
func checkSchemaGraph(doc *Document) []Diagnostic {
	g := &schemaGraph{doc: doc, seenRef: map[*openapi3.SchemaRef]bool{}, seenVal: map[*openapi3.Schema]bool{}, seenAny: map[any]bool{}}
	g.walkDoc(doc.T)
	g.refCycles()
	g.allOfCycles()
	g.aliasCycles()
	g.tooDeep()
	return g.diags
}

func (g *schemaGraph) pos(o *openapi3.Origin) Position {
	if o != nil && o.Key != nil {
		return g.doc.Position(*o.Key)
	}
	return Position{File: g.doc.File, Line: 1, Col: 1}
}

func (g *schemaGraph) errorf(o *openapi3.Origin, code, format string, args ...any) {
	p := g.pos(o)
	g.diags = append(g.diags, Diagnostic{File: p.File, Line: p.Line, Col: p.Col, Severity: Error, Code: code, Message: fmt.Sprintf(format, args...)})
}

// refCycles reports each reference left without a value. The loader fails on
// a $ref it cannot find, so a reference without a value is one whose chain
// of component aliases comes back to itself; the message names the chain.
func (g *schemaGraph) refCycles() {
	reported := map[string]bool{}
	for _, ref := range g.refs {
		if ref.Value != nil || ref.Ref == "" {
			continue
		}
		chain := g.aliasChain(ref.Ref)
		key := strings.Join(chain, " → ")
		if reported[key+ref.Ref] {
			continue
		}
		reported[key+ref.Ref] = true
		if len(chain) > 0 {
			g.errorf(ref.Origin, CodeRefCycle, "$ref %q never reaches a schema: %s", ref.Ref, key)
		} else {
			g.errorf(ref.Origin, CodeRefCycle, "$ref %q has no schema (kin-openapi could not resolve it)", ref.Ref)
		}
	}
}

// aliasChain follows component aliases from ref until one repeats; it
// returns the names met, ending with the repeated one, or nil when the chain
// leaves components/schemas.
func (g *schemaGraph) aliasChain(ref string) []string {
	return g.chainIn("schemas", ref)
}

// componentRef returns the $ref written at components/<section>/<name>, and
// whether there is such a component.
func (g *schemaGraph) componentRef(section, name string) (string, bool) {
	c := g.doc.T.Components
	if c == nil {
		return "", false
	}
	switch section {
	case "schemas":
		if r := c.Schemas[name]; r != nil {
			return r.Ref, true
		}
	case "parameters":
		if r := c.Parameters[name]; r != nil {
			return r.Ref, true
		}
	case "headers":
		if r := c.Headers[name]; r != nil {
			return r.Ref, true
		}
	case "requestBodies":
		if r := c.RequestBodies[name]; r != nil {
			return r.Ref, true
		}
	case "responses":
		if r := c.Responses[name]; r != nil {
			return r.Ref, true
		}
	case "callbacks":
		if r := c.Callbacks[name]; r != nil {
			return r.Ref, true
		}
	}
	return "", false
}

// chainIn is aliasChain for any components section.
func (g *schemaGraph) chainIn(section, ref string) []string {
	prefix := "#/components/" + section + "/"
	seen := map[string]bool{}
	var chain []string
	for {
		name, ok := strings.CutPrefix(ref, prefix)
		if !ok || strings.Contains(name, "/") {
			return nil
		}
		chain = append(chain, name)
		if seen[name] {
			return chain
		}
		seen[name] = true
		next, ok := g.componentRef(section, name)
		if !ok {
			return nil
		}
		ref = next
	}
}

// unresolved records a parameter, header, request body, response or
// callback $ref that kin-openapi left without a value: the loader fails on a
// $ref it cannot find, so this is a chain of component aliases that comes
// back to itself (oapi-codegen dereferences the missing value and panics).
// Each is reported once, at the $ref.
func (g *schemaGraph) unresolved(section, ref string, origin *openapi3.Origin) {
	if ref == "" || g.seenAny[section+" "+ref] {
		return
	}
	g.seenAny[section+" "+ref] = true
	if chain := g.chainIn(section, ref); len(chain) > 0 {
		g.errorf(origin, CodeRefCycle, "$ref %q never reaches a %s object: %s", ref, sectionNoun[section], strings.Join(chain, " → "))
		return
	}
	g.errorf(origin, CodeRefCycle, "$ref %q has no %s object (kin-openapi could not resolve it)", ref, sectionNoun[section])
}

var sectionNoun = map[string]string{"parameters": "parameter", "headers": "header", "requestBodies": "request body", "responses": "response", "callbacks": "callback"}

// allOfCycles finds schemas that are their own allOf member: a depth-first
// walk over allOf edges with the usual three colours; a grey target closes a
// cycle.
func (g *schemaGraph) allOfCycles() {
	const (
		white = iota
		grey
		black
	)
	colour := map[*openapi3.Schema]int{}
	var visit func(v *openapi3.Schema)
	visit = func(v *openapi3.Schema) {
		colour[v] = grey
		for _, m := range v.AllOf {
			if m == nil || m.Value == nil {
				continue
			}
			switch colour[m.Value] {
			case grey:
				g.errorf(load.SchemaRefOrigin(m), CodeSchemaCycle, "allOf member %s contains the schema it is a member of; allOf merges its members into one type, so the type would contain itself without end", describeSchemaRef(m))
			case white:
				visit(m.Value)
			}
		}
		colour[v] = black
	}
	for _, ref := range g.refs {
		if v := ref.Value; v != nil && colour[v] == white {
			visit(v)
		}
	}
}

// aliasEdges are the schemas whose Go type oapi-codegen spells inside the
// alias it declares for v: the items of an array (type X = []Items), the
// one member of an allOf that adds nothing (type X = Member). Every other
// shape (an object, a map, a union, a primitive, x-go-type) is a defined
// type or a leaf, which a cycle may pass through.
func aliasEdges(v *openapi3.Schema) []*openapi3.SchemaRef {
	if _, ok := v.Extensions["x-go-type"]; ok {
		return nil
	}
	if isArray(v) {
		return []*openapi3.SchemaRef{v.Items}
	}
	if len(v.AllOf) == 1 && len(v.Properties) == 0 && v.AdditionalProperties.Schema == nil && v.AdditionalProperties.Has == nil && len(v.OneOf)+len(v.AnyOf) == 0 {
		return v.AllOf
	}
	return nil
}

func isArray(v *openapi3.Schema) bool {
	return v.Type.Is(openapi3.TypeArray) || slices.Equal(v.Type.Slice(), []string{openapi3.TypeArray, openapi3.TypeNull})
}

// aliasCycles finds arrays that contain themselves through arrays (and
// $refs, and one-member allOfs) only: List: {type: array, items: {$ref:
// List}}. oapi-codegen declares each of them as a Go alias (type List =
// []List), and an alias may not refer to itself, so the output would not
// compile; compat's fixAliasCycles only helps where an object lies on the
// way. A depth-first walk over alias edges with three colours; the edge to
// a grey schema closes a cycle and is reported there.
func (g *schemaGraph) aliasCycles() {
	const (
		white = iota
		grey
		black
	)
	colour := map[*openapi3.Schema]int{}
	var path []*openapi3.SchemaRef // the edges walked to the current schema
	var visit func(v *openapi3.Schema)
	visit = func(v *openapi3.Schema) {
		colour[v] = grey
		for _, e := range aliasEdges(v) {
			if e == nil || e.Value == nil {
				continue
			}
			switch colour[e.Value] {
			case grey:
				// The cycle runs from the edge into e.Value to this one.
				start := len(path)
				for start > 0 && path[start-1].Value != e.Value {
					start--
				}
				if start > 0 {
					start--
				}
				// A cycle of allOfs alone is allOfCycles' to report.
				if !slices.ContainsFunc(path[start:], func(r *openapi3.SchemaRef) bool { return isArray(r.Value) }) {
					continue
				}
				names := []string{refName(e.Ref)}
				for _, r := range append(slices.Clone(path[start+1:]), e) {
					if r.Ref != "" {
						names = append(names, refName(r.Ref))
					}
				}
				g.errorf(load.SchemaRefOrigin(e), CodeSchemaCycle, "%s is an element of itself through arrays only (%s): oapi-codegen declares an array as a Go alias, and an alias cannot refer to itself, so no Go type would carry it; let an object hold the inner array (a property)", describeSchemaRef(e), strings.Join(names, " → "))
			case white:
				path = append(path, e)
				visit(e.Value)
				path = path[:len(path)-1]
			}
		}
		colour[v] = black
	}
	for _, ref := range g.refs {
		if v := ref.Value; v != nil && colour[v] == white {
			path = append(path[:0], ref)
			visit(v)
		}
	}
}

// refName is a component schema's name for a message, else the $ref.
func refName(ref string) string {
	if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok {
		return name
	}
	return ref
}

// tooDeep reports each inline schema more than maxInlineDepth levels below
// the nearest $ref or named schema, once per chain (the walk stops there).
func (g *schemaGraph) tooDeep() {
	type item struct {
		ref   *openapi3.SchemaRef
		depth int
	}
	done := map[*openapi3.Schema]bool{}
	for _, root := range g.refs {
		stack := []item{{root, 0}}
		for len(stack) > 0 {
			it := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			v := it.ref.Value
			if v == nil || done[v] {
				continue
			}
			done[v] = true
			if it.depth > maxInlineDepth {
				g.errorf(load.SchemaRefOrigin(it.ref), CodeSchemaTooDeep, "inline schema nested %d levels deep (more than %d): each level is a nested Go type; move a level to components/schemas and $ref it", it.depth, maxInlineDepth)
				continue
			}
			var kids []*openapi3.SchemaRef
			for _, k := range sortedKeys(v.Properties) {
				kids = append(kids, v.Properties[k])
			}
			kids = append(kids, v.Items, v.AdditionalProperties.Schema)
			kids = append(kids, v.AllOf...)
			kids = append(kids, v.OneOf...)
			kids = append(kids, v.AnyOf...)
			for _, k := range kids {
				if k != nil && k.Ref == "" {
					stack = append(stack, item{k, it.depth + 1})
				}
			}
		}
	}
}

func describeSchemaRef(ref *openapi3.SchemaRef) string {
	if ref.Ref != "" {
		return fmt.Sprintf("%q", ref.Ref)
	}
	return "(inline)"
}

func (g *schemaGraph) walkDoc(t *openapi3.T) {
	if c := t.Components; c != nil {
		for _, k := range sortedKeys(c.Schemas) {
			g.schema(c.Schemas[k])
		}
		for _, k := range sortedKeys(c.Parameters) {
			g.param(c.Parameters[k])
		}
		for _, k := range sortedKeys(c.Headers) {
			g.header(c.Headers[k])
		}
		for _, k := range sortedKeys(c.RequestBodies) {
			g.requestBody(c.RequestBodies[k])
		}
		for _, k := range sortedKeys(c.Responses) {
			g.response(c.Responses[k])
		}
		for _, k := range sortedKeys(c.Callbacks) {
			g.callback(c.Callbacks[k])
		}
	}
	if t.Paths != nil {
		m := t.Paths.Map()
		for _, k := range sortedKeys(m) {
			g.pathItem(m[k])
		}
	}
	for _, k := range sortedKeys(t.Webhooks) {
		g.pathItem(t.Webhooks[k])
	}
}

func (g *schemaGraph) once(x any) bool {
	if g.seenAny[x] {
		return false
	}
	g.seenAny[x] = true
	return true
}

func (g *schemaGraph) pathItem(item *openapi3.PathItem) {
	if item == nil || !g.once(item) {
		return
	}
	for _, p := range item.Parameters {
		g.param(p)
	}
	ops := item.Operations()
	methods := make([]string, 0, len(ops))
	for m := range ops {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	for _, m := range methods {
		op := ops[m]
		for _, p := range op.Parameters {
			g.param(p)
		}
		g.requestBody(op.RequestBody)
		if op.Responses != nil {
			rs := op.Responses.Map()
			for _, k := range sortedKeys(rs) {
				g.response(rs[k])
			}
		}
		for _, k := range sortedKeys(op.Callbacks) {
			g.callback(op.Callbacks[k])
		}
	}
}

func (g *schemaGraph) param(p *openapi3.ParameterRef) {
	if p == nil {
		return
	}
	if p.Value == nil {
		g.unresolved("parameters", p.Ref, p.Origin)
		return
	}
	if !g.once(p.Value) {
		return
	}
	g.schema(p.Value.Schema)
	g.content(p.Value.Content)
}

func (g *schemaGraph) header(h *openapi3.HeaderRef) {
	if h == nil {
		return
	}
	if h.Value == nil {
		g.unresolved("headers", h.Ref, h.Origin)
		return
	}
	if !g.once(h.Value) {
		return
	}
	g.schema(h.Value.Schema)
	g.content(h.Value.Content)
}

func (g *schemaGraph) requestBody(rb *openapi3.RequestBodyRef) {
	if rb == nil {
		return
	}
	if rb.Value == nil {
		g.unresolved("requestBodies", rb.Ref, rb.Origin)
		return
	}
	if !g.once(rb.Value) {
		return
	}
	g.content(rb.Value.Content)
}

func (g *schemaGraph) response(r *openapi3.ResponseRef) {
	if r == nil {
		return
	}
	if r.Value == nil {
		g.unresolved("responses", r.Ref, r.Origin)
		return
	}
	if !g.once(r.Value) {
		return
	}
	for _, k := range sortedKeys(r.Value.Headers) {
		g.header(r.Value.Headers[k])
	}
	g.content(r.Value.Content)
}

func (g *schemaGraph) callback(cb *openapi3.CallbackRef) {
	if cb == nil {
		return
	}
	if cb.Value == nil {
		g.unresolved("callbacks", cb.Ref, cb.Origin)
		return
	}
	if !g.once(cb.Value) {
		return
	}
	m := cb.Value.Map()
	for _, k := range sortedKeys(m) {
		g.pathItem(m[k])
	}
}

func (g *schemaGraph) content(c openapi3.Content) {
	for _, k := range sortedKeys(c) {
		if mt := c[k]; mt != nil {
			g.schema(mt.Schema)
		}
	}
}

// schema walks ref and everything below it. The walk is an explicit stack,
// not recursion: a document may nest schemas thousands deep.
func (g *schemaGraph) schema(root *openapi3.SchemaRef) {
	stack := []*openapi3.SchemaRef{root}
	for len(stack) > 0 {
		ref := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if ref == nil || g.seenRef[ref] {
			continue
		}
		g.seenRef[ref] = true
		g.refs = append(g.refs, ref)
		v := ref.Value
		if v == nil || g.seenVal[v] {
			continue
		}
		g.seenVal[v] = true
		push := func(rs ...*openapi3.SchemaRef) { stack = append(stack, rs...) }
		for _, k := range sortedKeys(v.Properties) {
			push(v.Properties[k])
		}
		push(v.Items, v.Not, v.AdditionalProperties.Schema, v.Contains, v.PropertyNames, v.If, v.Then, v.Else,
			v.ContentSchema, v.UnevaluatedItems.Schema, v.UnevaluatedProperties.Schema)
		push(v.AllOf...)
		push(v.OneOf...)
		push(v.AnyOf...)
		push(v.PrefixItems...)
		for _, k := range sortedKeys(v.PatternProperties) {
			push(v.PatternProperties[k])
		}
		for _, k := range sortedKeys(v.DependentSchemas) {
			push(v.DependentSchemas[k])
		}
		for _, k := range sortedKeys(v.Defs) {
			push(v.Defs[k])
		}
	}
}
