package routeplan

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/specgate/specgate/runtime/pathmatch"
)

// planned builds routes for method/path pairs and plans them.
func planned(t *testing.T, pairs ...string) (Plan, []Route) {
	t.Helper()
	var routes []Route
	for i := 0; i < len(pairs); i += 2 {
		routes = append(routes, Route{Method: pairs[i], Path: pairs[i+1], Served: served(pairs[i+1]), Pos: Position{File: "x.yaml", Line: i + 1, Col: 1}})
	}
	return Make(routes, ""), routes
}

func TestMakeKeepsLegalPatterns(t *testing.T) {
	p, routes := planned(t,
		"GET", "/files/", "GET", "/files/{name}", "GET", "/files/latest", "DELETE", "/files/{name}",
		"GET", "/owners/{owner-id}/pets", "HEAD", "/owners/{id}/pets")
	if len(p.Findings) != 0 {
		t.Fatalf("findings for legal patterns: %v", p.Findings)
	}
	want := []string{"/files/{$}", "/files/{name}", "/files/latest", "/files/{name}", "/owners/{owner_id}/pets", "/owners/{id}/pets"}
	for i, r := range routes {
		if p.Registered[i] != want[i] {
			t.Errorf("%s %s registered as %q, want %q", r.Method, r.Path, p.Registered[i], want[i])
		}
	}
	if len(p.Units) != len(routes) {
		t.Errorf("%d units for %d routes", len(p.Units), len(routes))
	}
	for _, u := range p.Units {
		if !u.Plain() {
			t.Errorf("unit %s %s has an adapter", u.Method, u.Path)
		}
	}
}

// servePlan plans routes for method/path pairs and registers the plan the
// way routes.gen.go does, through pathmatch.Dispatch with the planned
// Segments: each route answers its index and the path values it was given.
func servePlan(t *testing.T, pairs ...string) (*http.ServeMux, []Route, []Finding) {
	t.Helper()
	p, routes := planned(t, pairs...)
	for _, f := range p.Findings {
		if f.Error {
			t.Fatalf("error: %+v", f)
		}
	}
	mux := http.NewServeMux()
	for _, u := range p.Units {
		var members []pathmatch.Member
		for k, m := range u.Members {
			members = append(members, pathmatch.Member{Method: routes[m].Method, Segments: u.Rules[k], Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "%d", m)
				for _, s := range shape(routes[m]).segs {
					for _, p := range s.Params {
						fmt.Fprintf(w, " %s=%s", p, r.PathValue(p))
					}
				}
			})})
		}
		mux.Handle(u.Method+" "+u.Path, pathmatch.Dispatch(members...))
	}
	return mux, routes, p.Findings
}

// reached is what mux answers to method path: a route's index and path
// values, or "404".
func reached(mux *http.ServeMux, method, path string) string {
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	if rec.Code == http.StatusNotFound {
		return "404"
	}
	return strings.TrimSpace(rec.Body.String())
}

