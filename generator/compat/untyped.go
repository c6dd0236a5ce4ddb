package compat

import (
	"github.com/getkin/kin-openapi/openapi3"
)

// rawJSON degrades one schema to json.RawMessage.
func (p *prep) rawJSON(s schemaSite, why string) {
	v := s.ref.Value
	if v.Extensions == nil {
		v.Extensions = map[string]any{}
	}
	v.Extensions["x-go-type"] = "json.RawMessage"
	p.warn(schemaOrigin(s.ref), CodeRawJSON, "schema %s %s; generated as json.RawMessage", s.where(), why)
}

// fixUntypable degrades to raw JSON the schemas oapi-codegen cannot type:
// several non-null types (OpenAPI 3.1 type arrays) and allOf members of
// incompatible types.
func (p *prep) fixUntypable(comp openapi3.Schemas) {
	for _, s := range p.values() {
		v := s.ref.Value
		if _, ok := v.Extensions["x-go-type"]; ok {
			continue
		}
		if v.Type != nil && len(v.Type.Slice()) > 1 && primaryType(v) == "" {
			p.rawJSON(s, "allows several types")
			continue
		}
		if len(v.AllOf) > 0 {
			types := map[string]bool{}
			if t := primaryType(v); t != "" {
				types[t] = true
			}
			for _, m := range v.AllOf {
				mv := m.Value
				if name := componentName(m.Ref); name != "" {
					mv = resolveComponent(comp, name)
				}
				if mv == nil {
					continue
				}
				if t := primaryType(mv); t != "" {
					types[t] = true
				}
			}
			if types["integer"] && types["number"] {
				delete(types, "number")
			}
			if len(types) > 1 {
				p.rawJSON(s, "combines allOf members of different types")
			}
		}
	}
}
