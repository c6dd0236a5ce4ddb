package compat

import (
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// canonicalSchemaRef is the only $ref form oapi-codegen turns into a Go type
// of this package without an import mapping.
var canonicalSchemaRef = regexp.MustCompile(`^#/components/schemas/[^/]+$`)

// foldName is the key two names collide under once oapi-codegen has turned
// them into Go identifiers: letters and digits, case folded. It may report
// collisions oapi-codegen would not have; renaming then is harmless.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// sanitizeKey keeps the characters OpenAPI allows in a component key.
func sanitizeKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)), r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	out := strings.Trim(b.String(), "_.-")
	if out == "" || !unicode.IsLetter(rune(out[0])) {
		out = "Schema" + out
	}
	return out
}

// takenNames is the fold of every component name that becomes a Go type.
func (p *prep) takenNames() map[string]bool {
	taken := map[string]bool{}
	for n := range p.reserved {
		taken[foldName(n)] = true
	}
	c := p.doc.Components
	if c == nil {
		return taken
	}
	for k := range c.Schemas {
		taken[foldName(k)] = true
	}
	for k := range c.Parameters {
		taken[foldName(k)] = true
	}
	for k := range c.Responses {
		taken[foldName(k)] = true
	}
	for k := range c.RequestBodies {
		taken[foldName(k)] = true
	}
	for k := range c.Headers {
		taken[foldName(k)] = true
	}
	return taken
}

// freeName returns base, or base with a number, whose fold is not taken,
// and marks it taken.
func freeName(taken map[string]bool, base string) string {
	name := base
	for i := 2; taken[foldName(name)]; i++ {
		name = base + itoa(i)
	}
	taken[foldName(name)] = true
	return name
}

// addSchema stores value as a new component schema named after base and
// returns the $ref to it.
func (p *prep) addSchema(taken map[string]bool, base string, value *openapi3.Schema) (string, string) {
	if p.doc.Components == nil {
		p.doc.Components = &openapi3.Components{}
	}
	if p.doc.Components.Schemas == nil {
		p.doc.Components.Schemas = openapi3.Schemas{}
	}
	name := freeName(taken, sanitizeKey(base))
	p.doc.Components.Schemas[name] = &openapi3.SchemaRef{Value: value}
	p.invalidate()
	return name, "#/components/schemas/" + name
}

// structural pointer tokens carry no meaning for a type name.
var structural = map[string]bool{
	"paths": true, "components": true, "schemas": true, "properties": true, "items": true,
	"content": true, "schema": true, "responses": true, "requestBody": true, "parameters": true,
	"allOf": true, "oneOf": true, "anyOf": true, "additionalProperties": true, "get": true,
	"put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true,
	"definitions": true, "requestBodies": true, "headers": true, "webhooks": true,
}

