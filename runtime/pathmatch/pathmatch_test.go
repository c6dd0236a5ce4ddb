package pathmatch

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// values is a PathValuer for tests: the wildcard values of a request.
type values map[string]string

func (v values) PathValue(name string) string { return v[name] }

func seg(wildcard string, text []string, params ...string) Segment {
	return Segment{Wildcard: wildcard, Text: text, Params: params}
}

func TestSegmentMatch(t *testing.T) {
	for _, tc := range []struct {
		v    string
		seg  Segment
		want []string // nil: no match
	}{
		{"all.json", seg("t", []string{"", ".json"}, "t"), []string{"all"}},
		{".json", seg("t", []string{"", ".json"}, "t"), nil},
		{"all.jso", seg("t", []string{"", ".json"}, "t"), nil},
		{"v2", seg("n", []string{"v", ""}, "n"), []string{"2"}},
		{"v", seg("n", []string{"v", ""}, "n"), nil},
		{"x2", seg("n", []string{"v", ""}, "n"), nil},
		{"a.b.c", seg("f", []string{"", ".", ""}, "n", "e"), []string{"a", "b.c"}}, // shortest first, the last takes the rest
		{"..c", seg("f", []string{"", ".", ""}, "n", "e"), []string{".", "c"}},     // a value is never empty, so the first dot is part of it
		{".b", seg("f", []string{"", ".", ""}, "n", "e"), nil},
		{"a.", seg("f", []string{"", ".", ""}, "n", "e"), nil},
		{"a-b", seg("f", []string{"", "-", ""}, "x", "x"), nil},                // one parameter, two values
		{"a-a", seg("f", []string{"", "-", ""}, "x", "x"), []string{"a", "a"}}, // one parameter, one value
		{"r1-2.txt", seg("f", []string{"r", "-", ".txt"}, "a", "b"), []string{"1", "2"}},
		{"abc", seg("f", []string{"abc"}), []string{}},
		{"abd", seg("f", []string{"abc"}), nil},
		{"", seg("f", []string{""}), []string{}},
		{"", seg("f", []string{"", "-", ""}, "a", "b"), nil},
		{"a/b.json", seg("rest", []string{"", ".json"}, "p"), []string{"a/b"}},     // a {name...} value is text like any other
		{"ab", seg("f", []string{"", "", ""}, "a", "b"), []string{"a", "b"}},       // adjacent parameters: the first takes one character
		{"éb", seg("f", []string{"", "", ""}, "a", "b"), []string{"é", "b"}},       // ... a whole one, never a byte of it
		{"é", seg("f", []string{"", "", ""}, "a", "b"), nil},                       // one character cannot fill two parameters
		{"\xffb", seg("f", []string{"", "", ""}, "a", "b"), []string{"\xff", "b"}}, // an invalid byte counts as one
		{"x", seg("f", nil), nil},                                                  // malformed: no text
		{"x", seg("f", []string{""}, "p"), nil},                                    // malformed: text and params do not fit
	} {
		got, ok := tc.seg.Match(tc.v)
		if ok != (tc.want != nil) || !slices.Equal(got, tc.want) {
			t.Errorf("%+v.Match(%q) = %q %v, want %q", tc.seg, tc.v, got, ok, tc.want)
		}
	}
}

