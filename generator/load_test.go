package generator_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/specgate/specgate/generator"
)

// TestRemoteRefSyntaxError: an error in a document fetched for a remote $ref is
// reported in that document (its URL), not in the root one.
func TestRemoteRefSyntaxError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/broken.yaml":
			w.Write([]byte("get:\n  operationId: x\n responses: {}\n"))
		case "/wrong-type.json":
			w.Write([]byte(`{"get": {"operationId": "y", "parameters": 5}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct{ file, want string }{
		{"broken.yaml", srv.URL + "/broken.yaml:3:2: yaml-syntax: did not find expected key"},
		{"wrong-type.json", srv.URL + "/wrong-type.json:1:44: load-failed: cannot construct !!int `5` into openapi3.Parameters in /get/parameters"},
	} {
		spec := filepath.Join(t.TempDir(), "openapi.yaml")
		doc := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nx-auth-required: true\npaths:\n  /a:\n    $ref: " + srv.URL + "/" + tc.file + "\n"
		if err := os.WriteFile(spec, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := generator.Load(context.Background(), spec, generator.LoadOptions{AllowRemoteRefs: true})
		var le *generator.LoadError
		if !errors.As(err, &le) {
			t.Fatalf("%s: err = %v, want a *LoadError", tc.file, err)
		}
		if got := le.Diagnostic.String(); got != "error "+tc.want && got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.file, got, tc.want)
		}
	}
}
