package generator

import (
	"fmt"

	"github.com/specgate/specgate/generator/compat"
	"github.com/specgate/specgate/generator/render"
)

// Header is render.Header, the first line of every file specgate generates.
// Write uses it to tell its own (possibly stale) files from the user's.
const Header = render.Header

// The names of the generated files.
const (
	APIFile    = render.APIFile
	RoutesFile = render.RoutesFile
)

// File is render.File: one generated file, in memory.
type File = render.File

// ErrRender is render.ErrRender, wrapped by every rendering failure.
var ErrRender = render.ErrRender

// Render produces api.gen.go and routes.gen.go in memory (package render:
// compat, oapi-codegen, our templates). Constructs no Go type can carry are
// the document's errors first (ErrFindings), found before compat and
// oapi-codegen walk (and would loop on) them. Render mutates doc.T, so Build
// must run first and a document is rendered once.
func Render(doc *Document, table *Table, cfg Config) (files []File, diags []Diagnostic, err error) {
	return renderStage(doc, table, cfg, false, nil)
}

// renderStage is Render; prepared says compat.Paths ran before Build
// (Generate), and pathWarns are its warnings.
func renderStage(doc *Document, table *Table, cfg Config, prepared bool, pathWarns []compat.Warning) (files []File, diags []Diagnostic, err error) {
	defer func() {
		if r := recover(); r != nil {
			files, err = nil, fmt.Errorf("%w: oapi-codegen panicked: %v", ErrRender, r)
			diags = append(diags, render.CodegenDiagnostics(doc, fmt.Sprintf("oapi-codegen panicked: %v", r))...)
		}
	}()
	if ds := checkSchemaGraph(doc); HasErrors(ds) {
		return nil, ds, ErrFindings
	}
	// One naming authority: routes.gen.go's package-level names are reserved
	// against everything compat lets oapi-codegen declare.
	reserved, err := routesNames()
	if err != nil {
		return nil, nil, err
	}
	return render.Render(doc, table, render.Options{
		Package: cfg.Package, Strict: cfg.Strict, EmbedSpec: cfg.EmbedSpec,
		Reserved: reserved, Prepared: prepared, PathWarnings: pathWarns,
	})
}
