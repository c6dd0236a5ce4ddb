// Package authdiff compares the route-auth tables of two versions of an OpenAPI
// document and says which changes weaken protection.
//
// Routes are matched by method and ServeMux pattern, with path parameter names
// ignored (/pets/{id} and /pets/{petId} are the same route to net/http). A change is
// a weakening when anonymous or less privileged callers can reach a route they
// could not reach before:
//
//   - required → optional or public, optional → public;
//   - a required route's roles removed altogether (any authenticated user now);
//   - a role added to a required route's any-of list (it admits more users);
//   - a new route that anonymous callers can reach (public, or optional, which
//     serves anonymous callers too);
//   - where either version takes the route's requirement from OpenAPI security
//     (requirements.go): a scope removed, an alternative added, a scheme
//     dropped from a combined requirement, or the built-in session replaced by
//     another scheme: any alternative that admits a caller no base
//     alternative admitted.
//
// Removing a route, adding a protected route, narrowing roles and stronger modes
// are listed but are not weakenings.
package authdiff

import (
	"regexp"
	"slices"
	"strings"

	"github.com/specgate/specgate/generator"
)

// Kind says whether a route was added, removed or changed.
type Kind uint8

const (
	// Added routes exist only in the head version.
	Added Kind = iota
	// Removed routes exist only in the base version.
	Removed
	// Changed routes exist in both with a different mode or role set.
	Changed
)

// String returns "added", "removed" or "changed".
func (k Kind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Changed:
		return "changed"
	}
	return "unknown"
}

// MarshalText makes a Kind print as its name in JSON output.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Change is one route that differs between base and head.
type Change struct {
	Kind        Kind
	Method      string
	Pattern     string           // the head's pattern, or the base's for a removed route
	OperationID string           // the head's operationId, or the base's for a removed route
	Base        *generator.Route // nil for an added route
	Head        *generator.Route // nil for a removed route
	// Weakening is true when the change lets more callers through.
	Weakening bool
	// Reasons say, in words, what changed (and why it weakens, when it does).
	Reasons []string
}

// Diff is the result of Compare.
type Diff struct {
	Added   []Change // in head order
	Removed []Change // in base order
	Changed []Change // in head order
}

// All returns every change: added, removed, then changed.
func (d Diff) All() []Change {
	return slices.Concat(d.Added, d.Removed, d.Changed)
}

// Weakenings returns the changes that weaken protection.
func (d Diff) Weakenings() []Change {
	var w []Change
	for _, c := range d.All() {
		if c.Weakening {
			w = append(w, c)
		}
	}
	return w
}

// Empty reports whether base and head protect the same routes the same way.
func (d Diff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// Key identifies a route across versions: the method and the pattern with path
// parameter names dropped, as net/http.ServeMux sees it.
func Key(r generator.Route) string {
	return r.Method + " " + paramName.ReplaceAllString(r.Pattern, "{$2}")
}

// paramName matches a ServeMux wildcard (not the {$} anchor); the name goes, a
// trailing "..." stays.
var paramName = regexp.MustCompile(`\{([^}.$]*)(\.\.\.)?\}`)

// Compare lists the routes added, removed and changed from base to head. A nil
// table counts as one without routes.
func Compare(base, head *generator.Table) Diff {
	var d Diff
	baseRoutes, headRoutes := routes(base), routes(head)
	inBase := index(baseRoutes)
	inHead := index(headRoutes)
	seen := make(map[string]bool, len(headRoutes))
	for i := range headRoutes {
		h := &headRoutes[i]
		k := Key(*h)
		if seen[k] { // a duplicate is a route-conflict error in Build; compare the first only
			continue
		}
		seen[k] = true
		b, ok := inBase[k]
		if !ok {
			c := Change{Kind: Added, Method: h.Method, Pattern: h.Pattern, OperationID: h.OperationID, Head: h}
			c.Reasons = []string{"new " + h.Auth.String() + " route" + rolesSuffix(h) + describeRequirements(h)}
			if h.Auth != generator.Required {
				c.Weakening = true
				c.Reasons[0] += ": anonymous callers can reach it"
			}
			d.Added = append(d.Added, c)
			continue
		}
		if c, changed := compareRoute(b, h); changed {
			d.Changed = append(d.Changed, c)
		}
	}
	seen = make(map[string]bool, len(baseRoutes))
	for i := range baseRoutes {
		b := &baseRoutes[i]
		k := Key(*b)
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, ok := inHead[k]; !ok {
			d.Removed = append(d.Removed, Change{Kind: Removed, Method: b.Method, Pattern: b.Pattern, OperationID: b.OperationID, Base: b,
				Reasons: []string{"removed " + b.Auth.String() + " route" + rolesSuffix(b) + describeRequirements(b)}})
		}
	}
	return d
}

func routes(t *generator.Table) []generator.Route {
	if t == nil {
		return nil
	}
	return t.Routes
}

// index maps each key to its first route.
func index(rs []generator.Route) map[string]*generator.Route {
	m := make(map[string]*generator.Route, len(rs))
	for i := range rs {
		k := Key(rs[i])
		if _, dup := m[k]; !dup {
			m[k] = &rs[i]
		}
	}
	return m
}

// strength orders modes: a lower value admits more callers.
func strength(m generator.Mode) int {
	switch m {
	case generator.Required:
		return 2
	case generator.Optional:
		return 1
	}
	return 0
}

func compareRoute(b, h *generator.Route) (Change, bool) {
	c := Change{Kind: Changed, Method: h.Method, Pattern: h.Pattern, OperationID: h.OperationID, Base: b, Head: h}
	switch sb, sh := strength(b.Auth), strength(h.Auth); {
	case sh < sb:
		c.Weakening = true
		c.Reasons = append(c.Reasons, b.Auth.String()+" → "+h.Auth.String())
	case sh > sb:
		c.Reasons = append(c.Reasons, b.Auth.String()+" → "+h.Auth.String())
	}
	if b.UsesSecurity() || h.UsesSecurity() {
		compareRequirements(&c, b, h)
		return c, len(c.Reasons) > 0
	}
	// Roles only restrict required routes; elsewhere they are not enforced (and
	// Build reports them as errors), so only the mode change counts.
	if b.Auth == generator.Required && h.Auth == generator.Required {
		added := missingFrom(h.Roles, b.Roles)
		removed := missingFrom(b.Roles, h.Roles)
		switch {
		case len(b.Roles) > 0 && len(h.Roles) == 0:
			c.Weakening = true
			c.Reasons = append(c.Reasons, "roles "+list(b.Roles)+" removed: any authenticated user")
		case len(b.Roles) == 0 && len(h.Roles) > 0:
			c.Reasons = append(c.Reasons, "roles "+list(h.Roles)+" now required")
		default:
			if len(added) > 0 {
				c.Weakening = true
				c.Reasons = append(c.Reasons, "roles widened: "+list(added)+" added")
			}
			if len(removed) > 0 {
				c.Reasons = append(c.Reasons, "roles narrowed: "+list(removed)+" removed")
			}
		}
	}
	return c, len(c.Reasons) > 0
}

// missingFrom returns the roles of a that are not in b, in a's order.
func missingFrom(a, b []string) []string {
	var out []string
	for _, r := range a {
		if !slices.Contains(b, r) {
			out = append(out, r)
		}
	}
	return out
}

func list(roles []string) string { return "[" + strings.Join(roles, ", ") + "]" }

func rolesSuffix(r *generator.Route) string {
	if r.Auth == generator.Required && len(r.Roles) > 0 {
		return " (roles " + list(r.Roles) + ")"
	}
	return ""
}
