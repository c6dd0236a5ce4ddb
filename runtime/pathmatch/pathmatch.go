// Package pathmatch is the route matcher behind specgate's adapted routes:
// the part of a path net/http.ServeMux cannot check itself.
//
// ServeMux takes a wildcard only as a whole segment ({name}, or {name...} at
// the end), each name once, and refuses two patterns that match the same
// requests with neither more specific. Where an OpenAPI path needs more
// (/files/{name}.{ext}, /a/{id}/b/{id}, or paths that conflict), specgate
// registers a wider pattern, one whole-segment wildcard per such segment, and
// hands its handler to Dispatch with data: per operation, the Segments its
// path must fit. ServeMux still does everything it can (cleaning the path,
// unescaping each segment, {$}, trailing slashes, {name...}, Host, 405s); this
// package only reads the wildcard values ServeMux set, with r.PathValue, so
// both agree on escaping: a Segment's text is unescaped, as values are.
//
// The same code decides, at generation time, which routes overlap (the
// generator imports it), so the planner and the generated routes cannot
// disagree on what a segment matches.
package pathmatch

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

// Segment is one check of an adapted route: the value of the registered
// pattern's wildcard named Wildcard must consist of Text[0], the value of
// Params[0], Text[1], ... the value of Params[n-1], Text[n], where Text is
// unescaped literal text. Every parameter takes a non-empty value, as short
// as possible (at least one character) except the last, which takes the rest (no backtracking: the
// first place the following text appears ends a parameter). A parameter
// written twice, in this Segment or another of the same route, must have one
// value. With no Params the Segment is a literal: the value must be Text[0].
//
// A Segment whose Text does not have one more element than Params matches
// nothing.
type Segment struct {
	Wildcard string
	Text     []string
	Params   []string
}

// Match reports whether value fits s and returns the values of s.Params, in
// order (empty, not nil, for a literal Segment that fits).
func (s Segment) Match(value string) ([]string, bool) {
	_, values, ok := s.match(value, nil, []string{})
	return values, ok
}

// match checks value against s; names and values carry the parameters taken
// already (by earlier Segments of the route), which repeats must equal. It
// returns them with s's appended.
func (s Segment) match(value string, names, values []string) ([]string, []string, bool) {
	if len(s.Text) != len(s.Params)+1 {
		return nil, nil, false
	}
	v, ok := strings.CutPrefix(value, s.Text[0])
	if !ok {
		return nil, nil, false
	}
	if len(s.Params) == 0 {
		return names, values, v == ""
	}
	for i, name := range s.Params {
		next := s.Text[i+1]
		var val string
		if i == len(s.Params)-1 {
			if val, ok = strings.CutSuffix(v, next); !ok {
				return nil, nil, false
			}
		} else {
			// The shortest non-empty value followed by next: at least one
			// character, so {a}{b} never splits a multi-byte one.
			if v == "" {
				return nil, nil, false
			}
			_, first := utf8.DecodeRuneInString(v)
			j := strings.Index(v[first:], next)
			if j < 0 {
				return nil, nil, false
			}
			val, v = v[:first+j], v[first+j+len(next):]
		}
		if val == "" {
			return nil, nil, false
		}
		for k, n := range names {
			if n == name && values[k] != val {
				return nil, nil, false
			}
		}
		names, values = append(names, name), append(values, val)
	}
	return names, values, true
}

// PathValuer gives the value of a registered pattern's wildcard by name:
// *http.Request does (r.PathValue), with the values ServeMux set.
type PathValuer interface {
	PathValue(name string) string
}

// Values checks every Segment against the value r gives for its Wildcard
// and returns the parameters they carry, in order, names and values side by
// side (a parameter written twice appears twice, with its one value).
func Values(r PathValuer, segments []Segment) (names, values []string, ok bool) {
	return collect(r, segments, nil, nil)
}

// collect is Values appending to names and values: Match hands it buffers
// on its stack, so a request that fits costs no allocation here.
func collect(r PathValuer, segments []Segment, names, values []string) ([]string, []string, bool) {
	for _, s := range segments {
		var ok bool
		if names, values, ok = s.match(r.PathValue(s.Wildcard), names, values); !ok {
			return nil, nil, false
		}
	}
	return names, values, true
}

// Match reports whether r's path values fit segments; only then does it set
// the parameters they carry (r.SetPathValue), so a route that does not fit
// leaves r as it was.
func Match(r *http.Request, segments []Segment) bool {
	var nb, vb [4]string
	names, values, ok := collect(r, segments, nb[:0], vb[:0])
	if !ok {
		return false
	}
	for i, name := range names {
		r.SetPathValue(name, values[i])
	}
	return true
}

// MethodMatches reports whether a request with method reaches a route
// declared for routeMethod, as ServeMux decides it: the same method, or HEAD
// for a GET route.
func MethodMatches(method, routeMethod string) bool {
	return method == routeMethod || (method == http.MethodHead && routeMethod == http.MethodGet)
}
