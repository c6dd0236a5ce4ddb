package load

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/specgate/specgate/generator/ir"
)

func TestMarkFlowDocument(t *testing.T) {
	for _, tc := range []struct {
		data     string
		wantLine int // 0: not marked
	}{
		{`{"openapi":"3.0.3"}`, 1},
		{"\n\n{\"openapi\":\"3.0.3\"}", 3},
		{`["not", "an", "object"]`, 1},
		{"openapi: 3.0.3\n", 0},
		{` {"openapi":"3.0.3"}`, 0},          // not at a line start
		{"\t{\"openapi\":\"3.0.3\"}", 0},     // not at a line start
		{"\r\n{\"openapi\":\"3.0.3\"}", 0},   // only line feeds are counted
		{"{\"x\":\"a\u0085b\"}", 0},          // kin-openapi reads this one as JSON
		{"\ufeff{\"openapi\":\"3.0.3\"}", 0}, // byte order mark
		{"--- {\"openapi\":\"3.0.3\"}", 0},   // marked already
		{"", 0},
		{"\n\n", 0},
	} {
		marked, line, ok := markFlowDocument([]byte(tc.data))
		if ok != (tc.wantLine > 0) || line != tc.wantLine {
			t.Errorf("%q: line %d, ok %v; want line %d", tc.data, line, ok, tc.wantLine)
			continue
		}
		if !ok {
			continue
		}
		i := tc.wantLine - 1
		if want := tc.data[:i] + documentMarker + tc.data[i:]; string(marked) != want {
			t.Errorf("%q: marked %q, want %q", tc.data, marked, want)
		}
	}
}

// TestMarkedLoadSamePositions loads JSON documents with and without
// markFlowDocument and compares every location the two trees record, after
// Document.Position: marking must change nothing a user sees. The documents are
// the JSON test documents and every YAML golden document rewritten as one line of
// JSON (the shape that made marking worth it).
func TestMarkedLoadSamePositions(t *testing.T) {
	type doc struct {
		path     string
		files    int // documents that must have been marked (0: the Swagger 2.0 one)
		minCount int
	}
	docs := []doc{
		{filepath.Join("..", "..", "testdata", "generate", "json", "openapi.json"), 1, 10},
		{filepath.Join("..", "..", "testdata", "generate", "minified-json", "openapi.json"), 1, 50},
		{filepath.Join("..", "..", "testdata", "errors", "minified-json", "openapi.json"), 1, 20},
	}
	cases, err := filepath.Glob(filepath.Join("..", "..", "testdata", "generate", "*", "openapi.yaml"))
	if err != nil || len(cases) < 10 {
		t.Fatalf("golden documents: %v, %v", cases, err)
	}
	for _, src := range cases {
		// The case folder is copied whole, and every document in it, the files its
		// $refs name too, rewritten as one line of JSON under its own name.
		dir := filepath.Join(t.TempDir(), "case")
		if err := os.CopyFS(dir, os.DirFS(filepath.Dir(src))); err != nil {
			t.Fatal(err)
		}
		files := 0
		err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".yaml") || e.Name() == "specgate.yaml" {
				return err
			}
			var v any
			if err := yaml.Unmarshal(mustRead(t, p), &v); err != nil {
				return err
			}
			js, err := json.Marshal(v)
			if err != nil {
				return err
			}
			if e.Name() == "openapi.yaml" {
				p = filepath.Join(filepath.Dir(p), "openapi.min.json")
			}
			files++
			return os.WriteFile(p, js, 0o644)
		})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		// A Swagger 2.0 document is converted and carries no origins.
		if strings.Contains(src, "swagger2") {
			files = 0
		}
		docs = append(docs, doc{filepath.Join(dir, "openapi.min.json"), files, min(files, 1) * 5})
	}
	for _, d := range docs {
		name := strings.TrimPrefix(d.path, os.TempDir())
		marked, err := load(context.Background(), d.path, Options{}, true)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		plain, err := load(context.Background(), d.path, Options{}, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(marked.shifts) != d.files {
			t.Errorf("%s: %d documents marked, want %d", name, len(marked.shifts), d.files)
		}
		if plain.shifts != nil {
			t.Errorf("%s: marked without markFlow", name)
		}
		got, want := positions(marked), positions(plain)
		if len(want) < d.minCount {
			t.Errorf("%s: %d locations recorded, want at least %d", name, len(want), d.minCount)
		}
		if !slices.Equal(got, want) {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Errorf("%s: location %d of %d: %v marked, %v as written", name, i, len(want), got[i], want[i])
					break
				}
			}
			if len(got) != len(want) {
				t.Errorf("%s: %d locations marked, %d as written", name, len(got), len(want))
			}
		}
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// positions lists, through d.Position, every openapi3.Location in d's tree, in a
// fixed order: fields in declaration order, map entries by key, each pointer once.
func positions(d *Document) []ir.Position {
	var out []ir.Position
	seen := map[uintptr]bool{}
	locType := reflect.TypeFor[openapi3.Location]()
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == locType {
				out = append(out, d.Position(openapi3.Location{
					File: v.FieldByName("File").String(), Line: int(v.FieldByName("Line").Int()), Column: int(v.FieldByName("Column").Int()),
				}))
				return
			}
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			keys := v.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			for _, k := range keys {
				walk(v.MapIndex(k))
			}
		}
	}
	walk(reflect.ValueOf(d.T))
	return out
}

