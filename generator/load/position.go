package load

import (
	"bytes"
	"net/url"
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specgate/specgate/generator/ir"
)

// documentMarker is an explicit YAML document start, put before a document that
// opens with a flow collection (JSON): see markFlowDocument.
const documentMarker = "--- "

// markFlowDocument works around a cost in the YAML parser kin-openapi reads every
// document with, JSON included, to record origins (go.yaml.in/yaml/v4): a flow
// collection at the start of a document could be the key of a mapping, so the
// scanner keeps every token it reads queued until the collection closes, which
// for a JSON document is its last byte. That queue of the whole document's
// tokens is grown by copying and scanned by the GC: on a 6 MB JSON document it was
// 0.86 GB more allocated and 1.5x the load time. After an explicit document start
// on the same line the collection cannot be a key, and the parse is the same
// otherwise; the columns of that one line move right by len(documentMarker),
// which Document.Position undoes.
//
// It marks data only when the first thing in it is '{' or '[' at the start of a
// line, after nothing but line feeds (line is that line), and never a document
// holding U+0085, which kin-openapi reads with its JSON parser instead.
func markFlowDocument(data []byte) (marked []byte, line int, ok bool) {
	i := 0
	for i < len(data) && data[i] == '\n' {
		i++
	}
	if i == len(data) || data[i] != '{' && data[i] != '[' || bytes.Contains(data, []byte("\u0085")) {
		return nil, 0, false
	}
	marked = make([]byte, 0, len(data)+len(documentMarker))
	marked = append(marked, data[:i]...)
	marked = append(marked, documentMarker...)
	marked = append(marked, data[i:]...)
	return marked, i + 1, true
}

// mark returns data marked by markFlowDocument when it applies, and records in
// shifts, under file (the document's URL, as origins name it), the line that moved.
func mark(data []byte, file string, shifts map[string]columnShift) []byte {
	marked, line, ok := markFlowDocument(data)
	if !ok {
		return data
	}
	shifts[file] = columnShift{line: line, cols: len(documentMarker)}
	return marked
}

// columnShift is how far the loader saw the columns of one line of a file moved
// right.
type columnShift struct{ line, cols int }

// position is where loc is in the file as the user wrote it: the file name as
// given, and the columns of a marked line moved back.
func (d *Document) Position(loc openapi3.Location) ir.Position {
	col := loc.Column
	if s, ok := d.shifts[loc.File]; ok && loc.Line == s.line && col > s.cols {
		col -= s.cols
	}
	return ir.Position{File: d.fileName(loc.File), Line: loc.Line, Col: col}
}

// rootURL is how the loader, and so origins, name the root document.
func (d *Document) rootURL() string { return (&url.URL{Path: filepath.ToSlash(d.File)}).String() }

// fileName maps an origin's file (a URL) back to a file name as the user wrote it.
func (d *Document) fileName(f string) string {
	if f == "" || f == d.rootURL() {
		return d.File
	}
	if u, err := url.Parse(f); err == nil && u.Scheme == "" {
		return filepath.FromSlash(u.Path)
	}
	return f
}

// SchemaRefOrigin is where a schema (reference) is written: the $ref's own
// origin, else the schema's.
func SchemaRefOrigin(ref *openapi3.SchemaRef) *openapi3.Origin {
	if ref.Origin != nil && ref.Origin.Key != nil {
		return ref.Origin
	}
	if ref.Value != nil {
		return ref.Value.Origin
	}
	return nil
}
