package compat

import (
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// fixParamNames gives the query, header and cookie parameters of one
// operation distinct Go field names (x-go-name) where oapi-codegen would
// declare two fields of one name in the Params struct, e.g. a query
// `ifModifiedSince` beside a header `If-Modified-Since`.
func (p *prep) fixParamNames() {
	for _, op := range p.operations() {
		// Operation parameters override path-item ones of the same in+name.
		type key struct{ in, name string }
		var list []*openapi3.Parameter
		index := map[key]int{}
		for _, params := range []openapi3.Parameters{op.item.Parameters, op.op.Parameters} {
			for _, prm := range params {
				if prm == nil || prm.Value == nil || prm.Value.In == openapi3.ParameterInPath {
					continue
				}
				k := key{prm.Value.In, prm.Value.Name}
				if i, ok := index[k]; ok {
					list[i] = prm.Value
					continue
				}
				index[k] = len(list)
				list = append(list, prm.Value)
			}
		}
		used := map[string]bool{}
		for _, prm := range list {
			name := prm.Name
			if s, ok := prm.Extensions["x-go-name"].(string); ok {
				name = s
			}
			goName := codegen.SchemaNameToTypeName(name)
			if !used[goName] {
				used[goName] = true
				continue
			}
			base := goName + strings.ToUpper(prm.In[:1]) + prm.In[1:]
			newName := base
			for i := 2; used[newName]; i++ {
				newName = base + itoa(i)
			}
			used[newName] = true
			if prm.Extensions == nil {
				prm.Extensions = map[string]any{}
			}
			prm.Extensions["x-go-name"] = newName
			p.warn(prm.Origin, CodeRenamedField, "%s parameter %q of %s %s has the Go name %s of another parameter; its field is %s", prm.In, prm.Name, op.method, op.key, goName, newName)
		}
	}
}

// section describes one components map whose keys become Go type names.
type section struct {
	name   string // components key, e.g. "parameters"
	suffix string // appended on a collision
	keys   func() []string
	rename func(old, new string)
}

// fixTypeNames renames components whose Go type names collide: across
// sections (a parameter and a schema both named Project) and within one
// (schemas `foo_bar` and `FooBar`). Schemas keep their names where they can;
// every $ref to a renamed component is rewritten.
func (p *prep) fixTypeNames() {
	c := p.doc.Components
	if c == nil {
		return
	}
	sections := []section{
		{"schemas", "Schema", func() []string { return sortedKeys(c.Schemas) }, func(o, n string) { c.Schemas[n] = c.Schemas[o]; delete(c.Schemas, o) }},
		{"parameters", "Parameter", func() []string { return sortedKeys(c.Parameters) }, func(o, n string) { c.Parameters[n] = c.Parameters[o]; delete(c.Parameters, o) }},
		{"requestBodies", "RequestBody", func() []string { return sortedKeys(c.RequestBodies) }, func(o, n string) { c.RequestBodies[n] = c.RequestBodies[o]; delete(c.RequestBodies, o) }},
		{"responses", "Response", func() []string { return sortedKeys(c.Responses) }, func(o, n string) { c.Responses[n] = c.Responses[o]; delete(c.Responses, o) }},
		{"headers", "Header", func() []string { return sortedKeys(c.Headers) }, func(o, n string) { c.Headers[n] = c.Headers[o]; delete(c.Headers, o) }},
	}
	used := map[string]bool{}
	claimed := map[string]bool{}
	for n := range p.reserved {
		used[n], claimed[n] = true, true
	}
	for n := range p.unionMemberNames() {
		used[n], claimed[n] = true, true
	}
	for _, sec := range sections {
		for _, k := range sec.keys() {
			used[p.goTypeName(sec.name, k)] = true
		}
	}
	renames := map[string]string{} // old ref -> new ref
	for _, sec := range sections {
		for _, k := range sec.keys() {
			goName := p.goTypeName(sec.name, k)
			if !claimed[goName] {
				claimed[goName] = true
				continue
			}
			base := k + sec.suffix
			newKey := base
			for i := 2; used[codegen.SchemaNameToTypeName(newKey)] || p.hasKey(sec.name, newKey); i++ {
				newKey = base + itoa(i)
			}
			used[codegen.SchemaNameToTypeName(newKey)] = true
			claimed[codegen.SchemaNameToTypeName(newKey)] = true
			sec.rename(k, newKey)
			if s := c.Schemas[newKey]; sec.name == "schemas" && s != nil && s.Ref == "" && s.Value != nil {
				// oapi-codegen would honour an x-go-name under the new key too.
				delete(s.Value.Extensions, "x-go-name")
			}
			renames["#/components/"+sec.name+"/"+escape(k)] = "#/components/" + sec.name + "/" + escape(newKey)
			p.warn(p.componentOrigin(sec.name, newKey), CodeRenamedType, "components/%s/%s has Go type name %s like another component or a generated declaration; generated as %s", sec.name, k, goName, codegen.SchemaNameToTypeName(newKey))
		}
	}
	if len(renames) == 0 {
		return
	}
	p.invalidate() // components moved to new keys
	for _, r := range p.refFields() {
		if nr, ok := renames[*r]; ok {
			*r = nr
		}
	}
	// Discriminator mappings refer to schemas by $ref too.
	for _, s := range p.values() {
		if d := s.ref.Value.Discriminator; d != nil {
			for k, m := range d.Mapping {
				if nr, ok := renames[m.Ref]; ok {
					m.Ref = nr
					d.Mapping[k] = m
				}
			}
		}
	}
}

// goTypeName is the Go type oapi-codegen declares for a component (schemas
// honour x-go-name; a component that is itself a $ref keeps its key).
func (p *prep) goTypeName(sec, key string) string {
	if sec == "schemas" {
		if s := p.doc.Components.Schemas[key]; s != nil && s.Ref == "" && s.Value != nil {
			if n, ok := s.Value.Extensions["x-go-name"].(string); ok && n != "" {
				return n
			}
		}
	}
	return codegen.SchemaNameToTypeName(key)
}

func (p *prep) hasKey(sec, key string) bool {
	c := p.doc.Components
	switch sec {
	case "schemas":
		_, ok := c.Schemas[key]
		return ok
	case "parameters":
		_, ok := c.Parameters[key]
		return ok
	case "requestBodies":
		_, ok := c.RequestBodies[key]
		return ok
	case "responses":
		_, ok := c.Responses[key]
		return ok
	case "headers":
		_, ok := c.Headers[key]
		return ok
	}
	return false
}

func (p *prep) componentOrigin(sec, key string) *openapi3.Origin {
	c := p.doc.Components
	switch sec {
	case "schemas":
		return schemaOrigin(c.Schemas[key])
	case "parameters":
		if r := c.Parameters[key]; r != nil && r.Value != nil {
			return r.Value.Origin
		}
	case "requestBodies":
		if r := c.RequestBodies[key]; r != nil && r.Value != nil {
			return r.Value.Origin
		}
	case "responses":
		if r := c.Responses[key]; r != nil && r.Value != nil {
			return r.Value.Origin
		}
	case "headers":
		if r := c.Headers[key]; r != nil && r.Value != nil {
			return r.Value.Origin
		}
	}
	return nil
}

// unionMemberNames are the Go types oapi-codegen declares for the inline
// members of oneOf/anyOf unions under component schemas: the union's path
// and the member's index (Pet0, Pet1; Pet_owner0 for a property's union,
// PetItem0 for an array's). specgate's own numbered names (a renamed or
// hoisted CreatePetBody2) must not take one.
func (p *prep) unionMemberNames() map[string]bool {
	names := map[string]bool{}
	c := p.doc.Components
	if c == nil {
		return names
	}
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef, path []string, depth int)
	walk = func(ref *openapi3.SchemaRef, path []string, depth int) {
		if ref == nil || ref.Value == nil || depth > 32 || seen[ref.Value] || (depth > 0 && ref.Ref != "") {
			return
		}
		v := ref.Value
		seen[v] = true
		for _, members := range []openapi3.SchemaRefs{v.OneOf, v.AnyOf} {
			for i, m := range members {
				if m != nil && m.Ref == "" {
					names[codegen.SchemaNameToTypeName(codegen.PathToTypeName(append(append([]string{}, path...), itoa(i))))] = true
				}
			}
		}
		for _, k := range sortedKeys(v.Properties) {
			walk(v.Properties[k], append(append([]string{}, path...), k), depth+1)
		}
		walk(v.Items, append(append([]string{}, path...), "Item"), depth+1)
		walk(v.AdditionalProperties.Schema, append(append([]string{}, path...), "AdditionalProperties"), depth+1)
	}
	for _, k := range sortedKeys(c.Schemas) {
		walk(c.Schemas[k], []string{k}, 0)
	}
	return names
}

