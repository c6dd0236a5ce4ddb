package compat

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// generatedIdents are package-level names oapi-codegen's std-http and strict
// templates declare whatever the document (and, as a floor, those of
// specgate's routes.gen.go; Options.Reserved adds the rendered ones): no
// component type, hoisted schema or enum constant may take one of them.
var generatedIdents = []string{
	"ServerInterface", "ServerInterfaceWrapper", "Unimplemented", "MiddlewareFunc",
	"UnescapedCookieParamError", "UnmarshalingParamError", "RequiredParamError",
	"RequiredHeaderError", "InvalidParamFormatError", "TooManyValuesForParamError",
	"Handler", "HandlerWithOptions", "HandlerFromMux", "HandlerFromMuxWithBaseURL",
	"StdHTTPServerOptions", "ServeMux", "StrictHandlerFunc", "StrictMiddlewareFunc",
	"StrictHTTPServerOptions", "NewStrictHandler", "NewStrictHandlerWithOptions",
	"StrictServerInterface", "GetSwagger", "PathToRawSpec", "Routes", "RegisterRoutes",
	"RegisterRoutesWithOptions", "WebhookReceiverInterface", "WebhookReceiverMiddlewareFunc",
}

// componentGoNames is the set of Go type names the components declare.
func (p *prep) componentGoNames() map[string]bool {
	names := map[string]bool{}
	for n := range p.reserved {
		names[n] = true
	}
	c := p.doc.Components
	if c == nil {
		return names
	}
	for _, k := range sortedKeys(c.Schemas) {
		names[p.goTypeName("schemas", k)] = true
	}
	for _, sec := range []map[string]bool{keySet(c.Parameters), keySet(c.Responses), keySet(c.RequestBodies), keySet(c.Headers)} {
		for k := range sec {
			names[codegen.SchemaNameToTypeName(k)] = true
		}
	}
	for _, op := range p.operations() {
		if id := op.op.OperationID; id != "" {
			id = codegen.SchemaNameToTypeName(id)
			for _, suffix := range []string{"Params", "JSONBody", "JSONRequestBody", "RequestObject", "ResponseObject"} {
				names[id+suffix] = true
			}
		}
	}
	return names
}

func keySet[V any](m map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// fixEnumNames keeps the Go names oapi-codegen derives for enums from
// colliding with other declarations: an inline enum's type (named after its
// path, e.g. Certificate.type → CertificateType) against a component, and an
// enum's constants (named after their values) against any type.
func (p *prep) fixEnumNames() {
	c := p.doc.Components
	if c == nil {
		return
	}
	taken := p.componentGoNames()
	// Inline enum types under component schemas.
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef, path []string, depth int)
	walk = func(ref *openapi3.SchemaRef, path []string, depth int) {
		if ref == nil || ref.Value == nil || depth > 32 || seen[ref.Value] {
			return
		}
		v := ref.Value
		if len(path) > 1 && ref.Ref == "" && len(v.Enum) > 0 {
			if _, ok := v.Extensions["x-go-type-name"]; !ok {
				name := codegen.SchemaNameToTypeName(strings.Join(path, "_"))
				if taken[name] {
					base := name + "Enum"
					newName := base
					for i := 2; taken[newName]; i++ {
						newName = base + itoa(i)
					}
					taken[newName] = true
					if v.Extensions == nil {
						v.Extensions = map[string]any{}
					}
					v.Extensions["x-go-type-name"] = newName
					p.warn(v.Origin, CodeRenamedType, "enum at %s would be named %s like another type; generated as %s", strings.Join(path, "."), name, newName)
				}
			}
		}
		if ref.Ref != "" && depth > 0 {
			return
		}
		seen[v] = true
		for _, k := range sortedKeys(v.Properties) {
			walk(v.Properties[k], append(append([]string{}, path...), k), depth+1)
		}
		walk(v.Items, path, depth+1)
		for _, m := range v.AllOf {
			walk(m, path, depth+1)
		}
	}
	for _, k := range sortedKeys(c.Schemas) {
		walk(c.Schemas[k], []string{k}, 0)
	}
	// Enum constants.
	for _, s := range p.values() {
		v := s.ref.Value
		if len(v.Enum) == 0 {
			continue
		}
		values := make([]string, len(v.Enum))
		for i, e := range v.Enum {
			values[i] = fmt.Sprintf("%v", e)
		}
		names := values
		if ext, ok := v.Extensions["x-enum-varnames"].([]any); ok && len(ext) == len(values) {
			names = make([]string, len(ext))
			for i, e := range ext {
				names[i] = fmt.Sprintf("%v", e)
			}
		}
		byValue := map[string]string{}
		for name, value := range codegen.SanitizeEnumNames(names, values) {
			byValue[value] = codegen.SchemaNameToTypeName(name)
		}
		clash := false
		for _, n := range byValue {
			clash = clash || taken[n]
		}
		if !clash {
			continue
		}
		varnames := make([]any, len(values))
		var renamed []string
		for i, val := range values {
			n := byValue[val]
			if n == "" {
				n = codegen.SchemaNameToTypeName(names[i])
			}
			if taken[n] {
				renamed = append(renamed, n)
				n += "Value"
			}
			varnames[i] = n
		}
		p.warn(v.Origin, CodeRenamedType, "enum constants of %s would be named like other declarations (%s); they get the suffix Value", s.where(), quoteList(renamed))
		if v.Extensions == nil {
			v.Extensions = map[string]any{}
		}
		v.Extensions["x-enum-varnames"] = varnames
	}
}

// hoistParamUnions moves the inline oneOf/anyOf schema of a component
// parameter or header into components/schemas: oapi-codegen emits the
// union's helpers for it but not its member types.
func (p *prep) hoistParamUnions() {
	c := p.doc.Components
	if c == nil {
		return
	}
	var taken map[string]bool
	hoist := func(kind, name string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Ref != "" || ref.Value == nil || len(ref.Value.OneOf)+len(ref.Value.AnyOf) == 0 {
			return
		}
		if taken == nil {
			taken = p.takenNames()
		}
		newName, nr := p.addSchema(taken, name+"Value", ref.Value)
		p.warn(schemaOrigin(ref), CodeHoistedSchema, "inline union schema of %s %q generated as %s", kind, name, newName)
		ref.Ref = nr
	}
	for _, k := range sortedKeys(c.Parameters) {
		if r := c.Parameters[k]; r != nil && r.Ref == "" && r.Value != nil {
			hoist("parameter", k, r.Value.Schema)
		}
	}
	for _, k := range sortedKeys(c.Headers) {
		if r := c.Headers[k]; r != nil && r.Ref == "" && r.Value != nil {
			hoist("header", k, r.Value.Schema)
		}
	}
}
