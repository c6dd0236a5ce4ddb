package routeplan

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/specgate/specgate/runtime/pathmatch"
)

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

var braceParam = regexp.MustCompile(`\{([^{}]*)\}`)

// shape splits r's path. The path is taken as compat generates it (r.Served:
// no query string, quotes escaped), in ServeMux syntax with oapi-codegen's sanitised
// parameter names, which are what its wrapper reads with r.PathValue.
func shape(r Route) routeShape {
	sh := routeShape{method: r.Method}
	key := r.Served
	if key == "" {
		key = r.Path
	}
	sh.query = key != r.Path && strings.Contains(r.Path, "?") && !strings.Contains(key, "?")
	std := codegen.SwaggerUriToStdHttpUri(key)
	sh.pattern = std
	if !strings.HasPrefix(std, "/") {
		sh.invalid = true
		return sh
	}
	seen := map[string]int{}
	parts := strings.Split(std[1:], "/")
	for i, s := range parts {
		if s == "{$}" && i == len(parts)-1 {
			sh.segs = append(sh.segs, pathSeg{lit: true, raw: s})
			continue
		}
		seg, invalid := splitSegment(s)
		sh.invalid = sh.invalid || invalid
		for _, name := range seg.Params {
			if seen[name]++; seen[name] == 2 {
				sh.twice = append(sh.twice, name)
			}
		}
		if !seg.lit && !seg.plain() {
			sh.inSeg = append(sh.inSeg, seg.Params...)
		}
		sh.segs = append(sh.segs, seg)
	}
	sh.reg = registerAlone(sh.segs)
	return sh
}

// splitSegment reads one segment of a ServeMux path: a literal, or text
// around parameters. invalid is true for what ServeMux cannot parse (an
// unmatched brace, an empty name, {$} or {name...} inside a path).
func splitSegment(s string) (seg pathSeg, invalid bool) {
	locs := braceParam.FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 0 {
		return pathSeg{lit: true, raw: s, val: unescape(s)}, strings.ContainsAny(s, "{}")
	}
	last := 0
	for _, loc := range locs {
		name := s[loc[2]:loc[3]]
		if name == "" || name == "$" || strings.HasSuffix(name, "...") {
			invalid = true
		}
		seg.Text = append(seg.Text, unescape(s[last:loc[0]]))
		seg.Params = append(seg.Params, name)
		last = loc[1]
	}
	seg.Text = append(seg.Text, unescape(s[last:]))
	if strings.ContainsAny(strings.Join(seg.Text, ""), "{}") {
		invalid = true
	}
	return seg, invalid
}

// registerAlone is the pattern a route's segments are registered under when
// the route has a pattern to itself: in-segment and repeated parameters get
// whole-segment wildcards of their own.
func registerAlone(segs []pathSeg) []regSeg {
	used := map[string]bool{}
	for _, s := range segs {
		used = addNames(used, s.Params...)
	}
	taken := map[string]bool{}
	var reg []regSeg
	for i, s := range segs {
		if s.lit {
			reg = append(reg, regSeg{lit: true, raw: s.raw, val: s.val})
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
		reg = append(reg, rs)
	}
	return reg
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
