package routeplan

import "testing"

func regOf(path string) []regSeg { return shape(Route{Path: path}).reg }

func TestOverlap(t *testing.T) {
	for _, tc := range []struct {
		am, a, bm, b string
		ok, aIn, bIn bool
	}{
		{"GET", "/p/{id}", "GET", "/p/{x}", true, true, true},       // the same requests: ServeMux refuses the pair
		{"GET", "/p/logo", "GET", "/p/{id}", true, true, false},     // a more specific than b
		{"GET", "/p/{id}/x", "GET", "/p/y/{z}", true, false, false}, // neither: a conflict
		{"GET", "/p/a", "GET", "/p/b", false, false, false},
		{"GET", "/p/{id}", "POST", "/p/{id}", false, false, false},
		{"HEAD", "/p/{id}", "GET", "/p/{id}", true, true, false}, // GET serves HEAD
		{"GET", "/p/", "GET", "/p/{id}", false, false, false},    // /p/{$}: a wildcard never matches the final empty segment
		{"GET", "/p/{id}", "GET", "/p/{id}/q", false, false, false},
	} {
		ok, aIn, bIn := overlap(tc.am, regOf(tc.a), tc.bm, regOf(tc.b))
		if ok != tc.ok || aIn != tc.aIn || bIn != tc.bIn {
			t.Errorf("overlap(%s %s, %s %s) = %v %v %v, want %v %v %v", tc.am, tc.a, tc.bm, tc.b, ok, aIn, bIn, tc.ok, tc.aIn, tc.bIn)
		}
	}
}

func TestShapeWithin(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"/c/picks.json", "/c/{t}.json", true},
		{"/c/{t}.json", "/c/picks.json", false},
		{"/c/{t}.json", "/c/{u}", true},
		{"/c/{u}", "/c/{t}.json", false},
		{"/v/{n}:cancel", "/v/{m}:retry", false},
		{"/e/{x}/{x}", "/e/{y}/{z}", true},
		{"/e/{y}/{z}", "/e/{x}/{x}", false},
		{"/e/1/1", "/e/{x}/{x}", true}, // the same literal for both occurrences
		{"/e/1/2", "/e/{x}/{x}", false},
		{"/f/{a}.{b}", "/f/{c}.{d}", true},
	} {
		a, b := shape(Route{Method: "GET", Path: tc.a}), shape(Route{Method: "GET", Path: tc.b})
		if got := shapeWithin(a, b); got != tc.want {
			t.Errorf("shapeWithin(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestMethods(t *testing.T) {
	if !methodsOverlap("GET", "HEAD") || !methodsOverlap("HEAD", "GET") || methodsOverlap("GET", "POST") {
		t.Error("methodsOverlap: GET and HEAD overlap, GET and POST do not")
	}
	if !methodWithin("HEAD", "GET") || methodWithin("GET", "HEAD") {
		t.Error("methodWithin: a HEAD pattern's requests are a GET pattern's, not the other way")
	}
}
