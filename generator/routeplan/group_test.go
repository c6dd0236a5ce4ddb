package routeplan

import (
	"slices"
	"testing"

	"github.com/specgate/specgate/runtime/pathmatch"
)

func shapesFor(paths ...string) []routeShape {
	var routes []Route
	for _, p := range paths {
		routes = append(routes, Route{Method: "GET", Path: p, Served: served(p)})
	}
	return shapesOf(routes)
}

func TestGroupPattern(t *testing.T) {
	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{"/shops/{shopId}/orders", "/shops/{shopId}/items", "/shops/settings/{key}"}, "/shops/{seg2}/{seg3}"},
		{[]string{"/orders/{id}", "/orders/{number}"}, "/orders/{seg2}"},
		{[]string{"/v1/{name}:cancel", "/v1/{name}:retry"}, "/v1/{name}"}, // all agree on the parameter
		{[]string{"/a/{x}/b", "/a/{x}/b"}, "/a/{x}/b"},
	} {
		shapes := shapesFor(tc.paths...)
		members := make([]int, len(shapes))
		for i := range members {
			members[i] = i
		}
		if got := joinReg(groupPattern(members, shapes)); got != tc.want {
			t.Errorf("groupPattern(%q) = %s, want %s", tc.paths, got, tc.want)
		}
	}
}

func TestOrderMembers(t *testing.T) {
	// The literal route is strictly more specific: it goes first; the two
	// that are neither keep document order.
	shapes := shapesFor("/p/{id}/{part}", "/p/{id}/logo", "/p/sets/{set}", "/p/sets/logo")
	if got := orderMembers([]int{0, 1, 2, 3}, shapes); !slices.Equal(got, []int{3, 1, 2, 0}) {
		t.Errorf("orderMembers = %v, want [3 1 2 0]", got)
	}
}

func TestMemberRules(t *testing.T) {
	shapes := shapesFor("/shops/{shopId}/orders", "/shops/settings/{key}", "/files/{name}.{ext}")
	reg := groupPattern([]int{0, 1}, shapes)
	for _, tc := range []struct {
		m    int
		reg  []regSeg
		want []pathmatch.Segment
	}{
		{0, reg, []pathmatch.Segment{{Wildcard: "seg2", Text: []string{"", ""}, Params: []string{"shopId"}}, {Wildcard: "seg3", Text: []string{"orders"}}}},
		{1, reg, []pathmatch.Segment{{Wildcard: "seg2", Text: []string{"settings"}}, {Wildcard: "seg3", Text: []string{"", ""}, Params: []string{"key"}}}},
		{2, shapes[2].reg, []pathmatch.Segment{{Wildcard: "seg2", Text: []string{"", ".", ""}, Params: []string{"name", "ext"}}}},
		{0, shapes[0].reg, nil}, // alone, the pattern is the path: nothing to check
	} {
		got := memberRules(shapes[tc.m], tc.reg)
		if !slices.EqualFunc(got, tc.want, func(a, b pathmatch.Segment) bool {
			return a.Wildcard == b.Wildcard && slices.Equal(a.Text, b.Text) && slices.Equal(a.Params, b.Params)
		}) {
			t.Errorf("memberRules(%d, %s) = %+v, want %+v", tc.m, joinReg(tc.reg), got, tc.want)
		}
	}
}

func TestUnionFind(t *testing.T) {
	u := newUnionFind(4)
	if !u.union(0, 1) || !u.union(2, 3) || !u.union(1, 3) || u.union(0, 2) {
		t.Fatal("union reports whether the sets were apart")
	}
	if r := u.find(0); u.find(1) != r || u.find(2) != r || u.find(3) != r {
		t.Error("all four in one set")
	}
}

func TestAsWritten(t *testing.T) {
	if !asWritten(shapesFor("/a/{x}", "/a/b", "/c/")) {
		t.Error("legal, compatible patterns are registered as written")
	}
	for _, paths := range [][]string{{"/a/{x}", "/a/{y}"}, {"/a/{x}.json"}, {"/a/{x}/{x}"}, {"/r?q={q}"}} {
		if asWritten(shapesFor(paths...)) {
			t.Errorf("%q registered as written", paths)
		}
	}
}

func TestRel(t *testing.T) {
	from := Route{Pos: Position{File: "a.yaml", Line: 9, Col: 3}}
	same := Route{Pos: Position{File: "a.yaml", Line: 2, Col: 5}, At: "a.yaml:2:5"}
	other := Route{Pos: Position{File: "b.yaml", Line: 2, Col: 5}, At: "b.yaml:2:5"}
	if got := rel(same, from); got != "2:5" {
		t.Errorf("rel in the same file = %q, want 2:5", got)
	}
	if got := rel(other, from); got != "b.yaml:2:5" {
		t.Errorf("rel in another file = %q, want b.yaml:2:5", got)
	}
	if ordinal(2) != "second" || ordinal(11) != "11th" {
		t.Error("ordinal")
	}
}
