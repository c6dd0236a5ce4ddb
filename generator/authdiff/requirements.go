package authdiff

import (
	"slices"
	"strings"

	"github.com/specgate/specgate/generator"
)

// Requirements in OpenAPI's meaning (generator.Route.Requirements): a list of
// alternatives, any one of which lets a caller in. A head alternative H admits
// no caller the base did not when some base alternative B is implied by it
// (H names every scheme of B, each with at least B's scopes). Every head
// alternative without such a B is a weakening, explained as a scope removed,
// a scheme dropped from a combined requirement, or an alternative added. A
// public route (no requirement) counts as the one alternative {}, which the
// mode change already reports.

// requirementsOf is r's requirements, from its short form when a table built
// by hand has none.
func requirementsOf(r *generator.Route) []generator.Requirement {
	reqs := r.Requirements
	if reqs == nil {
		reqs = generator.ShortFormRequirements(r.Auth, r.Roles)
	}
	if len(reqs) == 0 {
		return []generator.Requirement{{}}
	}
	return reqs
}

// compareRequirements appends to c the reasons base and head's requirements
// differ and marks c a weakening when head admits callers base did not.
func compareRequirements(c *Change, b, h *generator.Route) {
	base, head := requirementsOf(b), requirementsOf(h)
	for _, alt := range head {
		if slices.ContainsFunc(base, alt.Implies) {
			continue
		}
		if len(alt) == 0 {
			c.Weakening = true // anonymous callers: the mode change says it
			continue
		}
		c.Weakening = true
		c.Reasons = append(c.Reasons, explainWeaker(alt, base))
	}
	for _, alt := range base {
		if len(alt) == 0 || slices.ContainsFunc(head, alt.Implies) {
			continue
		}
		c.Reasons = append(c.Reasons, "alternative "+alt.String()+" removed or narrowed")
	}
}

// explainWeaker says why alt, a head alternative that implies no base
// alternative, admits more callers: the nearest base alternative lost a scope
// or a scheme, or alt is new.
func explainWeaker(alt generator.Requirement, base []generator.Requirement) string {
	for _, b := range base {
		if !sameSchemes(alt, b) {
			continue
		}
		var lost []string
		for _, s := range b {
			have, _ := alt.Scheme(s.Scheme)
			for _, sc := range s.Scopes {
				if !slices.Contains(have, sc) {
					lost = append(lost, s.Scheme+" "+sc)
				}
			}
		}
		return "scope removed from " + b.String() + ": " + strings.Join(lost, ", ") + " (now " + alt.String() + ")"
	}
	for _, b := range base {
		if len(b) > len(alt) && schemesWithin(alt, b) {
			var dropped []string
			for _, s := range b {
				if _, ok := alt.Scheme(s.Scheme); !ok {
					dropped = append(dropped, s.Scheme)
				}
			}
			return "scheme " + strings.Join(dropped, ", ") + " dropped from the combined requirement " + b.String() + " (now " + alt.String() + ")"
		}
	}
	return "alternative " + alt.String() + " added: it admits callers no base alternative did"
}

func sameSchemes(a, b generator.Requirement) bool {
	return len(a) == len(b) && schemesWithin(a, b)
}

// schemesWithin reports whether every scheme of a is in b.
func schemesWithin(a, b generator.Requirement) bool {
	for _, s := range a {
		if _, ok := b.Scheme(s.Scheme); !ok {
			return false
		}
	}
	return true
}

// describeRequirements is " (apiKey | oauth[admin])" for a route whose
// requirement came from security, "" otherwise.
func describeRequirements(r *generator.Route) string {
	if !r.UsesSecurity() || r.Auth == generator.Public {
		return ""
	}
	return " (" + generator.RequirementsString(r.Requirements) + ")"
}
