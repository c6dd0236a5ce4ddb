package routeplan

import (
	"strconv"
	"testing"
)

// benchRoutes is n groups of four routes that ServeMux cannot all register
// as written (conflicting wildcards, a wildcard inside a segment, a repeated
// parameter), the shapes the largest corpus documents plan.
func benchRoutes(n int) []Route {
	var routes []Route
	for i := range n {
		g := "/g" + strconv.Itoa(i)
		for _, p := range []string{g + "/{x}/a", g + "/b/{y}", g + "/{z}.json/c", g + "/{w}/{w}"} {
			routes = append(routes, Route{Method: "GET", Path: p, Pos: Position{File: "b.yaml", Line: len(routes) + 1, Col: 5}, At: "b.yaml"})
		}
	}
	return routes
}

// BenchmarkMake plans 1,000 routes of which every one is adapted.
func BenchmarkMake(b *testing.B) {
	routes := benchRoutes(250)
	b.ReportAllocs()
	for b.Loop() {
		if p := Make(routes, "/v1"); len(p.Registered) != len(routes) {
			b.Fatal(len(p.Registered))
		}
	}
}
