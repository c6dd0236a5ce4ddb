package authdiff_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/generator/authdiff"
)

const (
	req = generator.Required
	opt = generator.Optional
	pub = generator.Public
)

func route(method, pattern string, mode generator.Mode, roles ...string) generator.Route {
	return generator.Route{Method: method, Path: pattern, Pattern: pattern, OperationID: method + pattern, Auth: mode, Roles: roles}
}

func table(rs ...generator.Route) *generator.Table { return &generator.Table{Routes: rs} }

// TestCompareOneRoute covers the weakening rules, one route at a time.
func TestCompareOneRoute(t *testing.T) {
	tests := []struct {
		name       string
		base, head *generator.Table
		kind       authdiff.Kind
		none       bool // no change at all
		weakening  bool
		reason     string
	}{
		{name: "unchanged", base: table(route("GET", "/a", req, "admin")), head: table(route("GET", "/a", req, "admin")), none: true},
		{name: "role order only", base: table(route("GET", "/a", req, "a", "b")), head: table(route("GET", "/a", req, "b", "a")), none: true},
		{name: "param renamed", base: table(route("GET", "/a/{id}", req)), head: table(route("GET", "/a/{petId}", req)), none: true},
		{name: "required to optional", base: table(route("GET", "/a", req)), head: table(route("GET", "/a", opt)), kind: authdiff.Changed, weakening: true, reason: "required → optional"},
		{name: "required to public", base: table(route("GET", "/a", req)), head: table(route("GET", "/a", pub)), kind: authdiff.Changed, weakening: true, reason: "required → public"},
		{name: "optional to public", base: table(route("GET", "/a", opt)), head: table(route("GET", "/a", pub)), kind: authdiff.Changed, weakening: true, reason: "optional → public"},
		{name: "required with roles to public", base: table(route("GET", "/a", req, "admin")), head: table(route("GET", "/a", pub)), kind: authdiff.Changed, weakening: true, reason: "required → public"},
		{name: "public to required", base: table(route("GET", "/a", pub)), head: table(route("GET", "/a", req)), kind: authdiff.Changed, reason: "public → required"},
		{name: "optional to required", base: table(route("GET", "/a", opt)), head: table(route("GET", "/a", req)), kind: authdiff.Changed, reason: "optional → required"},
		{name: "public to optional", base: table(route("GET", "/a", pub)), head: table(route("GET", "/a", opt)), kind: authdiff.Changed, reason: "public → optional"},
		{name: "all roles removed", base: table(route("GET", "/a", req, "admin")), head: table(route("GET", "/a", req)), kind: authdiff.Changed, weakening: true, reason: "roles [admin] removed: any authenticated user"},
		{name: "role added widens", base: table(route("GET", "/a", req, "admin")), head: table(route("GET", "/a", req, "admin", "support")), kind: authdiff.Changed, weakening: true, reason: "roles widened: [support] added"},
		{name: "role swapped widens", base: table(route("GET", "/a", req, "admin")), head: table(route("GET", "/a", req, "support")), kind: authdiff.Changed, weakening: true, reason: "roles widened: [support] added"},
		{name: "one role removed narrows", base: table(route("GET", "/a", req, "admin", "support")), head: table(route("GET", "/a", req, "admin")), kind: authdiff.Changed, reason: "roles narrowed: [support] removed"},
		{name: "roles now required", base: table(route("GET", "/a", req)), head: table(route("GET", "/a", req, "admin")), kind: authdiff.Changed, reason: "roles [admin] now required"},
		{name: "new public route", base: table(), head: table(route("GET", "/a", pub)), kind: authdiff.Added, weakening: true, reason: "new public route: anonymous callers can reach it"},
		{name: "new optional route", base: table(), head: table(route("GET", "/a", opt)), kind: authdiff.Added, weakening: true, reason: "new optional route: anonymous callers can reach it"},
		{name: "new required route", base: table(), head: table(route("POST", "/a", req, "admin")), kind: authdiff.Added, reason: "new required route (roles [admin])"},
		{name: "removed public route", base: table(route("GET", "/a", pub)), head: table(), kind: authdiff.Removed, reason: "removed public route"},
		{name: "nil base", base: nil, head: table(route("GET", "/a", req)), kind: authdiff.Added, reason: "new required route"},
		{name: "method is part of the key", base: table(route("GET", "/a", req)), head: table(route("POST", "/a", req)), kind: authdiff.Added, reason: "new required route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := authdiff.Compare(tt.base, tt.head)
			if tt.none {
				if !d.Empty() {
					t.Fatalf("want no change, got %+v", d.All())
				}
				return
			}
			var got *authdiff.Change
			for _, c := range d.All() {
				if c.Kind == tt.kind {
					got = &c
					break
				}
			}
			if got == nil {
				t.Fatalf("no %s change in %+v", tt.kind, d.All())
			}
			if got.Weakening != tt.weakening {
				t.Errorf("Weakening = %v, want %v (reasons %q)", got.Weakening, tt.weakening, got.Reasons)
			}
			if !slices.Contains(got.Reasons, tt.reason) {
				t.Errorf("reasons %q, want one of them %q", got.Reasons, tt.reason)
			}
			if n := len(d.Weakenings()); (n > 0) != tt.weakening {
				t.Errorf("Weakenings() has %d entries, want weakening=%v", n, tt.weakening)
			}
		})
	}
}

