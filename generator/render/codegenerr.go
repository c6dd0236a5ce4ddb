package render

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/load"
)

var (
	// componentToken is a component named in a message: a $ref
	// (#/components/schemas/X) or oapi-codegen's own components/schemas/X.
	componentToken = regexp.MustCompile(`components/(schemas|parameters|responses|requestBodies|headers)/([^\s/'"():,]+)`)
	// quotedToken is anything a message quotes: 'x', "x" or (x).
	quotedToken = regexp.MustCompile(`'([^']+)'|"([^"]+)"|\(([^()\s]+)\)`)
	// schemaWord is a schema oapi-codegen names without quotes: "error
	// converting Schema S2 to Go type".
	schemaWord = regexp.MustCompile(`\b[Ss]chema ([^\s:'"()]+)`)
	// opToken is an operation as oapi-codegen names it: GET//a/{id} (method,
	// slash, path) or GET path "/a/{id}".
	opToken = regexp.MustCompile(`\b(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE)(?:/| path ")(/[^\s:"]*)`)
)

// locateCodegenError finds the place in doc that an oapi-codegen message
// names: a component (by $ref, by key or by the Go type name oapi-codegen
// gave it), a path or an operation (by operationId or its Go name). The
// names are tried in the order the message gives them, the innermost
// (oapi-codegen wraps its errors outside in, so the last named is the most
// precise) first.
func locateCodegenError(doc *load.Document, msg string) (ir.Position, bool) {
	if doc == nil || doc.T == nil {
		return ir.Position{}, false
	}
	var tokens []string
	for _, m := range opToken.FindAllStringSubmatch(msg, -1) {
		if item := doc.T.Paths.Value(m[2]); item != nil {
			if op := item.GetOperation(m[1]); op != nil {
				// A parameter the message quotes, else the operation.
				for _, q := range quotedToken.FindAllStringSubmatch(msg, -1) {
					for _, params := range []openapi3.Parameters{op.Parameters, item.Parameters} {
						for _, prm := range params {
							if prm != nil && prm.Value != nil && prm.Value.Name == q[1]+q[2]+q[3] && prm.Value.Origin != nil && prm.Value.Origin.Key != nil {
								return doc.Position(*prm.Value.Origin.Key), true
							}
						}
					}
				}
				if op.Origin != nil && op.Origin.Key != nil {
					return doc.Position(*op.Origin.Key), true
				}
			}
		}
	}
	for _, m := range componentToken.FindAllStringSubmatch(msg, -1) {
		tokens = append(tokens, "components/"+m[1]+"/"+unescapePointer(m[2]))
	}
	for _, m := range schemaWord.FindAllStringSubmatch(msg, -1) {
		tokens = append(tokens, "components/schemas/"+m[1])
	}
	for _, m := range quotedToken.FindAllStringSubmatch(msg, -1) {
		tokens = append(tokens, m[1]+m[2]+m[3])
	}
	for i := len(tokens) - 1; i >= 0; i-- {
		if o := findOrigin(doc.T, tokens[i]); o != nil && o.Key != nil {
			return doc.Position(*o.Key), true
		}
	}
	return ir.Position{}, false
}

// CodegenDiagnostics is the error diagnostic for an oapi-codegen failure, when its
// message names a place in doc.
func CodegenDiagnostics(doc *load.Document, what string) []ir.Diagnostic {
	p, ok := locateCodegenError(doc, what)
	if !ok {
		return nil
	}
	return []ir.Diagnostic{{File: p.File, Line: p.Line, Col: p.Col, Severity: ir.Error, Code: ir.CodeCodegenFailed, Message: what}}
}

func unescapePointer(s string) string {
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
}

// findOrigin resolves one token of a message to the origin of what it names.
func findOrigin(t *openapi3.T, tok string) *openapi3.Origin {
	c := t.Components
	if rest, ok := strings.CutPrefix(tok, "components/"); ok && c != nil {
		sec, name, _ := strings.Cut(rest, "/")
		switch sec {
		case "schemas":
			if s := c.Schemas[name]; s != nil {
				return load.SchemaRefOrigin(s)
			}
		case "parameters":
			if p := c.Parameters[name]; p != nil && p.Value != nil {
				return p.Value.Origin
			}
		case "responses":
			if r := c.Responses[name]; r != nil && r.Value != nil {
				return r.Value.Origin
			}
		case "requestBodies":
			if r := c.RequestBodies[name]; r != nil && r.Value != nil {
				return r.Value.Origin
			}
		case "headers":
			if h := c.Headers[name]; h != nil && h.Value != nil {
				return h.Value.Origin
			}
		}
		return nil
	}
	if t.Paths != nil {
		if item := t.Paths.Value(tok); item != nil {
			return item.Origin
		}
		m := t.Paths.Map()
		for _, k := range slices.Sorted(maps.Keys(m)) {
			ops := m[k].Operations()
			for _, method := range slices.Sorted(maps.Keys(ops)) {
				op := ops[method]
				// oapi-codegen rewrote operationIds to their Go names in place.
				if op.OperationID != "" && (op.OperationID == tok || codegen.ToCamelCase(op.OperationID) == tok) {
					return op.Origin
				}
			}
		}
	}
	if c != nil {
		if s := c.Schemas[tok]; s != nil {
			return load.SchemaRefOrigin(s)
		}
		// A Go type name: the component oapi-codegen named so.
		for _, k := range slices.Sorted(maps.Keys(c.Schemas)) {
			if codegen.SchemaNameToTypeName(k) == tok {
				return load.SchemaRefOrigin(c.Schemas[k])
			}
		}
	}
	return nil
}
