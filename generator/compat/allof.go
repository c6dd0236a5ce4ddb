package compat

import (
	"reflect"

	"github.com/getkin/kin-openapi/openapi3"
)

// keywordFields are the schema keywords that describe or constrain a value
// but add no structure: no properties, items, members or enum. An allOf
// member made only of them is the 3.0 way of annotating a $ref
// (allOf: [{$ref: Timestamp}, {description: ...}]).
var keywordFields = []string{
	"Title", "Description", "Default", "Example", "Examples", "ExternalDocs", "Deprecated",
	"ReadOnly", "WriteOnly", "AllowEmptyValue", "XML", "Nullable", "Format", "Type",
	"Min", "Max", "ExclusiveMin", "ExclusiveMax", "MultipleOf", "MinLength", "MaxLength",
	"Pattern", "MinItems", "MaxItems", "UniqueItems", "MinProps", "MaxProps",
}

// keywordOnly reports whether s has nothing but keywordFields (an origin
// aside): no structure and no extensions (an x-go-* decorator is left to
// oapi-codegen, which honours it).
func keywordOnly(s *openapi3.Schema) bool {
	if s == nil {
		return false
	}
	tmp := *s
	tmp.Origin = nil
	v := reflect.ValueOf(&tmp).Elem()
	for _, f := range keywordFields {
		fv := v.FieldByName(f)
		fv.Set(reflect.Zero(fv.Type()))
	}
	return reflect.DeepEqual(tmp, openapi3.Schema{})
}

// foldAllOfKeywords moves keyword-only allOf members into the schema that
// lists them: allOf is a conjunction, so {allOf: [A, {k}]} and {k, allOf: [A]}
// accept the same values. oapi-codegen merges allOf members pairwise and
// refuses two members whose formats differ, even when one has none (every
// timestamp of the AWS documents), or two defaults; on the parent the
// keywords are metadata it already copies. A member whose keyword the parent
// sets otherwise is left where it is.
func (p *prep) foldAllOfKeywords() {
	for _, s := range p.values() {
		v := s.ref.Value
		if len(v.AllOf) < 2 {
			continue
		}
		kept := v.AllOf[:0:0]
		folded := 0
		for _, m := range v.AllOf {
			if m != nil && m.Ref == "" && len(v.AllOf)-folded > 1 && keywordOnly(m.Value) && foldInto(v, m.Value) {
				folded++
				continue
			}
			kept = append(kept, m)
		}
		if folded > 0 {
			v.AllOf = kept
			p.invalidate()
		}
	}
}

// foldInto copies m's keywords into parent unless one conflicts with a
// keyword parent sets otherwise; it reports whether it copied.
func foldInto(parent, m *openapi3.Schema) bool {
	pv, mv := reflect.ValueOf(parent).Elem(), reflect.ValueOf(m).Elem()
	for _, f := range keywordFields {
		a, b := pv.FieldByName(f), mv.FieldByName(f)
		if !b.IsZero() && !a.IsZero() && !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return false
		}
	}
	for _, f := range keywordFields {
		if b := mv.FieldByName(f); !b.IsZero() {
			pv.FieldByName(f).Set(b)
		}
	}
	return true
}
