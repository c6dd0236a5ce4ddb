package authdiff_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/generator/authdiff"
)

// alt builds a requirement from "scheme" or "scheme:scope1,scope2" parts, all
// of which must hold.
func alt(parts ...string) generator.Requirement {
	r := generator.Requirement{}
	for _, p := range parts {
		name, scopes, _ := strings.Cut(p, ":")
		s := generator.SchemeRequirement{Scheme: name, Scopes: []string{}}
		if scopes != "" {
			s.Scopes = strings.Split(scopes, ",")
		}
		r = append(r, s)
	}
	return r
}

// sec is a route whose requirement came from OpenAPI security.
func sec(alts ...generator.Requirement) generator.Route {
	reqs := append([]generator.Requirement{}, alts...)
	return generator.Route{Method: "GET", Path: "/a", Pattern: "/a", OperationID: "getA", Auth: generator.RequirementsMode(reqs),
		AuthFrom: generator.FromSecurity, Requirements: reqs, SecurityRequirements: reqs}
}

// TestCompareRequirements covers the rules for routes whose requirement came
// from OpenAPI security, alone and against the short form.
func TestCompareRequirements(t *testing.T) {
	tests := []struct {
		name       string
		base, head generator.Route
		none       bool
		weakening  bool
		reason     string
	}{
		{name: "same", base: sec(alt("apiKey"), alt("oauth:admin")), head: sec(alt("apiKey"), alt("oauth:admin")), none: true},
		{name: "alternatives reordered", base: sec(alt("apiKey"), alt("oauth:admin,audit")), head: sec(alt("oauth:audit,admin"), alt("apiKey")), none: true},
		{name: "scope removed", base: sec(alt("oauth:admin,audit")), head: sec(alt("oauth:admin")), weakening: true,
			reason: "scope removed from oauth[admin, audit]: oauth audit (now oauth[admin])"},
		{name: "scope added narrows", base: sec(alt("oauth:admin")), head: sec(alt("oauth:admin,audit")),
			reason: "alternative oauth[admin] removed or narrowed"},
		{name: "alternative added", base: sec(alt("oauth:admin")), head: sec(alt("oauth:admin"), alt("apiKey")), weakening: true,
			reason: "alternative apiKey added: it admits callers no base alternative did"},
		{name: "stricter alternative added is no weakening", base: sec(alt("apiKey")), head: sec(alt("apiKey"), alt("apiKey", "oauth:admin")), none: true},
		{name: "alternative removed narrows", base: sec(alt("oauth:admin"), alt("apiKey")), head: sec(alt("oauth:admin")),
			reason: "alternative apiKey removed or narrowed"},
		{name: "scheme dropped from a combined requirement", base: sec(alt("apiKey", "oauth:write")), head: sec(alt("apiKey")), weakening: true,
			reason: "scheme oauth dropped from the combined requirement apiKey + oauth[write] (now apiKey)"},
		{name: "scheme added to a combined requirement narrows", base: sec(alt("apiKey")), head: sec(alt("apiKey", "oauth:write")),
			reason: "alternative apiKey removed or narrowed"},
		{name: "required to optional", base: sec(alt("apiKey")), head: sec(alt(), alt("apiKey")), weakening: true, reason: "required → optional"},
		{name: "required to public", base: sec(alt("apiKey")), head: sec(), weakening: true, reason: "required → public"},
		{name: "optional to required", base: sec(alt(), alt("apiKey")), head: sec(alt("apiKey")), reason: "optional → required"},
		{name: "scheme swapped", base: sec(alt("apiKey")), head: sec(alt("bearer")), weakening: true,
			reason: "alternative bearer added: it admits callers no base alternative did"},
		{name: "session to an API key", base: route("GET", "/a", req), head: sec(alt("apiKey")), weakening: true,
			reason: "alternative apiKey added: it admits callers no base alternative did"},
		{name: "session role combined with an API key narrows", base: route("GET", "/a", req, "admin"), head: sec(alt("apiKey", generator.SessionScheme+":admin")),
			reason: "alternative x-auth-session[admin] removed or narrowed"},
		{name: "API key to the session with a role", base: sec(alt("apiKey")), head: route("GET", "/a", req, "admin"), weakening: true,
			reason: "alternative x-auth-session[admin] added: it admits callers no base alternative did"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := authdiff.Compare(table(tt.base), table(tt.head))
			if tt.none {
				if !d.Empty() {
					t.Fatalf("want no change, got %+v", d.All())
				}
				return
			}
			if len(d.Changed) != 1 {
				t.Fatalf("changes %+v, want one changed route", d.All())
			}
			c := d.Changed[0]
			if c.Weakening != tt.weakening {
				t.Errorf("Weakening = %v, want %v (reasons %q)", c.Weakening, tt.weakening, c.Reasons)
			}
			if !slices.Contains(c.Reasons, tt.reason) {
				t.Errorf("reasons %q, want one of them %q", c.Reasons, tt.reason)
			}
			if c.OperationID != "getA" && c.OperationID != "GET/a" {
				t.Errorf("OperationID = %q", c.OperationID)
			}
		})
	}
}

func TestCompareRequirementsAddedRemoved(t *testing.T) {
	d := authdiff.Compare(table(), table(sec(alt("apiKey"), alt("oauth:admin"))))
	if len(d.Added) != 1 || d.Added[0].Weakening || d.Added[0].Reasons[0] != "new required route (apiKey | oauth[admin])" || d.Added[0].OperationID != "getA" {
		t.Errorf("added = %+v", d.Added)
	}
	d = authdiff.Compare(table(), table(sec(alt(), alt("apiKey"))))
	if len(d.Added) != 1 || !d.Added[0].Weakening {
		t.Errorf("a new optional route from security is a weakening: %+v", d.Added)
	}
	d = authdiff.Compare(table(sec(alt("apiKey"))), table())
	if len(d.Removed) != 1 || d.Removed[0].Weakening || d.Removed[0].Reasons[0] != "removed required route (apiKey)" {
		t.Errorf("removed = %+v", d.Removed)
	}
}
