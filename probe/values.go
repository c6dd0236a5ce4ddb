package probe

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxDepth bounds how deep a synthesised value nests (recursive schemas).
const maxDepth = 6

// paramValue is the value sent for a parameter: the document's example (on the
// parameter, then its first named example, then on the schema), default or
// first enum value, else one shaped by the schema.
func paramValue(p *openapi3.Parameter) any {
	if p.Example != nil {
		return p.Example
	}
	if v, ok := firstExample(p.Examples); ok {
		return v
	}
	if p.Schema != nil && p.Schema.Value != nil {
		return schemaValue(p.Schema.Value, 0)
	}
	return "x"
}

func firstExample(ex openapi3.Examples) (any, bool) {
	keys := make([]string, 0, len(ex))
	for k := range ex {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if e := ex[k]; e != nil && e.Value != nil && e.Value.Value != nil {
			return e.Value.Value, true
		}
	}
	return nil, false
}

// schemaValue is a minimal value that satisfies s: its example, default or
// first enum value, else the smallest value of its type with the required
// properties of an object and minItems items of an array.
func schemaValue(s *openapi3.Schema, depth int) any {
	switch {
	case s.Example != nil:
		return s.Example
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[0]
	case depth > maxDepth:
		return nil
	}
	if len(s.AllOf) > 0 {
		merged := map[string]any{}
		for _, sub := range s.AllOf {
			if sub.Value == nil {
				continue
			}
			v := schemaValue(sub.Value, depth+1)
			m, ok := v.(map[string]any)
			if !ok {
				return v
			}
			for k, x := range m {
				merged[k] = x
			}
		}
		return merged
	}
	for _, alts := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		if len(alts) > 0 && alts[0].Value != nil {
			return schemaValue(alts[0].Value, depth+1)
		}
	}
	t := s.Type
	switch {
	case t.Is("string") || t.Includes("string"):
		return stringValue(s)
	case t.Is("integer") || t.Includes("integer"):
		return math.Floor(numberValue(s))
	case t.Is("number") || t.Includes("number"):
		return numberValue(s)
	case t.Is("boolean") || t.Includes("boolean"):
		return true
	case t.Is("array") || t.Includes("array"):
		out := []any{}
		if s.Items != nil && s.Items.Value != nil {
			for range max(s.MinItems, 0) {
				out = append(out, schemaValue(s.Items.Value, depth+1))
			}
		}
		return out
	case t.Is("object") || t.Includes("object") || len(s.Properties) > 0:
		out := map[string]any{}
		for _, name := range s.Required {
			if p := s.Properties[name]; p != nil && p.Value != nil {
				out[name] = schemaValue(p.Value, depth+1)
			} else {
				out[name] = "x"
			}
		}
		return out
	}
	return "x"
}

func numberValue(s *openapi3.Schema) float64 {
	v := 1.0
	if s.Min != nil {
		v = *s.Min
		if s.ExclusiveMin.IsTrue() {
			v++
		}
	}
	if s.Max != nil && v > *s.Max {
		v = *s.Max
	}
	return v
}

func stringValue(s *openapi3.Schema) string {
	var v string
	switch s.Format {
	case "uuid":
		v = "00000000-0000-4000-8000-000000000000"
	case "date":
		v = "2024-01-01"
	case "date-time":
		v = "2024-01-01T00:00:00Z"
	case "email":
		v = "probe@example.com"
	case "uri", "url":
		v = "https://example.com/"
	case "ipv4":
		v = "192.0.2.1"
	case "byte":
		v = "eA=="
	default:
		v = "x"
	}
	for uint64(len(v)) < s.MinLength {
		v += "x"
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	return v
}

// textValue formats a scalar (or a list, comma-joined) for a path, query or header.
func textValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return fmt.Sprintf("%d", int64(x))
		}
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = textValue(e)
		}
		return strings.Join(parts, ",")
	case map[string]any, map[any]any:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}
