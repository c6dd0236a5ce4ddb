package render

import (
	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/runtime/pathmatch"
)

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

// registrationsOf lists t's units for the template; handlers are the wrapper
// methods of t.Routes.
func registrationsOf(t *ir.Table, handlers []string) registrations {
	var regs registrations
	for _, u := range t.Units {
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