// nameFromRef derives a readable type name from a $ref: the last two
// meaningful tokens of its JSON pointer (or the file name).
func nameFromRef(ref string) string {
	file, frag, _ := strings.Cut(ref, "#")
	var toks []string
	for _, t := range strings.Split(frag, "/") {
		t = unescape(t)
		if u, err := url.PathUnescape(t); err == nil {
			t = u
		}
		if t == "" || structural[t] || strings.Contains(t, "/") && !strings.HasPrefix(t, "/") {
			continue // media types
		}
		if strings.HasPrefix(t, "/") { // a path: keep its last segment
			t = path.Base(t)
		}
		if isDigits(t) {
			continue
		}
		toks = append(toks, t)
	}
	if len(toks) > 2 {
		toks = toks[len(toks)-2:]
	}
	if len(toks) == 0 && file != "" {
		toks = []string{strings.TrimSuffix(path.Base(file), path.Ext(file))}
	}
	name := strings.Join(toks, "_")
	if name == "" {
		name = "Schema"
	}
	return name
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// hoistForeignRefs moves every schema reached through a $ref that is not
// "#/components/schemas/Name" (a $ref into paths, into a schema's
// properties, into another file) into components/schemas, and points the
// $ref there. oapi-codegen can only name the canonical form; moving the
// schema (rather than inlining it) keeps recursive schemas finite.
func (p *prep) hoistForeignRefs() {
	sites := p.schemas()
	var taken map[string]bool
	hoisted := map[string]string{}           // old ref -> new ref
	byValue := map[*openapi3.Schema]string{} // value -> new ref
	for _, s := range sites {
		ref := s.ref
		if ref.Ref == "" || ref.Value == nil || p.rootSchemaRef(ref) {
			continue
		}
		if nr, ok := hoisted[ref.Ref]; ok {
			ref.Ref = nr
			continue
		}
		if nr, ok := byValue[ref.Value]; ok {
			hoisted[ref.Ref] = nr
			ref.Ref = nr
			continue
		}
		// The value may already be a component under another name.
		if nr := p.componentFor(ref.Value); nr != "" {
			hoisted[ref.Ref], byValue[ref.Value] = nr, nr
			ref.Ref = nr
			continue
		}
		if taken == nil {
			taken = p.takenNames()
		}
		name, nr := p.addSchema(taken, nameFromRef(ref.Ref), ref.Value)
		if canonicalSchemaRef.MatchString(ref.Ref) {
			p.warn(schemaOrigin(ref), CodeHoistedRef, "$ref %q is written in a file loaded through another $ref and names that file's component, not the root document's; its schema is generated as %s", ref.Ref, name)
		} else {
			p.warn(schemaOrigin(ref), CodeHoistedRef, "$ref %q is not a components/schemas reference; its schema is generated as %s", ref.Ref, name)
		}
		hoisted[ref.Ref], byValue[ref.Value] = nr, nr
		ref.Ref = nr
	}
	// Non-schema references oapi-codegen names by their $ref: inline the
	// non-canonical ones (they cannot recurse).
	p.inlineForeign()
}

// rootSchemaRef reports whether ref is "#/components/schemas/Name" naming
// the root document's own component: inside a file loaded through another
// $ref the same text names that file's component, which the root does not
// have (or has as another schema). Such a local $ref must be rebased with its
// container, so it is hoisted like any foreign one.
func (p *prep) rootSchemaRef(ref *openapi3.SchemaRef) bool {
	if !canonicalSchemaRef.MatchString(ref.Ref) {
		return false
	}
	if p.doc.Components == nil {
		return false
	}
	c := p.doc.Components.Schemas[unescape(strings.TrimPrefix(ref.Ref, "#/components/schemas/"))]
	if c == nil || c.Value == nil {
		return false
	}
	if c.Value == ref.Value {
		return true
	}
	// In OpenAPI 3.1 a $ref with sibling keywords (a description) gets a
	// copy of its target with the siblings applied: still the root's
	// component when the $ref is written in the file that declares it.
	at, own := schemaOrigin(ref), schemaOrigin(c)
	return at != nil && own != nil && at.Key != nil && own.Key != nil && at.Key.File == own.Key.File
}

// componentFor returns the canonical $ref of the component schema whose value
// is v, or "".
func (p *prep) componentFor(v *openapi3.Schema) string {
	if p.doc.Components == nil {
		return ""
	}
	for _, k := range sortedKeys(p.doc.Components.Schemas) {
		if s := p.doc.Components.Schemas[k]; s != nil && s.Ref == "" && s.Value == v {
			return "#/components/schemas/" + k
		}
	}
	return ""
}

var canonicalRef = regexp.MustCompile(`^#/components/(parameters|responses|requestBodies|headers|examples|links|callbacks)/[^/]+$`)

func (p *prep) inlineForeign() {
	// A canonical-looking $ref is kept only when it names the root's own
	// component (same value): one written inside another file names that
	// file's component, which oapi-codegen would name as the root's.
	c := p.doc.Components
	if c == nil {
		c = &openapi3.Components{}
	}
	clear := func(ref *string, root func(name string) bool) {
		if *ref == "" {
			return
		}
		if canonicalRef.MatchString(*ref) {
			parts := strings.SplitN(*ref, "/", 4)
			if root(unescape(parts[3])) {
				return
			}
		}
		*ref = ""
	}
	for _, op := range p.operations() {
		for _, params := range []openapi3.Parameters{op.item.Parameters, op.op.Parameters} {
			for _, prm := range params {
				if prm != nil {
					clear(&prm.Ref, func(n string) bool { r := c.Parameters[n]; return r != nil && r.Value == prm.Value })
				}
			}
		}
		if rb := op.op.RequestBody; rb != nil {
			clear(&rb.Ref, func(n string) bool { r := c.RequestBodies[n]; return r != nil && r.Value == rb.Value })
		}
		if op.op.Responses != nil {
			for _, r := range op.op.Responses.Map() {
				if r == nil {
					continue
				}
				clear(&r.Ref, func(n string) bool { x := c.Responses[n]; return x != nil && x.Value == r.Value })
				if r.Value != nil {
					for _, h := range r.Value.Headers {
						if h != nil {
							clear(&h.Ref, func(n string) bool { x := c.Headers[n]; return x != nil && x.Value == h.Value })
						}
					}
				}
			}
		}
	}
}

// fixPathItemAliases gives the operations of a path item that another path
// item aliases ($ref: '#/paths/...') an operationId: oapi-codegen derives the
// alias' handler name from the alias' own path when there is none, and then
// registers a handler that does not exist.
func (p *prep) fixPathItemAliases() {
	if p.doc.Paths == nil {
		return
	}
	m := p.doc.Paths.Map()
	for _, key := range sortedKeys(m) {
		item := m[key]
		if item == nil || !strings.HasPrefix(item.Ref, "#/paths/") {
			continue
		}
		target := unescape(strings.TrimPrefix(item.Ref, "#/paths/"))
		canon := m[target]
		if canon == nil {
			continue
		}
		for _, method := range sortedOps(canon) {
			op := canon.GetOperation(method)
			if op.OperationID != "" {
				continue
			}
			op.OperationID = defaultOperationID(method, target)
			p.changes.OperationIDs = append(p.changes.OperationIDs, OperationIDSet{Key: target, Method: method, ID: op.OperationID})
			p.warn(op.Origin, CodeOperationID, "operation %s %s, aliased by path %q, has no operationId; using %q", method, target, key, op.OperationID)
		}
	}
}

// defaultOperationID mirrors the name oapi-codegen derives for an operation
// without operationId, in lower camel case.
func defaultOperationID(method, p string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	up := true
	for _, r := range p {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if up {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		} else {
			up = true
		}
	}
	return b.String()
}
