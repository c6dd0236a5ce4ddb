package probe

import (
	"context"
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specgate/specgate/generator"
)

// Spec is a loaded document with its route-auth table.
type Spec struct {
	Doc   *generator.Document
	Table *generator.Table
}

// ErrDocument is returned by Load when the document has errors: its table is not
// what the service runs, so there is nothing to probe against.
var ErrDocument = errors.New("the document has errors: no route table (see specgate lint)")

// Load reads the document cfg names and builds its table, as generate does. The
// diagnostics are returned for printing; a *generator.LoadError or ErrDocument
// means there is no table.
func Load(ctx context.Context, cfg generator.Config) (*Spec, []generator.Diagnostic, error) {
	doc, err := generator.Load(ctx, cfg.Spec, generator.LoadOptions{AllowRemoteRefs: cfg.AllowRemoteRefs})
	if err != nil {
		var le *generator.LoadError
		if errors.As(err, &le) {
			return nil, []generator.Diagnostic{le.Diagnostic}, err
		}
		return nil, nil, err
	}
	table, diags := generator.Build(doc, generator.BuildOptions{Missing: cfg.Missing, BaseURL: cfg.BaseURL})
	diags = generator.SortDiagnostics(diags)
	if generator.HasErrors(diags) {
		return nil, diags, ErrDocument
	}
	return &Spec{Doc: doc, Table: table}, diags, nil
}

// operation finds a route's operation and path item in the document.
func (s *Spec) operation(r generator.Route) (*openapi3.PathItem, *openapi3.Operation, error) {
	if s.Doc == nil || s.Doc.T == nil || s.Doc.T.Paths == nil {
		return nil, nil, fmt.Errorf("no document")
	}
	item := s.Doc.T.Paths.Value(r.Path)
	if item == nil {
		return nil, nil, fmt.Errorf("path %s is not in the document", r.Path)
	}
	op := item.GetOperation(r.Method)
	if op == nil {
		return nil, nil, fmt.Errorf("%s %s is not in the document", r.Method, r.Path)
	}
	return item, op, nil
}