// TestCompareOrder checks that each list keeps document order and that a route
// removed in one place and added in another is reported as both.
func TestCompareOrder(t *testing.T) {
	base := table(route("GET", "/old", req), route("GET", "/keep", req), route("DELETE", "/gone", pub))
	head := table(route("GET", "/keep", opt), route("POST", "/z", req), route("GET", "/b", pub))
	d := authdiff.Compare(base, head)
	got := func(cs []authdiff.Change) []string {
		var s []string
		for _, c := range cs {
			s = append(s, fmt.Sprintf("%s %s %s weak=%v", c.Kind, c.Method, c.Pattern, c.Weakening))
		}
		return s
	}
	want := []string{
		"added POST /z weak=false", "added GET /b weak=true",
		"removed GET /old weak=false", "removed DELETE /gone weak=false",
		"changed GET /keep weak=true",
	}
	if g := got(d.All()); !slices.Equal(g, want) {
		t.Errorf("All() =\n%q\nwant\n%q", g, want)
	}
	if g := got(d.Weakenings()); !slices.Equal(g, []string{"added GET /b weak=true", "changed GET /keep weak=true"}) {
		t.Errorf("Weakenings() = %q", g)
	}
}

func TestKey(t *testing.T) {
	for _, tt := range []struct{ pattern, want string }{
		{"/pets/{petId}", "GET /pets/{}"},
		{"/files/{path...}", "GET /files/{...}"},
		{"/pets/{$}", "GET /pets/{$}"},
		{"/v1/a/{x}/b/{y}", "GET /v1/a/{}/b/{}"},
	} {
		if got := authdiff.Key(generator.Route{Method: "GET", Pattern: tt.pattern}); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

func ExampleCompare() {
	base := &generator.Table{Routes: []generator.Route{
		{Method: "GET", Pattern: "/admin/users", Auth: generator.Required, Roles: []string{"admin"}},
	}}
	head := &generator.Table{Routes: []generator.Route{
		{Method: "GET", Pattern: "/admin/users", Auth: generator.Required, Roles: []string{"admin", "support"}},
		{Method: "GET", Pattern: "/health", Auth: generator.Public},
	}}
	for _, c := range authdiff.Compare(base, head).Weakenings() {
		fmt.Println(c.Kind, c.Method, c.Pattern, c.Reasons)
	}
	// Output:
	// added GET /health [new public route: anonymous callers can reach it]
	// changed GET /admin/users [roles widened: [support] added]
}
