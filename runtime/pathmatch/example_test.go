package pathmatch_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/specgate/specgate/runtime/pathmatch"
)

// Two operations ServeMux cannot register as written, /files/{name}.{ext}
// and /files/latest, behind the one pattern specgate registers for both:
// the more specific member first, each checking the wildcard file.
func ExampleDispatch() {
	show := func(op string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s name=%q ext=%q", op, r.PathValue("name"), r.PathValue("ext"))
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /files/{file}", pathmatch.Dispatch(
		pathmatch.Member{Method: http.MethodGet, Segments: []pathmatch.Segment{
			{Wildcard: "file", Text: []string{"latest"}},
		}, Handler: show("getLatest")},
		pathmatch.Member{Method: http.MethodGet, Segments: []pathmatch.Segment{
			{Wildcard: "file", Text: []string{"", ".", ""}, Params: []string{"name", "ext"}},
		}, Handler: show("getFile")},
	))
	for _, path := range []string{"/files/report.tar.gz", "/files/latest", "/files/README"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Println(path, w.Code, w.Body.String())
	}
	// Output:
	// /files/report.tar.gz 200 getFile name="report" ext="tar.gz"
	// /files/latest 200 getLatest name="" ext=""
	// /files/README 404 404 page not found
}

func ExampleSegment_Match() {
	s := pathmatch.Segment{Wildcard: "file", Text: []string{"r", "-", ".txt"}, Params: []string{"year", "n"}}
	fmt.Println(s.Match("r2024-07.txt"))
	fmt.Println(s.Match("r2024.txt"))
	// Output:
	// [2024 07] true
	// [] false
}