// fixPropertyNames gives the properties of one object distinct Go field
// names where oapi-codegen would declare two fields of one name: `a` and
// `A`, `a-b` and `a_b`, or a property `additionalProperties` beside the
// AdditionalProperties map field. The first (by name, as oapi-codegen sorts
// them) keeps its field; each other one gets x-go-name on its own reference
// (not on a shared $ref target), so the JSON name is unchanged.
func (p *prep) fixPropertyNames() {
	for _, s := range p.values() {
		v := s.ref.Value
		props := mergedProperties(v)
		if len(props) < 2 && v.AdditionalProperties.Schema == nil {
			continue
		}
		used := map[string]bool{}
		if v.AdditionalProperties.Schema != nil || v.AdditionalProperties.Has != nil && *v.AdditionalProperties.Has {
			used["AdditionalProperties"] = true
		}
		for _, np := range props {
			name, prop := np.name, np.ref
			if prop == nil {
				continue
			}
			goName := name
			if n, ok := prop.Extensions["x-go-name"].(string); ok {
				goName = n
			} else if prop.Value != nil {
				if n, ok := prop.Value.Extensions["x-go-name"].(string); ok {
					goName = n
				}
			}
			field := codegen.SchemaNameToTypeName(goName)
			if !used[field] {
				used[field] = true
				continue
			}
			newName := field + "2"
			for i := 3; used[newName]; i++ {
				newName = field + itoa(i)
			}
			used[newName] = true
			if prop.Extensions == nil {
				prop.Extensions = map[string]any{}
			}
			prop.Extensions["x-go-name"] = newName
			p.warn(schemaOrigin(prop), CodeRenamedField, "property %q of %s has the Go field name %s of another property; its field is %s", name, s.where(), field, newName)
		}
	}
}

