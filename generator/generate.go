package generator

import (
	"context"
	"errors"
	"fmt"

	"github.com/specgate/specgate/generator/compat"
)

// ErrFindings is returned (wrapped) by Generate when the document has error
// findings; they are in Result.Diagnostics and nothing was rendered.
var ErrFindings = errors.New("the document has errors")

// Result is what a Generate run produced.
type Result struct {
	Files       []File       // rendered files, in memory; nil when there were errors
	Table       *Table       // the route-auth table; nil when the document did not load
	Diagnostics []Diagnostic // every finding, sorted
}

// Generate loads cfg.Spec, builds the route table and renders the files in memory.
// It never writes: pass Result.Files to Write. The error wraps ErrFindings when the
// document has error findings (see Result.Diagnostics), ErrLoad when it could not be
// loaded, ErrRender when oapi-codegen failed, and ErrConfig for a bad cfg.
func Generate(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	doc, err := Load(ctx, cfg.Spec, LoadOptions{AllowRemoteRefs: cfg.AllowRemoteRefs})
	if err != nil {
		res := &Result{}
		var le *LoadError
		if errors.As(err, &le) {
			res.Diagnostics = le.Diagnostics()
		}
		return res, err
	}
	// compat's path stage runs before the table is built; the table keeps
	// the paths as written and where compat put them. Its warnings are
	// reported with the rest of compat's, once the table has no errors.
	changes, pathWarns, err := preparePaths(doc)
	if err != nil {
		return &Result{}, fmt.Errorf("%s: %w", cfg.Spec, err)
	}
	table, diags := Build(doc, BuildOptions{Missing: cfg.Missing, BaseURL: cfg.BaseURL, Compat: &changes})
	res := &Result{Table: table, Diagnostics: diags}
	if HasErrors(diags) {
		return res, fmt.Errorf("%s: %w", cfg.Spec, ErrFindings)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	files, more, err := renderStage(doc, table, cfg, true, pathWarns)
	res.Diagnostics = SortDiagnostics(append(res.Diagnostics, more...))
	if err != nil {
		return res, fmt.Errorf("%s: %w", cfg.Spec, err)
	}
	res.Files = files
	return res, nil
}

// preparePaths runs compat.Paths on doc; a panic (compat walks whatever the
// document holds) is an ErrRender, as it is inside Render.
func preparePaths(doc *Document) (changes compat.Changes, warns []compat.Warning, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: compat panicked: %v", ErrRender, r)
		}
	}()
	changes, warns = compat.Paths(doc.T)
	return changes, warns, nil
}
