package table_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/load"
	"github.com/specgate/specgate/generator/table"
)

// TestBuildPathRefChain: a path item whose $ref chain comes back to itself, or
// reaches its operations through more than one $ref, is an error of the table
// itself, so lint, routes, check and diff refuse it as generate does, instead
// of a table silently without its routes. One $ref to operations, and chains
// to a path item with parameters only, are not findings, and the route one
// $ref reaches stays in the table.
func TestBuildPathRefChain(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "errors", "path-ref-chains", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tab, diags := build(t, string(src), table.Options{})
	var found []string
	for _, d := range diags {
		if (d.Code == ir.CodeRefCycle || d.Code == ir.CodePathRefChain) && d.Severity == ir.Error {
			found = append(found, d.Code+" "+d.Message[:strings.Index(d.Message, ":")])
		}
	}
	want := []string{`ref-cycle path "/here"`, `ref-cycle path "/there"`, `ref-cycle path "/self"`, `ref-cycle path "/ring"`,
		`ref-cycle path "/loop"`, `ref-cycle path "/mixed"`,
		`path-ref-chain path "/chained"`, `path-ref-chain path "/a-alias"`, `path-ref-chain path "/b-alias"`}
	if !slices.Equal(found, want) {
		t.Errorf("errors on %q, want %q", found, want)
	}
	if len(tab.Routes) != 1 || tab.Routes[0].OperationID != "listThings" || tab.Routes[0].Auth != ir.Required {
		t.Errorf("routes %+v, want listThings alone, required", tab.Routes)
	}
}

// FuzzPathRefChain builds tables of documents whose path items $ref whatever
// the fuzzer writes, pointing into each other, into components/pathItems and
// anywhere else: Build never panics, and a chain finding is positioned at a
// path key (/a and /b are on line 2).
func FuzzPathRefChain(f *testing.F) {
	for _, refs := range [][3]string{
		{"#/paths/~1b", "#/components/pathItems/X", "#/components/pathItems/Y"},
		{"#/paths/~1a", "#/paths/~1b", "#/paths/~1a"},
		{"#/components/pathItems/X", "#/paths/~1a", "#/paths/~1c"},
		{"#/", "#//", "#/~"}, {"#/paths", "#/paths/~2", "other.yaml#/paths/~1a"}, {"#/info", "#/paths/~1c/get", ""},
	} {
		f.Add(refs[0], refs[1], refs[2])
	}
	f.Fuzz(func(t *testing.T, r1, r2, r3 string) {
		q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
		src := `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "x-auth-required": true,
"paths": {"/a": {"$ref": ` + q(r1) + `}, "/b": {"$ref": ` + q(r2) + `},
  "/c": {"get": {"operationId": "getC", "responses": {"200": {"description": "ok"}}}}},
"components": {"pathItems": {"X": {"$ref": ` + q(r3) + `}, "Y": {"get": {"operationId": "getY", "responses": {"200": {"description": "ok"}}}}}}}`
		d, err := load.LoadData(context.Background(), "openapi.json", []byte(src), load.Options{})
		if err != nil {
			return
		}
		_, diags := table.Build(d, table.Options{})
		for _, dg := range diags {
			if (dg.Code == ir.CodeRefCycle || dg.Code == ir.CodePathRefChain) && dg.Line != 2 {
				t.Fatalf("%s not at a path key", dg)
			}
		}
	})
}