func TestValues(t *testing.T) {
	get := values{"s1": "a", "s2": "a.json", "s3": "b", "s4": "orders"}
	for _, tc := range []struct {
		name  string
		segs  []Segment
		names []string
		want  []string
		ok    bool
	}{
		{"none", nil, nil, nil, true},
		{"literal", []Segment{seg("s4", []string{"orders"})}, nil, nil, true},
		{"literal mismatch", []Segment{seg("s4", []string{"items"})}, nil, nil, false},
		{"repeat equal", []Segment{seg("s1", []string{"", ""}, "id"), seg("s2", []string{"", ".json"}, "id")}, []string{"id", "id"}, []string{"a", "a"}, true},
		{"repeat differs", []Segment{seg("s1", []string{"", ""}, "id"), seg("s3", []string{"", ""}, "id")}, nil, nil, false},
		{"later fails", []Segment{seg("s1", []string{"", ""}, "id"), seg("s4", []string{"items"})}, nil, nil, false},
		{"unset wildcard", []Segment{seg("nope", []string{"", ""}, "id")}, nil, nil, false},
	} {
		names, values, ok := Values(get, tc.segs)
		if ok != tc.ok || !slices.Equal(names, tc.names) || !slices.Equal(values, tc.want) {
			t.Errorf("%s: Values = %q %q %v, want %q %q %v", tc.name, names, values, ok, tc.names, tc.want, tc.ok)
		}
	}
}

// Match sets the parameters only when every Segment fits: a member that does
// not fit must not leave values behind for the next one.
func TestMatchSetsValuesOnlyOnSuccess(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	r.SetPathValue("s1", "7.json")
	r.SetPathValue("s2", "items")
	if Match(r, []Segment{seg("s1", []string{"", ".json"}, "id"), seg("s2", []string{"orders"})}) {
		t.Fatal("Match = true for a literal that does not fit")
	}
	if v := r.PathValue("id"); v != "" {
		t.Errorf("failed Match set id = %q", v)
	}
	if !Match(r, []Segment{seg("s1", []string{"", ".json"}, "id"), seg("s2", []string{"items"})}) {
		t.Fatal("Match = false for segments that fit")
	}
	if v := r.PathValue("id"); v != "7" {
		t.Errorf("id = %q, want 7", v)
	}
}

func TestMethodMatches(t *testing.T) {
	for _, tc := range []struct {
		method, route string
		want          bool
	}{
		{"GET", "GET", true},
		{"HEAD", "GET", true},
		{"HEAD", "HEAD", true},
		{"GET", "HEAD", false},
		{"POST", "GET", false},
		{"get", "GET", false}, // ServeMux compares methods exactly
		{"", "GET", false},
	} {
		if got := MethodMatches(tc.method, tc.route); got != tc.want {
			t.Errorf("MethodMatches(%q, %q) = %v, want %v", tc.method, tc.route, got, tc.want)
		}
	}
}

// named answers with its name and the path values asked for.
func named(name string, params ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := []string{name}
		for _, p := range params {
			out = append(out, p+"="+r.PathValue(p))
		}
		w.Write([]byte(strings.Join(out, " ")))
	})
}

func serve(h http.Handler, pattern, method, path string) (int, string) {
	mux := http.NewServeMux()
	mux.Handle(pattern, h)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	return w.Code, strings.TrimSpace(w.Body.String())
}

func TestDispatch(t *testing.T) {
	// The shop group of testdata/generate/route-adapted, with a HEAD route.
	h := Dispatch(
		Member{Method: "GET", Segments: []Segment{seg("s2", []string{"", ""}, "shopId"), seg("s3", []string{"orders"})}, Handler: named("orders", "shopId")},
		Member{Method: "GET", Segments: []Segment{seg("s2", []string{"", ""}, "shopId"), seg("s3", []string{"items"})}, Handler: named("items", "shopId")},
		Member{Method: "GET", Segments: []Segment{seg("s2", []string{"settings"}), seg("s3", []string{"", ""}, "key")}, Handler: named("setting", "key")},
		Member{Method: "HEAD", Segments: []Segment{seg("s2", []string{"", ""}, "shopId"), seg("s3", []string{"", ".json"}, "f")}, Handler: named("head", "shopId", "f")},
	)
	for _, tc := range []struct {
		method, path string
		code         int
		body         string
	}{
		{"GET", "/shops/7/orders", 200, "orders shopId=7"},
		{"GET", "/shops/7/items", 200, "items shopId=7"},
		{"HEAD", "/shops/7/items", 200, "items shopId=7"}, // GET serves HEAD
		{"GET", "/shops/settings/tz", 200, "setting key=tz"},
		{"GET", "/shops/settings/orders", 200, "orders shopId=settings"}, // the first that fits wins
		{"GET", "/shops/7/other", 404, "404 page not found"},
		{"GET", "/shops/7/x.json", 404, "404 page not found"}, // HEAD route only
		{"HEAD", "/shops/7/x.json", 200, "head shopId=7 f=x"},
		{"GET", "/shops/%6f/orders", 200, "orders shopId=o"},     // values are unescaped, as ServeMux gives them
		{"GET", "/shops/7/%6frders", 200, "orders shopId=7"},     // so literals are compared unescaped
		{"GET", "/shops/a%2Fb/orders", 200, "orders shopId=a/b"}, // an escaped slash stays in its segment
		{"POST", "/shops/7/orders", 405, "Method Not Allowed"},   // ServeMux's answer: the pattern is GET
	} {
		code, body := serve(h, "GET /shops/{s2}/{s3}", tc.method, tc.path)
		if code != tc.code || body != tc.body {
			t.Errorf("%s %s = %d %q, want %d %q", tc.method, tc.path, code, body, tc.code, tc.body)
		}
	}
}

