package pathmatch

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var fuzzMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost}

// widen is what specgate does to a pattern it must adapt: every literal
// segment becomes a wildcard of its own (pm0, pm1, ...) that a literal
// Segment checks. Wildcards, {$} and a trailing slash stay as they are.
// ok is false for patterns this harness does not take (a wildcard inside a
// segment, which ServeMux cannot be the oracle for, an empty segment, or a
// name of the pm form).
func widen(pattern string) (wide string, segs []Segment, names []string, ok bool) {
	if !strings.HasPrefix(pattern, "/") || strings.Contains(pattern, "{pm") {
		return "", nil, nil, false
	}
	parts := strings.Split(pattern[1:], "/")
	out := make([]string, len(parts))
	for i, p := range parts {
		last := i == len(parts)-1
		switch {
		case last && (p == "" || p == "{$}"):
			out[i] = p
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") && len(p) > 2:
			out[i] = p
			names = append(names, strings.TrimSuffix(p[1:len(p)-1], "..."))
		case p == "" || strings.ContainsAny(p, "{}"):
			return "", nil, nil, false
		default:
			w := "pm" + strconv.Itoa(i)
			out[i] = "{" + w + "}"
			lit, err := url.PathUnescape(p) // as ServeMux reads a pattern's literal
			if err != nil {
				lit = p
			}
			segs = append(segs, Segment{Wildcard: w, Text: []string{lit}})
		}
	}
	return "/" + strings.Join(out, "/"), segs, names, true
}

// register is mux.Handle, reporting ServeMux's refusal as false.
func register(mux *http.ServeMux, pattern string, h http.Handler) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	mux.Handle(pattern, h)
	return true
}

// FuzzMatch checks the adapter against ServeMux itself: a pattern registered
// as written (the oracle) and the same pattern widened, its literals checked
// by Dispatch and Match, must serve the same requests with the same path
// values, and refuse methods alike, redirects followed. The one allowed
// difference: where the oracle answers 404, the wider pattern may make
// ServeMux answer 405 (a path the wider pattern matches, another method);
// it never serves such a request.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"/a/{x}/b", "/a/1/b"},
		{"/a/{x}/b", "/a/1/c"},
		{"/a/b/", "/a/b/c/d"},
		{"/a/b/", "/a/b"},
		{"/a/{$}", "/a/"},
		{"/a/{$}", "/a/x"},
		{"/a/{rest...}", "/a/x/y"},
		{"/a%2Fb/{x}", "/a%2fb/1"},
		{"/a%2Fb/{x}", "/a/b/1"},
		{"/caf%C3%A9/{x}", "/café/1"},
		{"/x/./{y}", "/x/y"},
		{"/{x}/lit", "/a/../b/lit"},
		{"/a/b", "/a/b?q=1"},
		{"/a/%zz", "/a/%zz"},
	} {
		for m := range fuzzMethods {
			f.Add(s[0], s[1], uint8(0), uint8(m))
		}
	}
	f.Fuzz(func(t *testing.T, pattern, path string, pm, rm uint8) {
		wide, segs, names, ok := widen(pattern)
		if !ok || !strings.HasPrefix(path, "/") {
			return
		}
		method := fuzzMethods[int(pm)%len(fuzzMethods)]
		show := func(w http.ResponseWriter, r *http.Request) {
			out := []string{"hit"}
			for _, n := range names {
				out = append(out, n+"="+r.PathValue(n))
			}
			w.Write([]byte(strings.Join(out, "\x00")))
		}
		oracle := http.NewServeMux()
		if !register(oracle, method+" "+pattern, http.HandlerFunc(show)) {
			return // ServeMux refuses the pattern: nothing to compare
		}
		sut := http.NewServeMux()
		if !register(sut, method+" "+wide, Dispatch(Member{Method: method, Segments: segs, Handler: http.HandlerFunc(show)})) {
			t.Fatalf("ServeMux takes %q but not its widened %q", pattern, wide)
		}
		reqMethod := fuzzMethods[int(rm)%len(fuzzMethods)]
		// do serves the request, following ServeMux's redirects (to the clean
		// path, to a trailing slash) as a client would: the widened pattern may
		// take one more of them on the way to the same answer.
		do := func(mux *http.ServeMux) (*httptest.ResponseRecorder, bool) {
			p := path
			for range 4 {
				r, err := http.NewRequest(reqMethod, "http://example.com"+p, nil)
				if err != nil {
					return nil, false
				}
				w := httptest.NewRecorder()
				mux.ServeHTTP(w, r)
				loc := w.Header().Get("Location")
				if w.Code/100 != 3 || !strings.HasPrefix(loc, "/") {
					return w, true
				}
				p = loc
			}
			return nil, false
		}
		want, ok := do(oracle)
		if !ok {
			return
		}
		got, ok := do(sut)
		if !ok {
			t.Fatalf("%s %s on %q: the widened %q redirects in a loop", reqMethod, path, method+" "+pattern, wide)
		}
		served := strings.HasPrefix(got.Body.String(), "hit")
		if want.Code == http.StatusNotFound {
			if served || (got.Code != http.StatusNotFound && got.Code != http.StatusMethodNotAllowed) {
				t.Fatalf("%s %s on %q: oracle 404, widened %q answers %d %q", reqMethod, path, method+" "+pattern, wide, got.Code, got.Body)
			}
			return
		}
		if got.Code != want.Code || got.Body.String() != want.Body.String() ||
			got.Header().Get("Allow") != want.Header().Get("Allow") {
			t.Fatalf("%s %s on %q: oracle %d %q (Allow %q), widened %q: %d %q (Allow %q)",
				reqMethod, path, method+" "+pattern, want.Code, want.Body, want.Header().Get("Allow"),
				wide, got.Code, got.Body, got.Header().Get("Allow"))
		}
	})
}

