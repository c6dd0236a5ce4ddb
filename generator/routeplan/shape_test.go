package routeplan

import (
	"slices"
	"testing"
)

func TestShape(t *testing.T) {
	for _, tc := range []struct {
		path           string
		reg            string // the pattern it is registered under alone
		inSeg, twice   []string
		query, invalid bool
	}{
		{path: "/pets/{id}", reg: "/pets/{id}"},
		{path: "/pets/", reg: "/pets/{$}"},
		{path: "/", reg: "/{$}"},
		{path: "/critics/{type}.json", reg: "/critics/{type}", inSeg: []string{"type"}}, // one parameter keeps its name
		{path: "/files/{name}.{ext}", reg: "/files/{seg2}", inSeg: []string{"name", "ext"}},
		{path: "/a/{id}/b/{id}", reg: "/a/{id}/b/{seg4}", twice: []string{"id"}},
		{path: "/rides?page={page}", reg: "/rides", query: true},
		{path: "/owners/{owner-id}", reg: "/owners/{owner_id}"},                                // oapi-codegen's parameter name
		{path: "/seg2/{a}.{b}/{seg2}", reg: "/seg2/{seg2_}/{seg2}", inSeg: []string{"a", "b"}}, // a fresh name no parameter uses
		{path: "/pets/{id", invalid: true, reg: "/pets/{id"},
	} {
		sh := shape(Route{Method: "GET", Path: tc.path, Served: served(tc.path)})
		if sh.invalid != tc.invalid || sh.query != tc.query || !slices.Equal(sh.inSeg, tc.inSeg) || !slices.Equal(sh.twice, tc.twice) {
			t.Errorf("shape(%q) = invalid %v query %v inSeg %q twice %q, want %v %v %q %q", tc.path, sh.invalid, sh.query, sh.inSeg, sh.twice, tc.invalid, tc.query, tc.inSeg, tc.twice)
		}
		got := joinReg(sh.reg)
		if tc.invalid {
			got = sh.pattern
		}
		if got != tc.reg {
			t.Errorf("shape(%q) registers %q, want %q", tc.path, got, tc.reg)
		}
	}
}

// Escaped literals compare unescaped, as ServeMux compares them.
func TestShapeUnescapes(t *testing.T) {
	sh := shape(Route{Method: "GET", Path: "/caf%C3%A9/{x}%2Ejson"})
	if sh.segs[0].val != "café" || sh.segs[0].raw != "caf%C3%A9" {
		t.Errorf("literal = %q (raw %q), want café (raw caf%%C3%%A9)", sh.segs[0].val, sh.segs[0].raw)
	}
	if !slices.Equal(sh.segs[1].Text, []string{"", ".json"}) {
		t.Errorf("text = %q, want [\"\" .json]", sh.segs[1].Text)
	}
}
