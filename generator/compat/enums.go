package compat

import (
	"fmt"
	"math"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// primaryType is the schema's type without "null" ("" when none or several).
func primaryType(v *openapi3.Schema) string {
	if v.Type == nil {
		return ""
	}
	var out string
	for _, t := range v.Type.Slice() {
		if t == "null" {
			continue
		}
		if out != "" {
			return ""
		}
		out = t
	}
	return out
}

// fits reports whether enum value e can be a Go constant of the type
// oapi-codegen picks for schema type typ.
func fits(typ string, e any) bool {
	switch typ {
	case "string":
		s, ok := e.(string)
		return ok && !badText(s) && !strings.ContainsRune(s, '\\')
	case "integer":
		f, ok := number(e)
		return ok && f == math.Trunc(f) && math.Abs(f) < 1<<53
	case "number":
		_, ok := number(e)
		return ok
	case "boolean":
		_, ok := e.(bool)
		return ok
	}
	return false
}

func number(e any) (float64, bool) {
	switch n := e.(type) {
	case float64:
		return n, !math.IsInf(n, 0) && !math.IsNaN(n)
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// inferType guesses the scalar type of an untyped enum from its values.
func inferType(values []any) string {
	typ := ""
	for _, e := range values {
		var t string
		switch e.(type) {
		case string:
			t = "string"
		case bool:
			t = "boolean"
		case float64, int, int64:
			t = "integer"
			if f, _ := number(e); f != math.Trunc(f) {
				t = "number"
			}
		default:
			return ""
		}
		switch {
		case typ == "":
			typ = t
		case typ == t:
		case typ == "integer" && t == "number", typ == "number" && t == "integer":
			typ = "number"
		default:
			return ""
		}
	}
	return typ
}

// fixEnums makes every enum one oapi-codegen can turn into Go constants:
// null members are removed (they are the pointer's nil), an untyped enum gets
// the type its values share, and an enum with a value that does not fit its
// Go type (or that cannot be written in Go source) is dropped, leaving the
// plain type.
func (p *prep) fixEnums() {
	for _, s := range p.values() {
		v := s.ref.Value
		enum := v.Enum
		if len(enum) == 0 && v.Const == nil {
			continue
		}
		var values []any
		for _, e := range enum {
			if e != nil {
				values = append(values, e)
			}
		}
		if v.Const != nil {
			values = append(values, v.Const)
		}
		typ := primaryType(v)
		if typ == "array" || typ == "object" {
			if typ == "object" && len(enum) > 0 {
				v.Enum = nil
				p.warn(v.Origin, CodeDroppedEnum, "enum of object schema %s cannot be Go constants; dropped", s.where())
			}
			continue
		}
		if v.Type == nil || typ == "" {
			if v.Type != nil && len(v.Type.Slice()) > 1 {
				typ = "" // several types: no Go constant type
			} else {
				typ = inferType(values)
				if typ != "" && len(values) > 0 {
					v.Type = &openapi3.Types{typ}
				}
			}
		}
		ok := typ != "" && len(values) > 0
		for _, e := range values {
			ok = ok && fits(typ, e)
		}
		if ok {
			if len(enum) > 0 && len(values) != len(enum)+boolToInt(v.Const != nil) {
				v.Enum = values[:len(values)-boolToInt(v.Const != nil)]
			}
			continue
		}
		if len(values) == 0 {
			v.Enum = nil
			continue
		}
		v.Enum, v.Const = nil, nil
		p.warn(v.Origin, CodeDroppedEnum, "enum of %s has values that do not fit Go type %s (%s); generated without constants", s.where(), orAny(typ), preview(values))
	}
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func orAny(t string) string {
	if t == "" {
		return "of mixed type"
	}
	return t
}

func preview(values []any) string {
	var parts []string
	for i, e := range values {
		if i == 4 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, fmt.Sprintf("%#v", e))
	}
	return strings.Join(parts, ", ")
}

// dedupeUnions removes repeated members of oneOf/anyOf lists: oapi-codegen
// declares the As/From/Merge helpers once per member and so twice for a
// repeated one.
func (p *prep) dedupeUnions() {
	for _, s := range p.values() {
		v := s.ref.Value
		for _, list := range []*openapi3.SchemaRefs{&v.OneOf, &v.AnyOf} {
			if len(*list) < 2 {
				continue
			}
			seen := map[string]bool{}
			out := (*list)[:0]
			for _, m := range *list {
				key := m.Ref
				if key == "" {
					key = fmt.Sprintf("%p", m.Value)
				}
				if seen[key] {
					p.warn(schemaOrigin(m), CodeDroppedUnionMember, "union %s lists %s twice; the repeat is dropped", s.where(), describeRef(m))
					p.invalidate()
					continue
				}
				seen[key] = true
				out = append(out, m)
			}
			*list = out
		}
	}
}

func describeRef(m *openapi3.SchemaRef) string {
	if m.Ref != "" {
		return m.Ref
	}
	return "the same inline schema"
}
