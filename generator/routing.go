package generator

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/specgate/specgate/generator/compat"
	"github.com/specgate/specgate/runtime/pathmatch"
)

// Diagnostic codes of route planning (warnings; stable like the others).
const (
	// CodeRouteAdapted marks a route that net/http.ServeMux cannot register as
	// written and that RegisterRoutes reaches through a generated adapter.
	CodeRouteAdapted = "route-adapted"
	// CodeRouteShadowed marks a route that can never be reached: an earlier
	// route matches every request it matches (two paths differing only in
	// parameter names). It is still wired, so the code compiles.
	CodeRouteShadowed = "route-shadowed"
)

// How routes that ServeMux cannot take as written are registered (see
// planRoutes): every operation still gets its own g.Wrap(route, handler), and
// the adapter in front of it only looks at the path, so a request that fits no
// operation is a 404 before any auth, and auth still runs before binding.
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

// pathSeg is one segment of an operation's path, as ServeMux would see it.
// A wildcard segment is the pathmatch.Segment the adapter would check (its
// Wildcard unset: that is the registered pattern's business): Text is the
// literal text around the Params, unescaped; Params are the parameter names,
// as oapi-codegen's wrapper reads them.
type pathSeg struct {
	lit bool
	raw string // literal as written in the pattern (escaped), e.g. {$} for the final empty segment
	val string // literal, unescaped: what the request's segment must equal
	pathmatch.Segment
}

// plain reports whether s is a whole-segment wildcard.
func (s pathSeg) plain() bool {
	return !s.lit && len(s.Params) == 1 && s.Text[0] == "" && s.Text[1] == ""
}

// regSeg is a segment of a registered pattern: a literal or a wildcard name.
type regSeg struct {
	lit       bool
	raw, val  string
	name      string
	fromParam string // the single parameter a wildcard stands for, when it does
}

// routeShape is a route's path split for planning.
type routeShape struct {
	method  string
	segs    []pathSeg
	reg     []regSeg // registered alone
	query   bool     // a query string was left out
	inSeg   []string // parameters written inside a segment
	twice   []string // parameters written more than once
	invalid bool     // not a path ServeMux can take at all; registered as is
	pattern string   // the pattern as is, for invalid shapes
}

// routeUnit is one mux.Handle call of RegisterRoutes.
type routeUnit struct {
	method  string
	path    string                // without the base URL
	reg     []regSeg              // path, split
	members []int                 // indexes into Table.Routes, in the order they are tried
	rules   [][]pathmatch.Segment // per member, what pathmatch.Dispatch checks; all nil (and one member) for a plain registration
}

// plain reports whether u is registered exactly as today's routes are: one
// operation, no adapter.
func (u *routeUnit) plain() bool { return len(u.members) == 1 && len(u.rules[0]) == 0 }

var braceParam = regexp.MustCompile(`\{([^{}]*)\}`)

// shape splits r's path. The path is taken as compat generates it (no query
// string, quotes escaped), in ServeMux syntax with oapi-codegen's sanitised
// parameter names, which are what its wrapper reads with r.PathValue.
func shape(r Route) routeShape {
	sh := routeShape{method: r.Method}
	key := compat.PathKey(r.Path)
	sh.query = key != r.Path && strings.Contains(r.Path, "?") && !strings.Contains(key, "?")
	std := codegen.SwaggerUriToStdHttpUri(key)
	sh.pattern = std
	if !strings.HasPrefix(std, "/") {
		sh.invalid = true
		return sh
	}
	seen := map[string]int{}
	for i, s := range strings.Split(std[1:], "/") {
		if s == "{$}" && i == strings.Count(std, "/")-1 {
			sh.segs = append(sh.segs, pathSeg{lit: true, raw: s})
			continue
		}
		locs := braceParam.FindAllStringSubmatchIndex(s, -1)
		if len(locs) == 0 {
			if strings.ContainsAny(s, "{}") {
				sh.invalid = true
			}
			sh.segs = append(sh.segs, pathSeg{lit: true, raw: s, val: unescape(s)})
			continue
		}
		seg := pathSeg{}
		last := 0
		for _, loc := range locs {
			name := s[loc[2]:loc[3]]
			if name == "" || name == "$" || strings.HasSuffix(name, "...") {
				sh.invalid = true
			}
			seg.Text = append(seg.Text, unescape(s[last:loc[0]]))
			seg.Params = append(seg.Params, name)
			if seen[name]++; seen[name] == 2 {
				sh.twice = append(sh.twice, name)
			}
			last = loc[1]
		}
		seg.Text = append(seg.Text, unescape(s[last:]))
		if strings.ContainsAny(strings.Join(seg.Text, ""), "{}") {
			sh.invalid = true
		}
		if !seg.plain() {
			sh.inSeg = append(sh.inSeg, seg.Params...)
		}
		sh.segs = append(sh.segs, seg)
	}
	// Registered alone: in-segment and repeated parameters get whole-segment
	// wildcards of their own.
	used := map[string]bool{}
	for _, s := range sh.segs {
		used = addNames(used, s.Params...)
	}
	taken := map[string]bool{}
	for i, s := range sh.segs {
		if s.lit {
			sh.reg = append(sh.reg, regSeg{lit: true, raw: s.raw, val: s.val})
			continue
		}
		name := s.Params[0]
		if len(s.Params) > 1 || taken[name] {
			name = freshName(i, used, taken)
		}
		taken[name] = true
		rs := regSeg{name: name}
		if len(s.Params) == 1 {
			rs.fromParam = s.Params[0]
		}
		sh.reg = append(sh.reg, rs)
	}
	return sh
}

