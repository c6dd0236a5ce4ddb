package generator_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/specgate/specgate/generator"
)

// An oapi-codegen error is placed at what its message names: here the
// parameter without a schema of GET /a (oapi-codegen says "GET//a" and
// "param (q)").
func TestCodegenErrorPlaced(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
x-auth-required: false
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {name: q, in: query}
      responses:
        "204": {description: ok}
`
	if err := os.WriteFile(spec, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(context.Background(), generator.Config{Spec: spec, Output: dir, Package: "api"})
	if !errors.Is(err, generator.ErrRender) {
		t.Fatalf("err = %v, want ErrRender", err)
	}
	for _, d := range res.Diagnostics {
		if d.Code == generator.CodeCodegenFailed {
			if d.File != spec || d.Line != 9 || d.Col != 12 {
				t.Errorf("placed at %s:%d:%d, want %s:9:12", d.File, d.Line, d.Col, spec)
			}
			return
		}
	}
	t.Fatalf("no %s diagnostic in %v", generator.CodeCodegenFailed, res.Diagnostics)
}
