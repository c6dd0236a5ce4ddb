package routeplan

import (
	"slices"
	"strings"

	"github.com/specgate/specgate/runtime/pathmatch"
)

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