// TestMakeServes checks which route each request reaches with which
// path values.
func TestMakeServes(t *testing.T) {
	mux, routes, findings := servePlan(t,
		"GET", "/critics/{type}.json",
		"GET", "/critics/picks.json",
		"GET", "/v1/{name}:cancel",
		"GET", "/v1/{name}:retry",
		"GET", "/a/{x}/b/{x}",
		"GET", "/p/{id}/logo",
		"GET", "/p/sets/{set}",
		"GET", "/p/{id}/{part}",
		"HEAD", "/h/{a}/x",
		"GET", "/h/y/{b}",
		"GET", "/rides?page={page}",
	)
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/critics/all.json", "0 type=all"},
		{"GET", "/critics/picks.json", "1"},
		{"GET", "/critics/all.xml", "404"},
		{"GET", "/v1/job7:cancel", "2 name=job7"},
		{"GET", "/v1/job7:retry", "3 name=job7"},
		{"GET", "/v1/job7:other", "404"},
		{"GET", "/a/1/b/1", "4 x=1 x=1"},
		{"GET", "/a/1/b/2", "404"},
		{"GET", "/p/7/logo", "5 id=7"},
		{"GET", "/p/sets/9", "6 set=9"},
		{"GET", "/p/7/other", "7 id=7 part=other"},
		{"GET", "/p/sets/logo", "5 id=sets"}, // 5 and 6 both fit: document order
		{"HEAD", "/h/y/x", "8 a=y"},
		{"GET", "/h/y/x", "9 b=x"},
		{"GET", "/h/z/x", "404"},
		{"GET", "/rides?page=2", "10"},
	} {
		if got := reached(mux, tc.method, tc.path); got != tc.want {
			t.Errorf("%s %s reached %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
	adapted := 0
	for _, f := range findings {
		if f.Code == CodeAdapted && !f.Error {
			adapted++
		}
	}
	// Every route but /critics/picks.json is adapted.
	if adapted != len(routes)-1 {
		t.Errorf("%d route-adapted warnings, want %d:\n%v", adapted, len(routes)-1, findings)
	}
}

func TestMakeShadowedIsAWarning(t *testing.T) {
	p, _ := planned(t, "GET", "/pets/{id}.json", "GET", "/pets/{name}.json")
	var found []Finding
	for _, f := range p.Findings {
		if f.Error {
			t.Errorf("error: %+v", f)
		}
		if f.Code == CodeShadowed {
			found = append(found, f)
		}
	}
	if len(found) != 1 || found[0].Route != 1 {
		t.Fatalf("want one route-shadowed on the second route, got %+v", p.Findings)
	}
	if want := "(1:1) comes first"; !strings.Contains(found[0].Message, want) {
		t.Errorf("message %q does not name the first route by position (%s)", found[0].Message, want)
	}
}

func TestMakeUnparsableIsAnError(t *testing.T) {
	p, _ := planned(t, "GET", "/pets/{id", "GET", "/pets/{id}")
	if len(p.Findings) != 1 || p.Findings[0].Code != CodeConflict || !p.Findings[0].Error || p.Findings[0].Route != 0 {
		t.Fatalf("want one route-conflict error on the first route, got %+v", p.Findings)
	}
	if p.Registered[0] != "/pets/{id" {
		t.Errorf("registered %q: a path ServeMux cannot parse is kept as written, for the error", p.Registered[0])
	}
}

// TestMakeWiderPatterns checks the cases where an adapted route's wider
// pattern meets a route ServeMux would register beside it: a request the
// document gives to the other route still reaches it.
func TestMakeWiderPatterns(t *testing.T) {
	mux, _, findings := servePlan(t,
		// "/w/x/{n}" (registered for the first) is more specific than "/w/{a}/{b}":
		// ServeMux takes both and gives it /w/x/foo, which only the second fits.
		"GET", "/w/x/{n}.json",
		"GET", "/w/{a}/{b}",
		"HEAD", "/m/{n}.json",
		"GET", "/m/{id}",
		// A wildcard does not match the empty final segment: no conflict.
		"GET", "/t/{id}/",
		"GET", "/t/sets/{x}",
		// A repeated parameter is more specific than two different ones.
		"GET", "/e/{y}/{z}",
		"GET", "/e/{x}/{x}",
	)
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/w/x/foo.json", "0 n=foo"},
		{"GET", "/w/x/foo", "1 a=x b=foo"},
		{"GET", "/w/y/foo.json", "1 a=y b=foo.json"},
		{"HEAD", "/m/a.json", "2 n=a"},
		{"HEAD", "/m/a", "3 id=a"},
		{"GET", "/m/a.json", "3 id=a.json"},
		{"GET", "/t/7/", "4 id=7"},
		{"GET", "/t/sets/9", "5 x=9"},
		{"GET", "/e/1/1", "7 x=1 x=1"},
		{"GET", "/e/1/2", "6 y=1 z=2"},
	} {
		if got := reached(mux, tc.method, tc.path); got != tc.want {
			t.Errorf("%s %s reached %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
	for _, f := range findings {
		if f.Code == CodeShadowed {
			t.Errorf("no route is shadowed: %+v", f)
		}
	}
}
