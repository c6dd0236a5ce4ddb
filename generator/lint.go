package generator

import (
	"fmt"
	"slices"
	"strings"
)

// SecurityMismatches returns a security-mismatch warning for every disagreement
// between a route's x-auth-required / x-auth-roles annotation, which decides the
// route, and the operation's effective OpenAPI security, per alternative:
//
//   - the security admits anonymous callers ([] or {}) where the annotation
//     requires a session, or the other way round where that is not weaker
//     (public over a list with {}, optional over []);
//   - on a required route, each security alternative whose scopes are not one
//     of the annotation's roles (x-auth-roles [a, b] are the alternatives
//     [a] and [b]; no roles is the alternative without scopes), and each role
//     that no security alternative asks for alone.
//
// The disagreements that would make the table weaker than the document (a
// public or optional annotation over security that requires credentials) are
// security-weakened errors of Build, not repeated here. Routes whose document
// declares no security, and routes whose requirement came from security or
// from the auth.missing policy, are not compared. Used by lint; generate does
// not call it.
func SecurityMismatches(t *Table) []Diagnostic {
	var ds []Diagnostic
	for _, r := range t.Routes {
		if r.SecurityRequirements == nil || r.AuthFrom < FromRoot {
			continue
		}
		p := r.AuthPos
		if p.File == "" {
			p = r.Pos
		}
		name := fmt.Sprintf("%s %s (%s)", r.Method, r.Path, r.OperationID)
		warn := func(format string, args ...any) {
			ds = append(ds, Diagnostic{File: p.File, Line: p.Line, Col: p.Col, Severity: Warning, Code: CodeSecurityMismatch,
				Message: name + " " + fmt.Sprintf(format, args...)})
		}
		sec := RequirementsMode(r.SecurityRequirements)
		switch {
		case r.Auth != Required && sec == Required:
			continue // a security-weakened error already
		case r.Auth != sec:
			warn("is %s by %s (%s level) but its OpenAPI security %s; the annotation decides", r.Auth, ExtAuthRequired, r.AuthFrom, securityWords(r.SecurityRequirements))
			continue
		case r.Auth != Required:
			continue
		}
		p = r.Pos // alternatives and roles: the operation
		roleSets := make([][]string, 0, max(1, len(r.Roles)))
		for _, role := range r.Roles {
			roleSets = append(roleSets, []string{role})
		}
		if len(r.Roles) == 0 {
			roleSets = append(roleSets, nil)
		}
		matched := make([]bool, len(roleSets))
		for i, alt := range r.SecurityRequirements {
			scopes := alternativeScopes(alt)
			j := slices.IndexFunc(roleSets, func(set []string) bool { return sameSet(set, scopes) })
			if j >= 0 {
				matched[j] = true
				continue
			}
			warn("has %s but its security alternative %d (%s) asks %s; the annotation decides", rolesWords(r.Roles), i+1, alt, scopesWords(scopes))
		}
		for j, set := range roleSets {
			if !matched[j] && len(set) > 0 {
				warn("admits role %q (%s) but no alternative of its OpenAPI security (%s) asks for that scope alone; the annotation decides", set[0], ExtAuthRoles, RequirementsString(r.SecurityRequirements))
			}
		}
	}
	return SortDiagnostics(ds)
}

// alternativeScopes is every scope an alternative asks, over all its schemes,
// sorted and without repeats.
func alternativeScopes(alt Requirement) []string {
	var out []string
	for _, s := range alt {
		out = append(out, s.Scopes...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func securityWords(reqs []Requirement) string {
	switch RequirementsMode(reqs) {
	case Public:
		return "is empty (public)"
	case Optional:
		return "contains {} (optional): " + RequirementsString(reqs)
	}
	return "requires " + RequirementsString(reqs)
}

func rolesWords(roles []string) string {
	if len(roles) == 0 {
		return "no " + ExtAuthRoles + " (any signed-in user)"
	}
	return ExtAuthRoles + " [" + strings.Join(roles, ", ") + "] (any one of them)"
}

func scopesWords(scopes []string) string {
	if len(scopes) == 0 {
		return "no scopes"
	}
	return "scopes [" + strings.Join(scopes, ", ") + "] (all of them)"
}
