package generator

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/specgate/specgate/generator/compat"
)

// TestPlannedMovesAreCompatsMoves builds every golden and negative document
// twice: as Build alone does (compat's moves planned, the document
// untouched) and as Generate does (compat.Paths run first). The tables and
// diagnostics must be the same: the plan is what compat does.
func TestPlannedMovesAreCompatsMoves(t *testing.T) {
	var specs []string
	for _, pattern := range []string{"generate/*/specgate.yaml", "errors/*/specgate.yaml", "errors/*/openapi.yaml", "errors/*/openapi.json"} {
		m, err := filepath.Glob(filepath.Join("..", "testdata", pattern))
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, m...)
	}
	if len(specs) < 40 {
		t.Fatalf("only %d cases", len(specs))
	}
	ctx := context.Background()
	moved, compared := 0, 0
	for _, p := range specs {
		cfg := Config{Spec: p}
		if filepath.Base(p) == ConfigFile {
			c, err := LoadConfig(p)
			if err != nil {
				t.Fatal(err)
			}
			cfg = c
		} else if _, err := os.Stat(filepath.Join(filepath.Dir(p), ConfigFile)); err == nil {
			continue // its config names the document
		}
		opts := BuildOptions{Missing: cfg.Missing, BaseURL: cfg.BaseURL}
		planDoc, err := Load(ctx, cfg.Spec, LoadOptions{})
		if err != nil {
			continue // a load failure: no table
		}
		doneDoc, err := Load(ctx, cfg.Spec, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		compared++
		planned, planDiags := Build(planDoc, opts)
		changes, _ := compat.Paths(doneDoc.T)
		moved += len(changes.Paths)
		opts.Compat = &changes
		done, doneDiags := Build(doneDoc, opts)
		if !reflect.DeepEqual(planned, done) {
			t.Errorf("%s: tables differ:\nplanned %+v\ndone    %+v", p, planned.Routes, done.Routes)
		}
		if !reflect.DeepEqual(planDiags, doneDiags) {
			t.Errorf("%s: diagnostics differ:\nplanned %v\ndone    %v", p, planDiags, doneDiags)
		}
	}
	t.Logf("%d documents built both ways, %d paths moved", compared, moved)
	if moved == 0 || compared < 40 {
		t.Errorf("%d documents, %d paths moved: too few to compare", compared, moved)
	}
}
