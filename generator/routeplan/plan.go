// Package routeplan decides how RegisterRoutes registers a document's routes
// on a net/http.ServeMux: plain data in (each operation's method, path and
// position), plain data out (a Plan: the mux.Handle calls, each route's
// registered pattern, and findings about routes that cannot be registered as
// written). It keeps no state between calls.
//
// How routes that ServeMux cannot take as written are registered: every
// operation still gets its own g.Wrap(route, handler), and the adapter in
// front of it (runtime/pathmatch, fed with the Segments planned here) only
// looks at the path, so a request that fits no operation is a 404 before any
// auth, and auth still runs before binding.
//
//   - a wildcard inside a segment (/critics/{type}.json) is registered as a
//     whole-segment wildcard (/critics/{type}); the adapter checks the literal
//     text around it and sets the parameter to the inner text;
//   - a query string written into the path (/rides?page={page}) is left out of
//     the pattern; compat makes its parameters query parameters;
//   - a parameter written twice (/a/{id}/b/{id}) gets a fresh wildcard name the
//     second time, and the adapter checks both values are equal;
//   - patterns ServeMux refuses side by side (neither is more specific, or the
//     same twice) are grouped: one pattern covering them all is registered, and
//     its handler tries the group's few members, most specific first, then in
//     document order, each member checking its own literal segments;
//   - so are an adapted pattern and a more general one it overlaps: ServeMux
//     would send the adapter requests it turns away but the other route fits
//     (/w/x/{n}.json, registered as /w/x/{n}, beside /w/{a}/{b});
//   - a wildcard never matches the final empty segment ({$}), so such patterns
//     do not overlap.
package routeplan

import (
	"net/http"
	"slices"

	"github.com/specgate/specgate/generator/ir"
)

// Codes of the findings (the generator's diagnostic codes, package ir).
const (
	// CodeAdapted marks a route that net/http.ServeMux cannot register as
	// written and that RegisterRoutes reaches through an adapter (a warning).
	CodeAdapted = ir.CodeRouteAdapted
	// CodeShadowed marks a route that can never be reached: an earlier route
	// matches every request it matches (two paths differing only in
	// parameter names). It is still wired, so the code compiles (a warning).
	CodeShadowed = ir.CodeRouteShadowed
	// CodeConflict marks a path ServeMux refuses however it is registered
	// (an error).
	CodeConflict = ir.CodeRouteConflict
)

// Position is where a route's operation is in the document (the IR's one
// position type).
type Position = ir.Position

// Route is what planning reads of one operation.
type Route struct {
	Method string // upper case, e.g. GET
	Path   string // as written in the document, e.g. /critics/{type}.json
	// Served is the path as compat had oapi-codegen generate it, which is
	// where requests arrive (compat.PathMove.Served: /rides for
	// /rides?page={page}); empty when compat left Path as written.
	Served string
	Pos    Position
	At     string // Pos as messages print it, e.g. api.yaml:12:5
}

// Finding is something planning reports about one route.
type Finding struct {
	Route   int  // index into the routes given to Make
	Error   bool // an error; else a warning
	Code    string
	Message string
}

// Unit is one mux.Handle call of RegisterRoutes (ir.Unit: the plan is part
// of the table).
type Unit = ir.Unit

// Plan is how RegisterRoutes registers a list of routes.
type Plan struct {
	Units      []Unit   // in registration order (by first member)
	Registered []string // per route, the pattern it is registered under, with the base URL
	Findings   []Finding
}

// Make plans routes under base (the base URL, "" for none): units merge while
// ServeMux would refuse their patterns side by side; routes in conflict are
// found by comparing patterns only within groups of the same length, and the
// result is checked on a throwaway ServeMux. Each route that is not
// registered as written gets a route-adapted warning, each one an earlier
// route hides a route-shadowed warning, and a path ServeMux cannot take at
// all a route-conflict error.
func Make(routes []Route, base string) Plan {
	shapes := shapesOf(routes)
	units, registered := finish(group(shapes), shapes, base)
	findings := shadowed(routes, shapes, units, base)
	refusals, bad := refused(routes, units, base)
	findings = append(findings, refusals...)
	for _, u := range units {
		if slices.ContainsFunc(u.Members, func(m int) bool { return bad[m] }) {
			continue // the error says it all
		}
		for k := range u.Members {
			findings = append(findings, adaptedWarning(routes, shapes, u, k, base)...)
		}
	}
	return Plan{Units: units, Registered: registered, Findings: findings}
}

// shapesOf splits every route's path; the operations of a path share its
// shape, each with its own method.
func shapesOf(routes []Route) []routeShape {
	shapes := make([]routeShape, len(routes))
	byPath := map[string]routeShape{}
	for i, r := range routes {
		sh, ok := byPath[r.Path]
		if !ok {
			sh = shape(r)
			byPath[r.Path] = sh
		}
		sh.method = r.Method
		shapes[i] = sh
	}
	return shapes
}

