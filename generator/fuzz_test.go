package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/specgate/specgate/generator"
)

// FuzzLoadBuild feeds arbitrary bytes to Load and Build: whatever the document,
// they return findings or an error and never panic.
func FuzzLoadBuild(f *testing.F) {
	for _, root := range []string{filepath.Join("..", "testdata", "generate"), filepath.Join("..", "testdata", "errors")} {
		seeds, _ := filepath.Glob(filepath.Join(root, "*", "openapi.*"))
		for _, s := range seeds {
			if data, err := os.ReadFile(s); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(`{"openapi":"3.1.0","paths":{"/a/{x}":{"get":{"x-auth-roles":[null,{}],"x-auth-required":[]}}}}`))
	f.Add([]byte("swagger: '2.0'\npaths: {/a: {get: {x-auth-required: 7}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "openapi.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		doc, err := generator.Load(context.Background(), p, generator.LoadOptions{})
		if err != nil {
			return
		}
		for _, policy := range []generator.MissingPolicy{generator.MissingError, generator.MissingRequired, generator.MissingFromSecurity} {
			table, diags := generator.Build(doc, generator.BuildOptions{Missing: policy, BaseURL: "servers"})
			if table == nil {
				t.Fatal("nil table")
			}
			for _, d := range diags {
				if d.Code == "" || d.Message == "" {
					t.Fatalf("diagnostic without code or message: %+v", d)
				}
			}
		}
	})
}
