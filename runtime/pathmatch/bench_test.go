package pathmatch

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// benchGroup is a dispatch group like the large ones of the corpus: n members
// behind /{s1}/{s2}, each with its own literal first segment (the index
// picks it) and an in-segment parameter, plus one member that fits any
// first segment.
func benchGroup(n int) http.Handler {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	members := []Member{}
	for i := range n {
		members = append(members, Member{Method: http.MethodGet, Handler: ok, Segments: []Segment{
			{Wildcard: "s1", Text: []string{"r" + strconv.Itoa(i)}},
			{Wildcard: "s2", Text: []string{"", ".json"}, Params: []string{"id"}},
		}})
	}
	members = append(members, Member{Method: http.MethodGet, Handler: ok, Segments: []Segment{
		{Wildcard: "s1", Text: []string{"", ""}, Params: []string{"kind"}},
		{Wildcard: "s2", Text: []string{"", ""}, Params: []string{"id"}},
	}})
	mux := http.NewServeMux()
	mux.Handle("GET /{s1}/{s2}", Dispatch(members...))
	return mux
}

// BenchmarkDispatch serves requests through a ServeMux and a 101-member
// group: one that the index sends to its member, one with a first segment no
// member names (the catch-all), one that its indexed member turns away and
// the catch-all takes.
func BenchmarkDispatch(b *testing.B) {
	h := benchGroup(100)
	for _, path := range []string{"/r57/7.json", "/other/7", "/r57/7.xml"} {
		b.Run(path, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}