// draft is a unit while units merge.
type draft struct {
	method  string
	reg     []regSeg
	members []int
	exact   bool // one route, no adapter
}

// group starts with one unit per route and merges units while their patterns
// conflict; a merged unit's pattern covers all its members, so it may
// conflict with more units, hence the rounds. Each round merges at least two
// units.
func group(shapes []routeShape) []*draft {
	units := make([]*draft, len(shapes))
	for i, sh := range shapes {
		units[i] = &draft{method: sh.method, reg: sh.reg, members: []int{i}, exact: len(memberRules(sh, sh.reg)) == 0}
	}
	if asWritten(shapes) {
		return units
	}
	for {
		next, merged := mergeRound(units, shapes)
		if !merged {
			return units
		}
		units = next
	}
}

// asWritten reports the common case, every path registrable as written and
// none in conflict, which needs no comparisons: ServeMux's own check, done
// once, says so.
func asWritten(shapes []routeShape) bool {
	mux := http.NewServeMux()
	for _, sh := range shapes {
		if sh.invalid || sh.query || len(sh.inSeg) > 0 || len(sh.twice) > 0 || tryRegister(mux, sh.method+" "+joinReg(sh.reg)) != "" {
			return false
		}
	}
	return true
}

// mustShare reports whether units a and b need one pattern. Besides patterns
// ServeMux refuses side by side, a unit with an adapter (not exact) answers
// 404 to some requests its pattern matches, so it also shares with a unit
// whose pattern is more general than its own: ServeMux would send it
// requests that only the other unit's route fits.
func mustShare(a, b *draft) bool {
	ok, aIn, bIn := overlap(a.method, a.reg, b.method, b.reg)
	return ok && (aIn == bIn || aIn && !a.exact || bIn && !b.exact)
}

// mergeRound joins every pair of units of one length that must share, and
// reports whether any did.
func mergeRound(units []*draft, shapes []routeShape) ([]*draft, bool) {
	sets := newUnionFind(len(units))
	merged := false
	for _, idx := range byLength(units, shapes) {
		for x, i := range idx {
			for _, j := range idx[x+1:] {
				if mustShare(units[i], units[j]) && sets.union(i, j) {
					merged = true
				}
			}
		}
	}
	if !merged {
		return units, false
	}
	return joinSets(units, shapes, sets), true
}

// byLength groups the units whose paths ServeMux can parse by their number
// of segments: only patterns of one length can overlap.
func byLength(units []*draft, shapes []routeShape) map[int][]int {
	by := map[int][]int{}
	for i, u := range units {
		if !shapes[u.members[0]].invalid {
			by[len(u.reg)] = append(by[len(u.reg)], i)
		}
	}
	return by
}

// joinSets makes one unit of each set, in the order of the sets' first
// units, with a pattern covering all its members.
func joinSets(units []*draft, shapes []routeShape, sets unionFind) []*draft {
	var next []*draft
	at := map[int]*draft{}
	for i, u := range units {
		root := sets.find(i)
		d := at[root]
		if d == nil {
			d = &draft{method: u.method, exact: u.exact}
			at[root] = d
			next = append(next, d)
		} else {
			d.exact = false
		}
		d.members = append(d.members, u.members...)
		if d.method != u.method { // only GET and HEAD overlap: GET serves both
			d.method = http.MethodGet
		}
	}
	for _, d := range next {
		slices.Sort(d.members)
		d.reg = groupPattern(d.members, shapes)
	}
	return next
}

// unionFind is a disjoint-set forest over unit indexes.
type unionFind []int

func newUnionFind(n int) unionFind {
	parent := make(unionFind, n)
	for i := range parent {
		parent[i] = i
	}
	return parent
}

func (parent unionFind) find(i int) int {
	for parent[i] != i {
		parent[i] = parent[parent[i]]
		i = parent[i]
	}
	return i
}

// union joins the sets of i and j, reporting whether they were apart.
func (parent unionFind) union(i, j int) bool {
	ri, rj := parent.find(i), parent.find(j)
	if ri == rj {
		return false
	}
	parent[rj] = ri
	return true
}

// finish turns drafts into units: the registered path (as written for a path
// ServeMux cannot parse, so that its error names it), members in the order
// they are tried with their rules, units by first member; and each route's
// registered pattern.
func finish(drafts []*draft, shapes []routeShape, base string) ([]Unit, []string) {
	registered := make([]string, len(shapes))
	units := make([]Unit, 0, len(drafts))
	for _, d := range drafts {
		u := Unit{Method: d.method, Path: joinReg(d.reg)}
		if first := shapes[d.members[0]]; first.invalid {
			u.Path = first.pattern
		}
		u.Members = orderMembers(d.members, shapes)
		for _, m := range u.Members {
			u.Rules = append(u.Rules, memberRules(shapes[m], d.reg))
			registered[m] = base + u.Path
		}
		units = append(units, u)
	}
	slices.SortFunc(units, func(a, b Unit) int { return slices.Min(a.Members) - slices.Min(b.Members) })
	return units, registered
}
