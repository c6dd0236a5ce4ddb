package routeplan

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// registeredAt is where ServeMux's panic names the caller's file and line:
// no part of a message about the document.
var registeredAt = regexp.MustCompile(`\s*\(registered at [^)]*\)`)

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

// shadowed finds the routes an earlier one of their unit shadows entirely:
// they are never reached. ServeMux would refuse the pair; the document is
// still generated (issue 7: wiring for every document), with a warning in
// ServeMux's words.
func shadowed(routes []Route, shapes []routeShape, units []Unit, base string) []Finding {
	var out []Finding
	for _, u := range units {
		for k, m := range u.Members {
			for _, o := range u.Members[:k] {
				if shapeWithin(shapes[m], shapes[o]) {
					out = append(out, shadowFinding(routes, shapes, m, o, base))
					break
				}
			}
		}
	}
	return out
}

// shadowFinding is the warning that route o hides route m.
func shadowFinding(routes []Route, shapes []routeShape, m, o int, base string) Finding {
	r, first := routes[m], routes[o]
	pattern := r.Method + " " + base + joinReg(shapes[m].reg)
	mux := http.NewServeMux()
	mux.Handle(first.Method+" "+base+joinReg(shapes[o].reg), http.NotFoundHandler())
	msg := tryRegister(mux, pattern)
	if msg == "" {
		msg = fmt.Sprintf("%s %s matches every request it would", first.Method, first.Path)
	}
	return Finding{Route: m, Code: CodeShadowed,
		Message: fmt.Sprintf("%s %s is never reached: %s %s (%s) comes first and matches every request it does (net/http.ServeMux refuses %q: %s)", r.Method, r.Path, first.Method, first.Path, rel(first, r), pattern, msg)}
}

// refused registers every unit on one ServeMux, as RegisterRoutes will, and
// reports each member of a unit it refuses (those members are the set bad).
func refused(routes []Route, units []Unit, base string) ([]Finding, map[int]bool) {
	var out []Finding
	mux := http.NewServeMux()
	bad := map[int]bool{}
	for _, u := range units {
		pattern := u.Method + " " + base + u.Path
		err := tryRegister(mux, pattern)
		if err == "" {
			continue
		}
		for _, m := range u.Members {
			r := routes[m]
			bad[m] = true
			out = append(out, Finding{Route: m, Error: true, Code: CodeConflict,
				Message: fmt.Sprintf("%s %s: net/http.ServeMux refuses %q: %s", r.Method, r.Path, pattern, err)})
		}
	}
	return out, bad
}

// adaptedWarning explains how the k-th member of u is registered, when that is
// not as written.
func adaptedWarning(routes []Route, shapes []routeShape, u Unit, k int, base string) []Finding {
	m := u.Members[k]
	r, sh := routes[m], shapes[m]
	var why []string
	if len(u.Members) > 1 {
		why = append(why, sharedReason(routes, shapes, u, k))
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
	if len(u.Rules[k]) > 0 {
		why = append(why, "a path that does not fit is a 404, before any auth")
	}
	return []Finding{{Route: m, Code: CodeAdapted,
		Message: fmt.Sprintf("%s %s is registered as %q: %s", r.Method, r.Path, u.Method+" "+base+u.Path, strings.Join(why, "; "))}}
}

// sharedReason says why the k-th member of u shares its pattern with the
// others: the (at most two) routes it conflicts with, or else those it
// overlaps.
func sharedReason(routes []Route, shapes []routeShape, u Unit, k int) string {
	m := u.Members[k]
	r, sh := routes[m], shapes[m]
	var with, near []string
	for _, o := range u.Members {
		ok, in, oIn := overlap(sh.method, sh.reg, shapes[o].method, shapes[o].reg)
		other := fmt.Sprintf("%s %s (%s)", routes[o].Method, routes[o].Path, rel(routes[o], r))
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
	if len(u.Members) > 2 {
		others = fmt.Sprintf("the %d other routes", len(u.Members)-1)
	}
	lead := "ServeMux cannot register it beside " + others
	if len(with) == 0 && len(near) > 0 {
		lead = "it shares this pattern with " + others
	}
	return fmt.Sprintf("%s of this pattern (%s); the pattern's handler tries them most specific first, then in document order, and this route comes %s", lead, conflict, ordinal(k+1))
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

// rel is where route o is, for a message about route from: line:col in the
// same file, o.At otherwise.
func rel(o, from Route) string {
	if o.Pos.File == from.Pos.File {
		return fmt.Sprintf("%d:%d", o.Pos.Line, o.Pos.Col)
	}
	return o.At
}
