package compat

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// hoistUnionArrayItems moves the inline element schema of a oneOf/anyOf
// member that is an array (or a map: its values) into components/schemas when the element needs a
// named type (an enum, a union). oapi-codegen names a union's members
// <Union>0, <Union>1, ... and the enum inside the array member the same as
// the member itself: `type Labels1 = []Labels1` beside `type Labels1
// string` (redeclared, or oapi-codegen's own "duplicate typename" error).
// As a component the element has a name of its own.
func (p *prep) hoistUnionArrayItems() {
	var taken map[string]bool
	for _, s := range p.values() {
		v := s.ref.Value
		for i, m := range append(append([]*openapi3.SchemaRef{}, v.OneOf...), v.AnyOf...) {
			if m == nil || m.Ref != "" || m.Value == nil {
				continue
			}
			// The member's element: an array's items or a map's values.
			elem := &m.Value.Items
			if !m.Value.Type.Is(openapi3.TypeArray) {
				if len(m.Value.Properties) > 0 || m.Value.AdditionalProperties.Schema == nil {
					continue
				}
				elem = &m.Value.AdditionalProperties.Schema
			}
			items := *elem
			if items == nil || items.Ref != "" || items.Value == nil || !needsNamedType(items, 0) {
				continue
			}
			if taken == nil {
				taken = p.takenNames()
			}
			idx := i
			if idx >= len(v.OneOf) {
				idx -= len(v.OneOf)
			}
			name, ref := p.addSchema(taken, siteBaseName(s.at)+strconv.Itoa(idx)+"Item", items.Value)
			p.warn(schemaOrigin(items), CodeHoistedSchema, "the elements (items or values) of union member %d of %s need a named type, which oapi-codegen would give the member's own name; generated as %s", idx, s.where(), name)
			*elem = &openapi3.SchemaRef{Ref: ref, Value: items.Value}
		}
	}
}

// siteBaseName is a Go name for new components made from a schema site: its
// component name, else the path's last two keys that are not structure
// (`/a`, `labels`), camel-cased.
func siteBaseName(at *sitePath) string {
	where := at.String()
	if name, ok := strings.CutPrefix(where, "#/components/schemas/"); ok && !strings.Contains(name, "/") {
		return codegen.SchemaNameToTypeName(unescape(name))
	}
	structural := map[string]bool{"#": true, "paths": true, "components": true, "schemas": true, "properties": true, "items": true,
		"oneOf": true, "anyOf": true, "allOf": true, "parameters": true, "schema": true, "content": true, "responses": true,
		"requestBody": true, "requestBodies": true, "headers": true, "additionalProperties": true, "webhooks": true, "callbacks": true}
	var keep []string
	for _, seg := range strings.Split(where, "/") {
		seg = unescape(seg)
		if seg == "" || structural[seg] || strings.Trim(seg, "0123456789") == "" || isMethod(seg) {
			continue
		}
		keep = append(keep, seg)
	}
	if len(keep) > 2 {
		keep = keep[len(keep)-2:]
	}
	words := strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '-'
	}, strings.Join(keep, "-"))
	words = strings.Trim(words, "-")
	name := codegen.SchemaNameToTypeName(words)
	if name == "" || name == "Empty" {
		return "Union"
	}
	return name
}

func isMethod(s string) bool {
	switch s {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace", "query":
		return true
	}
	return false
}
