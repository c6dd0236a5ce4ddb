package compat

import (
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaSite is one *SchemaRef found in the document and where it was met
// first (a readable path used in messages).
type schemaSite struct {
	ref *openapi3.SchemaRef
	at  *sitePath
}

// where is the JSON pointer of the site, for messages.
func (s schemaSite) where() string { return s.at.String() }

// sitePath is a JSON pointer kept as a chain of segments and spelled out only
// when a message needs it. Building every site's pointer as a string cost
// O(depth × length) bytes per site: ~290 MB per walk of a 6 MB document with
// deeply nested inline schemas.
type sitePath struct {
	parent *sitePath
	lit    string // a fixed segment such as "/properties/"
	key    string // the segment's key, escaped, or an index; may be empty
}

// child returns the path p+lit+key.
func (p *sitePath) child(lit, key string) *sitePath {
	return &sitePath{parent: p, lit: lit, key: key}
}

// String spells the path out.
func (p *sitePath) String() string {
	n := 0
	for q := p; q != nil; q = q.parent {
		n += len(q.lit) + len(q.key)
	}
	b := make([]byte, n)
	for q := p; q != nil; q = q.parent {
		n -= len(q.key)
		copy(b[n:], q.key)
		n -= len(q.lit)
		copy(b[n:], q.lit)
	}
	return string(b)
}

// rootPath is a path of one segment.
func rootPath(lit, key string) *sitePath { return &sitePath{lit: lit, key: key} }

// opSite is one operation with the path item and key it belongs to.
type opSite struct {
	key     string // path, or webhook name
	method  string // upper case
	item    *openapi3.PathItem
	op      *openapi3.Operation
	webhook bool
}

// methods in the order oapi-codegen's sorted keys give, upper case.
func sortedOps(item *openapi3.PathItem) []string {
	ops := item.Operations()
	keys := make([]string, 0, len(ops))
	for k, op := range ops {
		if op != nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// operations lists every operation under paths, then under webhooks. Like
// the schema walk, the list is kept until a pass calls invalidate.
func (p *prep) operations() []opSite {
	if p.ops == nil {
		p.ops = p.listOperations()
	}
	return p.ops
}

func (p *prep) listOperations() []opSite {
	out := []opSite{} // non-nil: an empty list is cached too
	if p.doc.Paths != nil {
		m := p.doc.Paths.Map()
		for _, path := range sortedKeys(m) {
			item := m[path]
			if item == nil {
				continue
			}
			for _, method := range sortedOps(item) {
				out = append(out, opSite{key: path, method: method, item: item, op: item.GetOperation(method)})
			}
		}
	}
	for _, name := range sortedKeys(p.doc.Webhooks) {
		item := p.doc.Webhooks[name]
		if item == nil {
			continue
		}
		for _, method := range sortedOps(item) {
			out = append(out, opSite{key: name, method: method, item: item, op: item.GetOperation(method), webhook: true})
		}
	}
	return out
}

// collector walks the document once and records every schema site.
type collector struct {
	sites   []schemaSite
	refs    []*string    // the Ref field of every reference object met
	vals    []schemaSite // sites of distinct values, built on first use
	null    []nullMedia  // media types written with a null value
	resps   []responseSite
	seenRef map[*openapi3.SchemaRef]bool
	seenVal map[*openapi3.Schema]bool
	seenAny map[any]bool
}

func newCollector() *collector {
	return &collector{seenRef: map[*openapi3.SchemaRef]bool{}, seenVal: map[*openapi3.Schema]bool{}, seenAny: map[any]bool{}}
}

// schemas returns every schema site of the document, components first, in a
// deterministic order; each *SchemaRef and each schema value is visited once.
func (p *prep) schemas() []schemaSite { return p.collect().sites }

// refFields returns the Ref field of every reference object in the document.
func (p *prep) refFields() []*string { return p.collect().refs }

// collect returns the walk of the document, reusing the previous one: most
// passes only change values the walk does not look at (refs, enums,
// extensions, required lists), and walking a large document once per pass
// cost more than all the passes together. A pass that changes what the walk
// visits or where it meets it (adds, removes, renames or replaces a
// component, path, operation, parameter, media type, property or union
// member) must call invalidate.
func (p *prep) collect() *collector {
	if p.walk == nil {
		p.walk = p.walkDoc()
	}
	return p.walk
}

// invalidate drops the cached walk and operation list; the next collect or
// operations call reads the document again.
func (p *prep) invalidate() { p.walk, p.ops = nil, nil }

func (p *prep) walkDoc() *collector {
	c := newCollector()
	doc := p.doc
	if comp := doc.Components; comp != nil {
		for _, k := range sortedKeys(comp.Schemas) {
			c.schema(comp.Schemas[k], nil, "#/components/schemas/", k)
		}
		for _, k := range sortedKeys(comp.Parameters) {
			c.param(comp.Parameters[k], rootPath("#/components/parameters/", k))
		}
		for _, k := range sortedKeys(comp.Headers) {
			c.header(comp.Headers[k], rootPath("#/components/headers/", k))
		}
		for _, k := range sortedKeys(comp.RequestBodies) {
			c.requestBody(comp.RequestBodies[k], rootPath("#/components/requestBodies/", k))
		}
		for _, k := range sortedKeys(comp.Examples) {
			if e := comp.Examples[k]; e != nil {
				c.refs = append(c.refs, &e.Ref)
			}
		}
		for _, k := range sortedKeys(comp.Links) {
			if l := comp.Links[k]; l != nil && !c.seenAny[l] {
				c.seenAny[l] = true
				c.refs = append(c.refs, &l.Ref)
			}
		}
		for _, k := range sortedKeys(comp.Responses) {
			c.response(comp.Responses[k], rootPath("#/components/responses/", k))
		}
		for _, k := range sortedKeys(comp.Callbacks) {
			c.callback(comp.Callbacks[k], rootPath("#/components/callbacks/", k))
		}
	}
	if doc.Paths != nil {
		m := doc.Paths.Map()
		for _, path := range sortedKeys(m) {
			c.pathItem(m[path], rootPath("#/paths/", escape(path)))
		}
	}
	for _, name := range sortedKeys(doc.Webhooks) {
		c.pathItem(doc.Webhooks[name], rootPath("#/webhooks/", escape(name)))
	}
	return c
}

// pointerEscaper and pointerUnescaper encode and decode one JSON pointer
// token (RFC 6901). Built once: a Replacer compiles its tables on first use.
var (
	pointerEscaper   = strings.NewReplacer("~", "~0", "/", "~1")
	pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// escape encodes s as a JSON pointer token. Most keys have nothing to
// escape and are returned as they are, without an allocation.
func escape(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return pointerEscaper.Replace(s)
}

// unescape decodes a JSON pointer token.
func unescape(s string) string {
	if strings.IndexByte(s, '~') < 0 {
		return s
	}
	return pointerUnescaper.Replace(s)
}

func (c *collector) pathItem(item *openapi3.PathItem, where *sitePath) {
	if item == nil || c.seenAny[item] {
		return
	}
	c.refs = append(c.refs, &item.Ref)
	c.seenAny[item] = true
	for i, prm := range item.Parameters {
		c.param(prm, where.child("/parameters/", itoa(i)))
	}
	for _, method := range sortedOps(item) {
		op := item.GetOperation(method)
		ow := where.child("/", strings.ToLower(method))
		for i, prm := range op.Parameters {
			c.param(prm, ow.child("/parameters/", itoa(i)))
		}
		c.requestBody(op.RequestBody, ow.child("/requestBody", ""))
		if op.Responses != nil {
			m := op.Responses.Map()
			for _, code := range sortedKeys(m) {
				c.response(m[code], ow.child("/responses/", code))
			}
		}
		for _, name := range sortedKeys(op.Callbacks) {
			c.callback(op.Callbacks[name], ow.child("/callbacks/", name))
		}
	}
}

func (c *collector) param(p *openapi3.ParameterRef, where *sitePath) {
	if p == nil || c.seenAny[p] {
		return
	}
	c.seenAny[p] = true
	c.refs = append(c.refs, &p.Ref)
	if p.Value == nil || c.seenAny[p.Value] {
		return
	}
	c.seenAny[p.Value] = true
	c.schema(p.Value.Schema, where, "/schema", "")
	c.content(p.Value.Content, where, p.Value.Origin)
}

func (c *collector) header(h *openapi3.HeaderRef, where *sitePath) {
	if h == nil || c.seenAny[h] {
		return
	}
	c.seenAny[h] = true
	c.refs = append(c.refs, &h.Ref)
	if h.Value == nil || c.seenAny[h.Value] {
		return
	}
	c.seenAny[h.Value] = true
	c.schema(h.Value.Schema, where, "/schema", "")
	c.content(h.Value.Content, where, h.Value.Origin)
}

func (c *collector) response(r *openapi3.ResponseRef, where *sitePath) {
	if r == nil || c.seenAny[r] {
		return
	}
	c.seenAny[r] = true
	c.refs = append(c.refs, &r.Ref)
	if r.Value == nil || c.seenAny[r.Value] {
		return
	}
	c.seenAny[r.Value] = true
	c.resps = append(c.resps, responseSite{resp: r.Value, at: where})
	for _, k := range sortedKeys(r.Value.Headers) {
		c.header(r.Value.Headers[k], where.child("/headers/", k))
	}
	for _, k := range sortedKeys(r.Value.Links) {
		if l := r.Value.Links[k]; l != nil && !c.seenAny[l] {
			c.seenAny[l] = true
			c.refs = append(c.refs, &l.Ref)
		}
	}
	c.content(r.Value.Content, where, r.Value.Origin)
}

func (c *collector) content(content openapi3.Content, where *sitePath, owner *openapi3.Origin) {
	for _, mt := range sortedKeys(content) {
		if m := content[mt]; m != nil {
			c.schema(m.Schema, where.child("/content/", escape(mt)), "/schema", "")
		} else {
			c.null = append(c.null, nullMedia{content: content, key: mt, at: where, owner: owner})
		}
	}
}

// schema walks the schema at parent+lit+key. The path is built only for a
// site the walk records: most of the fields below are nil in most schemas.
func (c *collector) schema(ref *openapi3.SchemaRef, parent *sitePath, lit, key string) {
	if ref == nil || c.seenRef[ref] {
		return
	}
	where := parent.child(lit, key)
	c.seenRef[ref] = true
	c.refs = append(c.refs, &ref.Ref)
	c.sites = append(c.sites, schemaSite{ref: ref, at: where})
	v := ref.Value
	if v == nil || c.seenVal[v] {
		return
	}
	c.seenVal[v] = true
	for _, k := range sortedKeys(v.Properties) {
		c.schema(v.Properties[k], where, "/properties/", escape(k))
	}
	c.schema(v.Items, where, "/items", "")
	for i, s := range v.AllOf {
		c.schema(s, where, "/allOf/", itoa(i))
	}
	for i, s := range v.OneOf {
		c.schema(s, where, "/oneOf/", itoa(i))
	}
	for i, s := range v.AnyOf {
		c.schema(s, where, "/anyOf/", itoa(i))
	}
	c.schema(v.Not, where, "/not", "")
	c.schema(v.AdditionalProperties.Schema, where, "/additionalProperties", "")
	for i, s := range v.PrefixItems {
		c.schema(s, where, "/prefixItems/", itoa(i))
	}
	c.schema(v.Contains, where, "/contains", "")
	for _, k := range sortedKeys(v.PatternProperties) {
		c.schema(v.PatternProperties[k], where, "/patternProperties/", escape(k))
	}
	for _, k := range sortedKeys(v.DependentSchemas) {
		c.schema(v.DependentSchemas[k], where, "/dependentSchemas/", escape(k))
	}
	for _, k := range sortedKeys(v.Defs) {
		c.schema(v.Defs[k], where, "/$defs/", escape(k))
	}
	c.schema(v.PropertyNames, where, "/propertyNames", "")
	c.schema(v.If, where, "/if", "")
	c.schema(v.Then, where, "/then", "")
	c.schema(v.Else, where, "/else", "")
	c.schema(v.ContentSchema, where, "/contentSchema", "")
	c.schema(v.UnevaluatedItems.Schema, where, "/unevaluatedItems", "")
	c.schema(v.UnevaluatedProperties.Schema, where, "/unevaluatedProperties", "")
}

func itoa(i int) string { return strconv.Itoa(i) }

func (c *collector) requestBody(rb *openapi3.RequestBodyRef, where *sitePath) {
	if rb == nil || c.seenAny[rb] {
		return
	}
	c.seenAny[rb] = true
	c.refs = append(c.refs, &rb.Ref)
	if rb.Value == nil || c.seenAny[rb.Value] {
		return
	}
	c.seenAny[rb.Value] = true
	c.content(rb.Value.Content, where, rb.Value.Origin)
}

func (c *collector) callback(cb *openapi3.CallbackRef, where *sitePath) {
	if cb == nil || c.seenAny[cb] {
		return
	}
	c.seenAny[cb] = true
	c.refs = append(c.refs, &cb.Ref)
	if cb.Value == nil || c.seenAny[cb.Value] {
		return
	}
	c.seenAny[cb.Value] = true
	m := cb.Value.Map()
	for _, path := range sortedKeys(m) {
		c.pathItem(m[path], where.child("/", escape(path)))
	}
}

// values returns one site per distinct schema value (the first met).
func (p *prep) values() []schemaSite {
	c := p.collect()
	if c.vals != nil {
		return c.vals
	}
	seen := make(map[*openapi3.Schema]bool, len(c.sites))
	out := []schemaSite{} // non-nil: an empty result is cached too
	for _, s := range c.sites {
		if s.ref.Value == nil || seen[s.ref.Value] {
			continue
		}
		seen[s.ref.Value] = true
		out = append(out, s)
	}
	c.vals = out
	return out
}