// fuzzParam is a parameter written into a segment spec of FuzzDispatch.
var fuzzParam = regexp.MustCompile(`<([a-z]?)>`)

// fuzzMembers reads members from spec: members separated by ";", each a
// method index digit then segments separated by ",", each a wildcard letter
// (a, b or c) then text with parameters written <p> (a "!" before the letter
// drops the last text, a malformed Segment). Anything else is text.
func fuzzMembers(spec string) []Member {
	var members []Member
	for i, ms := range strings.Split(spec, ";") {
		m := Member{Method: fuzzMethods[0]}
		if ms != "" {
			m.Method = fuzzMethods[int(ms[0])%len(fuzzMethods)]
			ms = ms[1:]
		}
		for _, ss := range strings.Split(ms, ",") {
			bad := strings.HasPrefix(ss, "!")
			ss = strings.TrimPrefix(ss, "!")
			var s Segment
			if ss != "" {
				s.Wildcard = string(rune('a' + int(ss[0])%3))
				ss = ss[1:]
			}
			last := 0
			for _, loc := range fuzzParam.FindAllStringSubmatchIndex(ss, -1) {
				s.Text = append(s.Text, ss[last:loc[0]])
				s.Params = append(s.Params, "p"+ss[loc[2]:loc[3]])
				last = loc[1]
			}
			s.Text = append(s.Text, ss[last:])
			if bad {
				s.Text = s.Text[:len(s.Text)-1]
			}
			m.Segments = append(m.Segments, s)
		}
		segs := m.Segments
		m.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			out := strconv.Itoa(i)
			for _, s := range segs {
				for _, p := range s.Params {
					out += "\x00" + p + "=" + r.PathValue(p)
				}
			}
			w.Write([]byte(out))
		})
		members = append(members, m)
	}
	return members
}

// FuzzDispatch never panics, whatever the members and the request, and
// serves a request with the first member (in order) whose method and
// Segments fit, or answers 404 when none does: the index changes nothing.
// The values it sets are the ones that, put back into the member's text,
// give the wildcard values.
func FuzzDispatch(f *testing.F) {
	f.Add("0a<x>.json;0alatest", "/report.json/b/c", uint8(0))
	f.Add("0a<x>,bitems;0a<x>,borders;0asettings,b<k>", "/7/orders/c", uint8(1))
	f.Add("1a<x>-<x>;2!a<y>", "/q-q/x/y", uint8(2))
	f.Add("0a<>.<>", "/a.b.c/x/y", uint8(0))
	f.Add("0c<r>", "/a/b/c/d", uint8(0))
	f.Fuzz(func(t *testing.T, spec, path string, rm uint8) {
		if len(spec) > 200 {
			return
		}
		members := fuzzMembers(spec)
		r, err := http.NewRequest(fuzzMethods[int(rm)%len(fuzzMethods)], "http://example.com"+path, nil)
		if err != nil {
			return
		}
		dispatch := Dispatch(members...)
		var wild map[string]string // the wildcard values ServeMux set, before Dispatch adds any
		mux := http.NewServeMux()
		mux.HandleFunc("/{a}/{b}/{c...}", func(w http.ResponseWriter, r *http.Request) {
			wild = map[string]string{"a": r.PathValue("a"), "b": r.PathValue("b"), "c": r.PathValue("c")}
			dispatch.ServeHTTP(w, r)
		})
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if wild == nil {
			return // ServeMux answered itself (a redirect, or a path too short)
		}
		get := values(wild)
		want := -1
		var names, values []string
		for i, m := range members {
			var ok bool
			if names, values, ok = Values(get, m.Segments); ok && MethodMatches(r.Method, m.Method) {
				want = i
				break
			}
		}
		if want < 0 {
			if w.Code != http.StatusNotFound {
				t.Fatalf("no member fits %s %s, got %d %q", r.Method, path, w.Code, w.Body)
			}
			return
		}
		value := map[string]string{}
		for j, n := range names {
			if v, ok := value[n]; ok && v != values[j] {
				t.Fatalf("member %d: parameter %s has two values, %q and %q", want, n, v, values[j])
			}
			value[n] = values[j]
		}
		body := strconv.Itoa(want)
		for _, s := range members[want].Segments {
			for _, p := range s.Params {
				body += "\x00" + p + "=" + value[p]
			}
		}
		if w.Body.String() != body {
			t.Fatalf("%s %s: member %d fits first with %q, got %d %q", r.Method, path, want, body, w.Code, w.Body)
		}
		for _, s := range members[want].Segments {
			got := s.Text[0]
			for k, p := range s.Params {
				got += value[p] + s.Text[k+1]
			}
			if got != wild[s.Wildcard] {
				t.Fatalf("member %d: the values of %+v rebuild %q, not the wildcard's %q", want, s, got, wild[s.Wildcard])
			}
		}
	})
}
