package generator

import (
	"github.com/specgate/specgate/generator/routeplan"
	"github.com/specgate/specgate/runtime/pathmatch"
)

// Diagnostic codes of route planning (warnings; stable like the others).
const (
	// CodeRouteAdapted marks a route that net/http.ServeMux cannot register as
	// written and that RegisterRoutes reaches through an adapter
	// (runtime/pathmatch).
	CodeRouteAdapted = routeplan.CodeAdapted
	// CodeRouteShadowed marks a route that can never be reached: an earlier
	// route matches every request it matches (two paths differing only in
	// parameter names). It is still wired, so the code compiles.
	CodeRouteShadowed = routeplan.CodeShadowed
)

// plan fills in t's registration units and each route's Registered pattern,
// once (see package routeplan), and returns what planning found.
func (t *Table) plan() []Diagnostic {
	routes := make([]routeplan.Route, len(t.Routes))
	for i, r := range t.Routes {
		routes[i] = routeplan.Route{Method: r.Method, Path: r.Path, Pos: routeplan.Position(r.Pos), At: r.Pos.String()}
	}
	p := routeplan.Make(routes, t.BaseURL)
	t.units = p.Units
	for i := range t.Routes {
		t.Routes[i].Registered = p.Registered[i]
	}
	diags := make([]Diagnostic, 0, len(p.Findings))
	for _, f := range p.Findings {
		pos, sev := t.Routes[f.Route].Pos, Warning
		if f.Error {
			sev = Error
		}
		diags = append(diags, Diagnostic{File: pos.File, Line: pos.Line, Col: pos.Col, Severity: sev, Code: f.Code, Message: f.Message})
	}
	return diags
}

// registrations is what routes.tmpl needs for the mux.Handle calls.
type registrations struct {
	Units   []unitData
	Plain   bool // some unit is registered as written: the register helper is needed
	Adapted bool // some unit goes through an adapter: pathmatch is imported
}

// unitData is one registration: a plain one (Index, Handler) or an adapted
// one (Method, Members).
type unitData struct {
	Plain        bool
	Index        int
	Handler      string
	Method, Path string
	Members      []memberData
}

// memberData is one operation behind an adapted pattern.
type memberData struct {
	Index    int
	Handler  string
	Segments []pathmatch.Segment // written into routes.gen.go as literals
}

// registrations lists t's units for the template; handlers are the wrapper
// methods of t.Routes.
func (t *Table) registrations(handlers []string) registrations {
	var regs registrations
	for _, u := range t.units {
		if u.Plain() {
			m := u.Members[0]
			regs.Plain = true
			regs.Units = append(regs.Units, unitData{Plain: true, Index: m, Handler: handlers[m], Path: u.Path})
			continue
		}
		regs.Adapted = true
		ud := unitData{Method: u.Method, Path: u.Path}
		for k, m := range u.Members {
			ud.Members = append(ud.Members, memberData{Index: m, Handler: handlers[m], Segments: u.Rules[k]})
		}
		regs.Units = append(regs.Units, ud)
	}
	return regs
}