// The index must not change which member serves: a member without a literal
// on the indexed wildcard is tried in its place for every value.
func TestDispatchIndexKeepsOrder(t *testing.T) {
	h := Dispatch(
		Member{Method: "GET", Segments: []Segment{seg("a", []string{"x"})}, Handler: named("x")},
		Member{Method: "GET", Segments: []Segment{seg("a", []string{"", ""}, "any")}, Handler: named("any", "any")},
		Member{Method: "GET", Segments: []Segment{seg("a", []string{"y"})}, Handler: named("y")},
		Member{Method: "GET", Segments: []Segment{seg("a", []string{"z"})}, Handler: named("z")},
	)
	for path, want := range map[string]string{"/x": "x", "/y": "any any=y", "/z": "any any=z", "/w": "any any=w"} {
		if _, body := serve(h, "GET /{a}", "GET", path); body != want {
			t.Errorf("GET %s = %q, want %q", path, body, want)
		}
	}
}

func TestDispatchCopiesMembers(t *testing.T) {
	members := []Member{{Method: "GET", Segments: []Segment{seg("a", []string{"x"})}, Handler: named("x")}}
	h := Dispatch(members...)
	members[0].Handler = named("changed")
	if _, body := serve(h, "GET /{a}", "GET", "/x"); body != "x" {
		t.Errorf("GET /x = %q after the caller changed its slice, want x", body)
	}
}

func TestDispatchNoMembers(t *testing.T) {
	if code, _ := serve(Dispatch(), "GET /{a}", "GET", "/x"); code != 404 {
		t.Errorf("no members: %d, want 404", code)
	}
}

func TestIndexPicksTheBestSplit(t *testing.T) {
	m := func(a, b string) Member {
		var segs []Segment
		if a != "" {
			segs = append(segs, seg("a", []string{a}))
		}
		if b != "" {
			segs = append(segs, seg("b", []string{b}))
		}
		return Member{Method: "GET", Segments: segs}
	}
	// On a every member has one literal; on b two share "1".
	ix := newIndex([]Member{m("p", "1"), m("q", "1"), m("r", "2"), m("", "3")})
	if ix.key != "a" {
		t.Fatalf("key = %q, want a", ix.key)
	}
	if got := ix.byLiteral["q"]; !slices.Equal(got, []int{1, 3}) {
		t.Errorf("byLiteral[q] = %v, want [1 3]", got)
	}
	if !slices.Equal(ix.rest, []int{3}) {
		t.Errorf("rest = %v, want [3]", ix.rest)
	}
	if ix := newIndex([]Member{m("", ""), m("", "")}); ix.key != "" || !slices.Equal(ix.rest, []int{0, 1}) {
		t.Errorf("no literals: %+v, want no key and every member", ix)
	}
}