// mergedProperties are the properties of the struct oapi-codegen declares
// for v, in the order fixPropertyNames lets them claim a field: those of
// allOf members reached through a $ref first (a rename there would rename
// the component's own field too), then v's own and its inline members', each
// group by name. One per JSON name: a name two members share is one field.
func mergedProperties(v *openapi3.Schema) []namedRef {
	var shared, local []namedRef
	have := map[string]bool{}
	seen := map[*openapi3.Schema]bool{}
	var add func(v *openapi3.Schema, viaRef bool)
	add = func(v *openapi3.Schema, viaRef bool) {
		if v == nil || seen[v] {
			return
		}
		seen[v] = true
		for _, k := range sortedKeys(v.Properties) {
			if have[k] {
				continue
			}
			have[k] = true
			if viaRef {
				shared = append(shared, namedRef{k, v.Properties[k]})
			} else {
				local = append(local, namedRef{k, v.Properties[k]})
			}
		}
		for _, m := range v.AllOf {
			if m != nil {
				add(m.Value, viaRef || m.Ref != "")
			}
		}
	}
	add(v, false)
	sort.SliceStable(shared, func(i, j int) bool { return shared[i].name < shared[j].name })
	sort.SliceStable(local, func(i, j int) bool { return local[i].name < local[j].name })
	return append(shared, local...)
}

type namedRef struct {
	name string
	ref  *openapi3.SchemaRef
}

// wrapperIdents are the names a path parameter's Go variable may not take:
// oapi-codegen passes path parameters as arguments beside the handler's own
// (w, r), declares them as locals of its wrapper and strict handler beside
// theirs, and uses the packages api.gen.go imports in those bodies. Each was
// seen to break the build (a probe per name); json, bytes, url, multipart
// and ctx are used there for some bodies and parameters. Names that only
// shadow in an inner block (n, value) compile and are left alone.
var wrapperIdents = map[string]bool{
	"w": true, "r": true, "err": true, "siw": true, "sh": true, "handler": true, "params": true,
	"request": true, "response": true, "headers": true, "ctx": true,
	"http": true, "runtime": true, "fmt": true, "context": true, "errors": true, "io": true,
	"strings": true, "json": true, "bytes": true, "url": true, "multipart": true,
}

// fixPathParamVars gives a path parameter whose Go variable would be one of
// wrapperIdents (a parameter {w}, {err}, {fmt}) another Go name, with
// x-go-name (NameParam): the template name and the wire stay as written.
func (p *prep) fixPathParamVars() {
	seen := map[*openapi3.Parameter]bool{}
	for _, op := range p.operations() {
		for _, params := range []openapi3.Parameters{op.item.Parameters, op.op.Parameters} {
			for _, prm := range params {
				if prm == nil || prm.Value == nil || prm.Value.In != openapi3.ParameterInPath || seen[prm.Value] {
					continue
				}
				seen[prm.Value] = true
				name := prm.Value.Name
				if s, ok := prm.Value.Extensions["x-go-name"].(string); ok {
					name = s
				}
				goName := codegen.SchemaNameToTypeName(name)
				if !wrapperIdents[codegen.LowercaseFirstCharacters(goName)] {
					continue
				}
				if prm.Value.Extensions == nil {
					prm.Value.Extensions = map[string]any{}
				}
				prm.Value.Extensions["x-go-name"] = goName + "Param"
				p.warn(prm.Value.Origin, CodeRenamedField, "path parameter %q of %s %s would be the Go variable %s, a name the generated handler uses itself; it is %sParam", prm.Value.Name, op.method, op.key, codegen.LowercaseFirstCharacters(goName), codegen.LowercaseFirstCharacters(goName))
			}
		}
	}
}