// FuzzMarkedLoad checks on arbitrary documents what TestMarkedLoadSamePositions
// checks on real ones: marked and as written, Load gives the same error or the
// same locations.
func FuzzMarkedLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "*", "*", "openapi.json"))
	for _, s := range seeds {
		f.Add(mustRead(f, s))
	}
	f.Add([]byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"x-auth-required":true,"x-auth-roles":["a",1],"responses":{"200":{"description":"ok"}}}}}}`))
	f.Add([]byte("\n\n[1, 2]"))
	f.Add([]byte(`{"a":1}: 2`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "openapi.json")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		marked, errM := load(context.Background(), p, Options{}, true)
		plain, errP := load(context.Background(), p, Options{}, false)
		if (errM == nil) != (errP == nil) {
			t.Fatalf("marked error %v, as written %v", errM, errP)
		}
		if errM != nil {
			if errM.Error() != errP.Error() {
				t.Fatalf("marked error %q, as written %q", errM, errP)
			}
			return
		}
		if got, want := positions(marked), positions(plain); !slices.Equal(got, want) {
			t.Fatalf("locations differ:\nmarked     %v\nas written %v", got, want)
		}
	})
}

// BenchmarkLoadJSON loads a document written as one line of JSON (as many are
// published: the largest corpus documents are), marked as Load does and as
// written, to show what markFlowDocument saves: the scanner queue it avoids holds
// every token of the document.
func BenchmarkLoadJSON(b *testing.B) {
	for _, paths := range []int{250, 1000} {
		p := filepath.Join(b.TempDir(), "openapi.json")
		if err := os.WriteFile(p, oneLineJSON(b, paths), 0o644); err != nil {
			b.Fatal(err)
		}
		for _, mark := range []bool{true, false} {
			name := map[bool]string{true: "marked", false: "as-written"}[mark]
			b.Run(fmt.Sprintf("ops=%d/%s", 4*paths, name), func(b *testing.B) {
				for b.Loop() {
					if _, err := load(context.Background(), p, Options{}, mark); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// oneLineJSON is a document of paths×4 operations with parameters, bodies and
// shared schemas, as one line of JSON.
func oneLineJSON(tb testing.TB, paths int) []byte {
	tb.Helper()
	obj := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	ref := func(i int) any { return obj("$ref", fmt.Sprintf("#/components/schemas/Thing%d", i%100)) }
	pathItems := map[string]any{}
	for i := range paths {
		item := obj("parameters", []any{obj("name", "thingId", "in", "path", "required", true, "schema", obj("type", "integer"))})
		for _, m := range []string{"get", "put", "post", "delete"} {
			op := obj(
				"operationId", fmt.Sprintf("%sThing%d", m, i),
				"x-auth-required", true,
				"parameters", []any{obj("name", "limit", "in", "query", "schema", obj("type", "integer"))},
				"responses", obj("200", obj("description", "ok", "content", obj("application/json", obj("schema", ref(i))))),
			)
			if m == "put" || m == "post" {
				op["requestBody"] = obj("required", true, "content", obj("application/json", obj("schema", ref(i))))
			}
			item[m] = op
		}
		pathItems[fmt.Sprintf("/things%d/{thingId}", i)] = item
	}
	schemas := map[string]any{}
	for i := range 100 {
		schemas[fmt.Sprintf("Thing%d", i)] = obj("type", "object", "required", []any{"id"}, "properties", obj(
			"id", obj("type", "integer"), "name", obj("type", "string"), "tags", obj("type", "array", "items", obj("type", "string"))))
	}
	js, err := json.Marshal(obj("openapi", "3.0.3", "info", obj("title", "one line", "version", "1"), "paths", pathItems, "components", obj("schemas", schemas)))
	if err != nil {
		tb.Fatal(err)
	}
	return js
}

// TestIndexRefAt reads a $ref at a path of keys, in YAML and in JSON, and
// nothing where there is no mapping with one.
func TestIndexRefAt(t *testing.T) {
	for _, src := range []string{
		"paths:\n  /a: {$ref: '#/components/pathItems/A'}\n  /b: {get: {}}\n  /c: [1]\n",
		`{"paths": {"/a": {"$ref": "#/components/pathItems/A"}, "/b": {"get": {}}, "/c": [1]}}`,
	} {
		ix := NewIndex([]byte(src))
		if ref, ok := ix.RefAt("paths", "/a"); !ok || ref != "#/components/pathItems/A" {
			t.Errorf("%s: /a = %q, %v", src, ref, ok)
		}
		for _, keys := range [][]string{{"paths", "/b"}, {"paths", "/c"}, {"paths", "/nope"}, {"paths", "/a", "$ref"}, {}} {
			if ref, ok := ix.RefAt(keys...); ok {
				t.Errorf("%s: %q has $ref %q", src, keys, ref)
			}
		}
	}
	if _, ok := NewIndex([]byte("{")).RefAt("a"); ok {
		t.Error("an index of a document that does not parse found a $ref")
	}
}
