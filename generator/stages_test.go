package generator_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/specgate/specgate/generator"
)

// collidingPaths has a path compat moves onto a key another path has, so
// the moved one gets a suffix (/rides?page=page) but is served at /rides.
const collidingPaths = `openapi: 3.0.3
info: {title: t, version: "1"}
x-auth-required: false
paths:
  /rides:
    get: {operationId: list, responses: {"200": {description: ok}}}
  /rides?page={page}:
    post:
      operationId: page
      parameters: [{name: page, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
  '/say"hi/{id}':
    get:
      operationId: hi
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`

// TestBuildPlansWhatCompatDoes: Build alone (compat's moves planned, the
// document untouched) and Generate (compat's path stage run before the
// table) give the same table, with each route's path as written, its key
// where compat put it and the path it is served at; Render finds every
// operation there, in both orders.
func TestBuildPlansWhatCompatDoes(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	if err := os.WriteFile(spec, []byte(collidingPaths), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := generator.Config{Spec: spec, Output: dir, Package: "api"}
	res, err := generator.Generate(ctx, cfg)
	if err != nil {
		t.Fatalf("Generate: %v %v", err, res.Diagnostics)
	}
	doc, err := generator.Load(ctx, spec, generator.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	table, _ := generator.Build(doc, generator.BuildOptions{})
	if !reflect.DeepEqual(table, res.Table) {
		t.Errorf("Build alone:\n%+v\nGenerate:\n%+v", table.Routes, res.Table.Routes)
	}
	type where struct{ path, key, served, registered string }
	var got []where
	for _, r := range table.Routes {
		got = append(got, where{r.Path, r.Key, r.Served, r.Registered})
	}
	want := []where{
		{"/rides", "/rides", "/rides", "/rides"},
		{"/rides?page={page}", "/rides?page=page", "/rides", "/rides"},
		{`/say"hi/{id}`, "/say%22hi/{id}", "/say%22hi/{id}", "/say%22hi/{id}"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("routes %q, want %q", got, want)
	}
	files, _, err := generator.Render(doc, table, cfg)
	if err != nil {
		t.Fatalf("Render after Build alone: %v", err)
	}
	for i, f := range files {
		if !bytes.Equal(f.Data, res.Files[i].Data) {
			t.Errorf("%s differs between Generate and Build + Render", f.Name)
		}
	}
}
