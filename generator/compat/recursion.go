package compat

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// edge is a struct field oapi-codegen emits by value (required, not
// nullable) whose type is a component schema.
type edge struct {
	owner  *openapi3.Schema // the schema whose required list names the field
	prop   string
	target string // component schema name
}

// valueEdges lists the by-value component fields of schema v, following
// allOf (merged into one struct) and inline objects (anonymous structs).
func valueEdges(comp openapi3.Schemas, v *openapi3.Schema, seen map[*openapi3.Schema]bool, out []edge) []edge {
	if v == nil || seen[v] {
		return out
	}
	seen[v] = true
	for _, m := range v.AllOf {
		if m == nil {
			continue
		}
		if name := componentName(m.Ref); name != "" {
			out = valueEdges(comp, resolveComponent(comp, name), seen, out)
		} else {
			out = valueEdges(comp, m.Value, seen, out)
		}
	}
	req := map[string]bool{}
	for _, r := range v.Required {
		req[r] = true
	}
	for _, k := range sortedKeys(v.Properties) {
		pr := v.Properties[k]
		if pr == nil || pr.Value == nil || !req[k] || pr.Value.Nullable || pr.Value.ReadOnly || pr.Value.WriteOnly ||
			(pr.Value.Type != nil && pr.Value.Type.Includes("null")) {
			continue
		}
		if name := componentName(pr.Ref); name != "" {
			out = append(out, edge{owner: v, prop: k, target: name})
			continue
		}
		// A single-member allOf wrapper is the same type as its member.
		if pr.Ref == "" && len(pr.Value.AllOf) == 1 && len(pr.Value.Properties) == 0 {
			if name := componentName(pr.Value.AllOf[0].Ref); name != "" {
				out = append(out, edge{owner: v, prop: k, target: name})
				continue
			}
		}
		if pr.Ref == "" && (len(pr.Value.Properties) > 0 || len(pr.Value.AllOf) > 0) {
			inner := valueEdges(comp, pr.Value, seen, nil)
			for _, e := range inner {
				out = append(out, e)
			}
			// The anonymous struct itself is embedded by value: an edge from
			// it is an edge from v; breaking it breaks the inner one.
		}
	}
	return out
}

func componentName(ref string) string {
	if !canonicalSchemaRef.MatchString(ref) {
		return ""
	}
	return unescape(strings.TrimPrefix(ref, "#/components/schemas/"))
}

// resolveComponent follows component aliases (a component that is a $ref).
func resolveComponent(comp openapi3.Schemas, name string) *openapi3.Schema {
	for i := 0; i < 64; i++ {
		s := comp[name]
		if s == nil {
			return nil
		}
		next := componentName(s.Ref)
		if next == "" {
			return s.Value
		}
		name = next
	}
	return nil
}

// fixRecursion breaks cycles of by-value struct fields (a Go type that
// contains itself) by making the fields on the cycle optional, so that
// oapi-codegen emits pointers. A required field on such a cycle could never
// be satisfied by finite JSON anyway.
func (p *prep) fixRecursion() {
	if p.doc.Components == nil || len(p.doc.Components.Schemas) == 0 {
		return
	}
	comp := p.doc.Components.Schemas
	names := sortedKeys(comp)
	graph := map[string][]edge{}
	for _, n := range names {
		s := comp[n]
		if s == nil || s.Ref != "" {
			continue // aliases carry no fields of their own
		}
		graph[n] = valueEdges(comp, s.Value, map[*openapi3.Schema]bool{}, nil)
	}
	// Resolve alias targets so edges point at the defining component.
	canon := func(n string) string {
		for i := 0; i < 64; i++ {
			s := comp[n]
			if s == nil || componentName(s.Ref) == "" {
				return n
			}
			n = componentName(s.Ref)
		}
		return n
	}
	scc := tarjan(names, func(n string) []string {
		var out []string
		for _, e := range graph[n] {
			out = append(out, canon(e.target))
		}
		return out
	})
	done := map[*openapi3.Schema]map[string]bool{}
	for _, n := range names {
		for _, e := range graph[n] {
			t := canon(e.target)
			if scc[n] == 0 || scc[t] != scc[n] {
				continue
			}
			if done[e.owner] == nil {
				done[e.owner] = map[string]bool{}
			}
			if done[e.owner][e.prop] {
				continue
			}
			done[e.owner][e.prop] = true
			e.owner.Required = without(e.owner.Required, e.prop)
			p.warn(e.owner.Origin, CodeRecursivePointer, "required property %q (in %s) makes type %s contain itself; generated as an optional pointer", e.prop, n, t)
		}
	}
}

// tarjan returns a strongly-connected-component id per node; nodes in a
// cycle (or with a self-loop) share an id greater than zero, others get 0.
func tarjan(nodes []string, succ func(string) []string) map[string]int {
	index := map[string]int{}
	low := map[string]int{}
	on := map[string]bool{}
	var stack []string
	comp := map[string]int{}
	next, ids := 1, 0
	var visit func(string)
	visit = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		on[v] = true
		self := false
		for _, w := range succ(v) {
			if w == v {
				self = true
			}
			if index[w] == 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var members []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[w] = false
				members = append(members, w)
				if w == v {
					break
				}
			}
			if len(members) > 1 || self {
				ids++
				for _, m := range members {
					comp[m] = ids
				}
			}
		}
	}
	for _, n := range nodes {
		if index[n] == 0 {
			visit(n)
		}
	}
	return comp
}
