package generator_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/specgate/specgate/generator"
)

func TestSecurityMismatches(t *testing.T) {
	dir := filepath.Join("..", "testdata", "generate", "missing-from-security")
	doc, err := generator.Load(context.Background(), filepath.Join(dir, "openapi.yaml"), generator.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	table, _ := generator.Build(doc, generator.BuildOptions{Missing: generator.MissingFromSecurity})
	got := formatDiagnostics(dir, generator.SecurityMismatches(table))
	want := "warning openapi.yaml:22:7: security-mismatch: GET /admin is required by x-auth-required (from operation) but its OpenAPI security makes it public\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