func addNames(m map[string]bool, names ...string) map[string]bool {
	for _, n := range names {
		m[n] = true
	}
	return m
}

// freshName is a wildcard name for segment i that no parameter of the route(s)
// and no other wildcard of the pattern uses.
func freshName(i int, used, taken map[string]bool) string {
	name := "seg" + strconv.Itoa(i+1)
	for used[name] || taken[name] {
		name += "_"
	}
	return name
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

func joinReg(reg []regSeg) string {
	var b strings.Builder
	for _, s := range reg {
		b.WriteByte('/')
		if s.lit {
			b.WriteString(s.raw)
		} else {
			b.WriteString("{" + s.name + "}")
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// methodsOverlap reports whether requests of one method can reach both
// patterns: GET patterns serve HEAD too.
func methodsOverlap(a, b string) bool {
	return pathmatch.MethodMatches(a, b) || pathmatch.MethodMatches(b, a)
}

// methodWithin reports whether every request pattern method a serves, b
// serves too: what pathmatch.MethodMatches decides for a request's method.
func methodWithin(a, b string) bool { return pathmatch.MethodMatches(a, b) }

// endSlash reports whether s is the final {$}: ServeMux's wildcards do not
// match that empty segment.
func (s regSeg) endSlash() bool { return s.lit && s.raw == "{$}" }

// regWithin reports whether every path pattern a matches, b matches too.
func regWithin(a, b []regSeg) bool {
	for i := range a {
		if b[i].lit && (!a[i].lit || a[i].val != b[i].val) || !b[i].lit && a[i].endSlash() {
			return false
		}
	}
	return true
}

// overlap reports whether patterns a and b match some request in common and,
// if so, whether each matches only requests the other matches too.
func overlap(am string, a []regSeg, bm string, b []regSeg) (ok, aIn, bIn bool) {
	if len(a) != len(b) || !methodsOverlap(am, bm) {
		return false, false, false
	}
	for i := range a {
		if a[i].lit && b[i].lit && a[i].val != b[i].val || a[i].lit != b[i].lit && (a[i].endSlash() || b[i].endSlash()) {
			return false, false, false
		}
	}
	return true, methodWithin(am, bm) && regWithin(a, b), methodWithin(bm, am) && regWithin(b, a)
}

// conflicts reports whether ServeMux refuses patterns a and b side by side:
// they match some request in common and neither is more specific.
func conflicts(am string, a []regSeg, bm string, b []regSeg) bool {
	ok, aIn, bIn := overlap(am, a, bm, b)
	return ok && aIn == bIn
}

// segWithin reports whether every segment value a accepts, b accepts too
// (approximately for several parameters in one segment: then only the same
// text, or a literal that fits).
func segWithin(a, b pathSeg) bool {
	switch {
	case b.lit:
		return a.lit && a.val == b.val
	case a.lit:
		_, ok := b.Match(a.val)
		return ok
	case len(b.Params) == 1:
		return strings.HasPrefix(a.Text[0], b.Text[0]) && strings.HasSuffix(a.Text[len(a.Text)-1], b.Text[1])
	}
	return strings.Join(a.Text, "\x00") == strings.Join(b.Text, "\x00") && len(a.Params) == len(b.Params)
}

// shapeWithin reports whether every request a matches, b matches too. Where b
// repeats a parameter, a must give every occurrence the same value: the same
// literal, or the same parameter of its own in the same place; anything else
// counts as not within.
func shapeWithin(a, b routeShape) bool {
	if !methodWithin(a.method, b.method) || len(a.segs) != len(b.segs) {
		return false
	}
	for i := range a.segs {
		if !segWithin(a.segs[i], b.segs[i]) {
			return false
		}
	}
	for _, p := range b.twice {
		source := ""
		for i, bs := range b.segs {
			as := a.segs[i]
			for k, name := range bs.Params {
				if name != p {
					continue
				}
				var src string
				switch {
				case as.lit:
					vals, _ := bs.Match(as.val) // fits: segWithin said so
					src = "=" + vals[k]
				case slices.Equal(as.Text, bs.Text) && len(as.Params) == len(bs.Params):
					src = "{" + as.Params[k]
				default:
					return false
				}
				if source != "" && src != source {
					return false
				}
				source = src
			}
		}
	}
	return true
}

// planRoutes decides how RegisterRoutes registers each route of table: the
// units in registration order, each route's registered pattern (with the base
// URL), and a route-adapted warning per route that is not registered as
// written, or a route-conflict error for a path that cannot be registered at
// all. Routes in conflict are found by comparing patterns only within groups of
// the same length; the result is checked on a throwaway ServeMux.
func planRoutes(routes []Route, base string) ([]*routeUnit, []string, []Diagnostic) {
	shapes := make([]routeShape, len(routes))
	byPath := map[string]routeShape{} // the operations of a path share its shape
	for i, r := range routes {
		sh, ok := byPath[r.Path]
		if !ok {
			sh = shape(r)
			byPath[r.Path] = sh
		}
		sh.method = r.Method
		shapes[i] = sh
	}

	// Units start as one per route and merge while their patterns conflict;
	// a merged unit's pattern covers all its members, so it may conflict with
	// more units, hence the loop. Each round merges at least two units.
	//
	// A unit with an adapter (exact false) answers 404 to some requests its
	// pattern matches, so it also merges with a unit whose pattern is more
	// general than its own: ServeMux would send it requests that only the
	// other unit's route fits.
	type draft struct {
		method  string
		reg     []regSeg
		members []int
		exact   bool // one route, no adapter
	}
	var units []*draft
	for i, sh := range shapes {
		units = append(units, &draft{method: sh.method, reg: sh.reg, members: []int{i}, exact: len(memberRules(sh, sh.reg)) == 0})
	}
	// The common case, every path registrable as written and none in conflict,
	// needs no comparisons: ServeMux's own check, done once, says so.
	fast := true
	mux := http.NewServeMux()
	for _, sh := range shapes {
		if sh.invalid || sh.query || len(sh.inSeg) > 0 || len(sh.twice) > 0 || tryRegister(mux, sh.method+" "+joinReg(sh.reg)) != "" {
			fast = false
			break
		}
	}
	for !fast {
		parent := make([]int, len(units))
		for i := range parent {
			parent[i] = i
		}
		var find func(int) int
		find = func(i int) int {
			for parent[i] != i {
				parent[i] = parent[parent[i]]
				i = parent[i]
			}
			return i
		}
		byLen := map[int][]int{}
		for i, u := range units {
			if !shapes[u.members[0]].invalid {
				byLen[len(u.reg)] = append(byLen[len(u.reg)], i)
			}
		}
		merged := false
		for _, idx := range byLen {
			for x, i := range idx {
				for _, j := range idx[x+1:] {
					a, b := units[i], units[j]
					ok, aIn, bIn := overlap(a.method, a.reg, b.method, b.reg)
					if ok && (aIn == bIn || aIn && !a.exact || bIn && !b.exact) && find(i) != find(j) {
						parent[find(j)] = find(i)
						merged = true
					}
				}
			}
		}
		if !merged {
			break
		}
		var next []*draft
		at := map[int]*draft{}
		for i, u := range units {
			root := find(i)
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
		units = next
	}

	registered := make([]string, len(routes))
	var out []*routeUnit
	var diags []Diagnostic
	for _, d := range units {
		u := &routeUnit{method: d.method, reg: d.reg, path: joinReg(d.reg)}
		if shapes[d.members[0]].invalid {
			u.path = shapes[d.members[0]].pattern
		}
		u.members = orderMembers(d.members, shapes)
		for _, m := range u.members {
			u.rules = append(u.rules, memberRules(shapes[m], d.reg))
			registered[m] = base + u.path
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b *routeUnit) int { return slices.Min(a.members) - slices.Min(b.members) })

	// A route that an earlier one of its unit shadows entirely is never
	// reached. ServeMux would refuse the pair; the document is still generated
	// (issue 7: wiring for every document), with a warning in ServeMux's words.
	for _, u := range out {
		for k, m := range u.members {
			for _, o := range u.members[:k] {
				if !shapeWithin(shapes[m], shapes[o]) {
					continue
				}
				r, first := routes[m], routes[o]
				pattern := r.Method + " " + base + joinReg(shapes[m].reg)
				mux := http.NewServeMux()
				mux.Handle(first.Method+" "+base+joinReg(shapes[o].reg), http.NotFoundHandler())
				msg := tryRegister(mux, pattern)
				if msg == "" {
					msg = fmt.Sprintf("%s %s matches every request it would", first.Method, first.Path)
				}
				diags = append(diags, Diagnostic{File: r.Pos.File, Line: r.Pos.Line, Col: r.Pos.Col, Severity: Warning, Code: CodeRouteShadowed,
					Message: fmt.Sprintf("%s %s is never reached: %s %s (%s) comes first and matches every request it does (net/http.ServeMux refuses %q: %s)", r.Method, r.Path, first.Method, first.Path, relPos(first.Pos, r.Pos), pattern, msg)})
				break
			}
		}
	}
	mux = http.NewServeMux()
	bad := map[int]bool{}
	for _, u := range out {
		if err := tryRegister(mux, u.method+" "+base+u.path); err != "" {
			for _, m := range u.members {
				r := routes[m]
				bad[m] = true
				diags = append(diags, Diagnostic{File: r.Pos.File, Line: r.Pos.Line, Col: r.Pos.Col, Severity: Error, Code: CodeRouteConflict,
					Message: fmt.Sprintf("%s %s: net/http.ServeMux refuses %q: %s", r.Method, r.Path, u.method+" "+base+u.path, err)})
			}
		}
	}
	for _, u := range out {
		if slices.ContainsFunc(u.members, func(m int) bool { return bad[m] }) {
			continue // the error says it all
		}
		for k := range u.members {
			diags = append(diags, adaptedWarning(routes, shapes, u, k, base)...)
		}
	}
	return out, registered, diags
}

// tryRegister registers pattern on mux and returns ServeMux's complaint, if any.
func tryRegister(mux *http.ServeMux, pattern string) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg = registeredAt.ReplaceAllString(fmt.Sprint(v), "")
			msg = strings.TrimPrefix(msg, "pattern "+strconv.Quote(pattern)+" ")
			msg = strings.ReplaceAll(strings.TrimSpace(msg), "\n", " ")
		}
	}()
	mux.Handle(pattern, http.NotFoundHandler())
	return ""
}

// groupPattern is a pattern matching every request any member matches: the
// literal where all members have the same one, else a wildcard, named like the
// members' parameter when they all agree on one.
func groupPattern(members []int, shapes []routeShape) []regSeg {
	first := shapes[members[0]].reg
	used := map[string]bool{}
	for _, m := range members {
		for _, s := range shapes[m].segs {
			used = addNames(used, s.Params...)
		}
	}
	taken := map[string]bool{}
	reg := make([]regSeg, len(first))
	for i := range first {
		sameLit, sameName := first[i].lit, !first[i].lit
		for _, m := range members[1:] {
			s := shapes[m].reg[i]
			sameLit = sameLit && s.lit && s.val == first[i].val
			sameName = sameName && !s.lit && s.name == first[i].name
		}
		switch {
		case sameLit:
			reg[i] = first[i]
		case sameName && !taken[first[i].name]:
			reg[i] = regSeg{name: first[i].name}
		default:
			reg[i] = regSeg{name: freshName(i, used, taken)}
		}
		if !reg[i].lit {
			taken[reg[i].name] = true
		}
	}
	return reg
}

// orderMembers sorts a unit's routes the way they are tried: a route goes
// after every route of the unit that is strictly more specific, otherwise
// document order decides.
func orderMembers(members []int, shapes []routeShape) []int {
	left := append([]int(nil), members...)
	var order []int
	for len(left) > 0 {
		pick := 0
	candidates:
		for c, m := range left {
			for _, o := range left {
				if o != m && shapeWithin(shapes[o], shapes[m]) && !shapeWithin(shapes[m], shapes[o]) {
					continue candidates
				}
			}
			pick = c
			break
		}
		order = append(order, left[pick])
		left = append(left[:pick], left[pick+1:]...)
	}
	return order
}

// memberRules lists the checks one route needs behind pattern reg: nothing for
// a segment the pattern matches exactly as the route does.
func memberRules(sh routeShape, reg []regSeg) []pathmatch.Segment {
	if sh.invalid {
		return nil
	}
	count := map[string]int{}
	for _, s := range sh.segs {
		for _, p := range s.Params {
			count[p]++
		}
	}
	var rules []pathmatch.Segment
	for i, s := range sh.segs {
		g := reg[i]
		switch {
		case g.lit:
			// every member has this literal
		case s.lit:
			rules = append(rules, pathmatch.Segment{Wildcard: g.name, Text: []string{s.val}})
		case s.plain() && s.Params[0] == g.name && count[g.name] == 1:
			// the wildcard already carries the parameter
		default:
			rules = append(rules, pathmatch.Segment{Wildcard: g.name, Text: s.Text, Params: s.Params})
		}
	}
	return rules
}

// adaptedWarning explains how the k-th member of u is registered, when that is
// not as written.
func adaptedWarning(routes []Route, shapes []routeShape, u *routeUnit, k int, base string) []Diagnostic {
	m := u.members[k]
	r, sh := routes[m], shapes[m]
	var why []string
	if len(u.members) > 1 {
		var with, near []string
		for _, o := range u.members {
			ok, in, oIn := overlap(sh.method, sh.reg, shapes[o].method, shapes[o].reg)
			other := fmt.Sprintf("%s %s (%s)", routes[o].Method, routes[o].Path, relPos(routes[o].Pos, r.Pos))
			switch {
			case o == m || !ok:
			case in == oIn && len(with) < 2:
				with = append(with, other)
			case in != oIn && len(near) < 2:
				near = append(near, other)
			}
		}
		conflict := "its pattern overlaps the group's"
		switch {
		case len(with) > 0:
			conflict = "it conflicts with " + strings.Join(with, " and ")
		case len(near) > 0:
			// ServeMux would take both, but the more specific pattern's
			// adapter would answer 404 to requests only the other route fits.
			conflict = "it overlaps " + strings.Join(near, " and ") + ", and an adapter behind the more specific pattern would turn away requests only the other fits"
		}
		others := "the other route"
		if len(u.members) > 2 {
			others = fmt.Sprintf("the %d other routes", len(u.members)-1)
		}
		lead := "ServeMux cannot register it beside " + others
		if len(with) == 0 && len(near) > 0 {
			lead = "it shares this pattern with " + others
		}
		why = append(why, fmt.Sprintf("%s of this pattern (%s); the pattern's handler tries them most specific first, then in document order, and this route comes %s", lead, conflict, ordinal(k+1)))
	}
	if len(sh.inSeg) > 0 {
		why = append(why, fmt.Sprintf("ServeMux takes no wildcard inside a segment (%s): the adapter checks the text around it", strings.Join(sh.inSeg, ", ")))
	}
	if len(sh.twice) > 0 {
		why = append(why, fmt.Sprintf("ServeMux takes a wildcard name once (%s): the adapter checks the repeats are equal", strings.Join(sh.twice, ", ")))
	}
	if sh.query {
		why = append(why, "a query string is no part of a ServeMux pattern: it is left out")
	}
	if len(why) == 0 {
		return nil
	}
	if len(u.rules[k]) > 0 {
		why = append(why, "a path that does not fit is a 404, before any auth")
	}
	return []Diagnostic{{File: r.Pos.File, Line: r.Pos.Line, Col: r.Pos.Col, Severity: Warning, Code: CodeRouteAdapted,
		Message: fmt.Sprintf("%s %s is registered as %q: %s", r.Method, r.Path, u.method+" "+base+u.path, strings.Join(why, "; "))}}
}

func ordinal(n int) string {
	switch n {
	case 1:
		return "first"
	case 2:
		return "second"
	case 3:
		return "third"
	}
	return strconv.Itoa(n) + "th"
}

// plan fills in t's registration units and each route's Registered pattern,
// once, and returns what planRoutes found.
func (t *Table) plan() []Diagnostic {
	units, registered, diags := planRoutes(t.Routes, t.BaseURL)
	t.units = units
	for i := range t.Routes {
		t.Routes[i].Registered = registered[i]
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
		if u.plain() {
			m := u.members[0]
			regs.Plain = true
			regs.Units = append(regs.Units, unitData{Plain: true, Index: m, Handler: handlers[m], Path: u.path})
			continue
		}
		regs.Adapted = true
		ud := unitData{Method: u.method, Path: u.path}
		for k, m := range u.members {
			ud.Members = append(ud.Members, memberData{Index: m, Handler: handlers[m], Segments: u.rules[k]})
		}
		regs.Units = append(regs.Units, ud)
	}
	return regs
}
