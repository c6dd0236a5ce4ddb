package compat

import "github.com/getkin/kin-openapi/openapi3"

// fixAliasCycles breaks recursion through a type alias. oapi-codegen
// declares an array (or map) component as an alias of an anonymous type
// (type OrderItem = []struct{ Items *OrderItem }); a Go alias may not refer
// to itself, so such a component that reaches itself again through its
// inline items (or additional properties) does not compile. Its inline
// element schema is hoisted into a component of its own: a struct is a
// defined type, which may refer to the alias (type OrderItem =
// []OrderItemItem, OrderItemItem{ Items *OrderItem }).
func (p *prep) fixAliasCycles() {
	c := p.doc.Components
	if c == nil {
		return
	}
	var taken map[string]bool
	for _, k := range sortedKeys(c.Schemas) {
		s := c.Schemas[k]
		if s == nil || s.Ref != "" || s.Value == nil {
			continue
		}
		for _, elem := range []*openapi3.SchemaRef{s.Value.Items, s.Value.AdditionalProperties.Schema} {
			if elem == nil || elem.Ref != "" || elem.Value == nil || !p.reaches(elem, k) {
				continue
			}
			if taken == nil {
				taken = p.takenNames()
			}
			name, ref := p.addSchema(taken, k+"Item", elem.Value)
			elem.Ref = ref
			p.warn(schemaOrigin(elem), CodeHoistedSchema, "components/schemas/%s is an array or map whose elements refer back to it; a Go alias cannot refer to itself, so its element schema is generated as %s", k, name)
		}
	}
}

// reaches reports whether the schema graph below from (following $refs,
// with a visited set) meets a $ref to components/schemas/name.
func (p *prep) reaches(from *openapi3.SchemaRef, name string) bool {
	target := "#/components/schemas/" + escape(name)
	seen := map[*openapi3.Schema]bool{}
	stack := []*openapi3.SchemaRef{from}
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if r == nil {
			continue
		}
		if r.Ref == target {
			return true
		}
		v := r.Value
		if v == nil || seen[v] {
			continue
		}
		seen[v] = true
		for _, k := range sortedKeys(v.Properties) {
			stack = append(stack, v.Properties[k])
		}
		stack = append(stack, v.Items, v.AdditionalProperties.Schema)
		stack = append(stack, v.AllOf...)
		stack = append(stack, v.OneOf...)
		stack = append(stack, v.AnyOf...)
	}
	return false
}
