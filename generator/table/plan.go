package table

import (
	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/routeplan"
)

// planRoutes fills in t's registration units and each route's Registered pattern,
// once (see package routeplan), and returns what planning found.
func planRoutes(t *ir.Table) []ir.Diagnostic {
	routes := make([]routeplan.Route, len(t.Routes))
	for i, r := range t.Routes {
		routes[i] = routeplan.Route{Method: r.Method, Path: r.Path, Served: r.Served, Pos: r.Pos, At: r.Pos.String()}
	}
	p := routeplan.Make(routes, t.BaseURL)
	t.Units = p.Units
	for i := range t.Routes {
		t.Routes[i].Registered = p.Registered[i]
	}
	diags := make([]ir.Diagnostic, 0, len(p.Findings))
	for _, f := range p.Findings {
		pos, sev := t.Routes[f.Route].Pos, ir.Warning
		if f.Error {
			sev = ir.Error
		}
		diags = append(diags, ir.Diagnostic{File: pos.File, Line: pos.Line, Col: pos.Col, Severity: sev, Code: f.Code, Message: f.Message})
	}
	return diags
}
