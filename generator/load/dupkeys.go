package load

import (
	"fmt"
	"strings"

	yamlv4 "go.yaml.in/yaml/v4"

	"github.com/specgate/specgate/generator/ir"
)

// Parsed is one source file parsed into a node tree, read the way the
// loader reads it: a JSON document marked (markFlowDocument) so the parse does
// not queue every token, its node positions moved back by Pos.
type Parsed struct {
	Root  *yamlv4.Node // the document's top node; nil when it does not parse
	shift columnShift
}

// Parse parses data into nodes; Root is nil when it does not parse (the
// loader reports that).
func Parse(data []byte) Parsed {
	var root yamlv4.Node
	src, line, marked := markFlowDocument(data)
	if !marked {
		src = data
	}
	if yamlv4.Unmarshal(src, &root) != nil || len(root.Content) == 0 {
		return Parsed{}
	}
	p := Parsed{Root: root.Content[0]}
	if marked {
		p.shift = columnShift{line: line, cols: len(documentMarker)}
	}
	return p
}

// Pos is where n is in the file as written.
func (p Parsed) Pos(file string, n *yamlv4.Node) ir.Position {
	col := n.Column
	if n.Line == p.shift.line && col > p.shift.cols {
		col -= p.shift.cols
	}
	return ir.Position{File: file, Line: n.Line, Col: col}
}

// duplicateKeys returns a duplicate-key error for every key that repeats an
// earlier key of the same mapping in data (the file file), at the second
// key, naming the first. Keys compare by their text, as kin-openapi reads them
// into maps of strings (so 1 and "1" are the same key). Aliases are not
// followed: the mapping they name is checked where it is written (and a
// document of aliases to aliases costs no more than its size).
func duplicateKeys(file string, data []byte) []ir.Diagnostic {
	p := Parse(data)
	if p.Root == nil {
		return nil
	}
	var ds []ir.Diagnostic
	var path []string // JSON pointer tokens of the mapping being walked
	var walk func(n *yamlv4.Node)
	walk = func(n *yamlv4.Node) {
		switch n.Kind {
		case yamlv4.MappingNode:
			seen := make(map[string]*yamlv4.Node, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				text := keyText(k)
				if first, dup := seen[text]; dup {
					at, was := p.Pos(file, k), p.Pos(file, first)
					ds = append(ds, ir.Diagnostic{
						File: at.File, Line: at.Line, Col: at.Col, Severity: ir.Error, Code: ir.CodeDuplicateKey,
						Message: fmt.Sprintf("key %q is written twice in %s (first at %d:%d): one copy would silently replace the other", text, pointer(path), was.Line, was.Col),
					})
				} else {
					seen[text] = k
				}
				path = append(path, text)
				walk(v)
				path = path[:len(path)-1]
			}
		case yamlv4.SequenceNode:
			for i, c := range n.Content {
				path = append(path, fmt.Sprint(i))
				walk(c)
				path = path[:len(path)-1]
			}
		case yamlv4.DocumentNode:
			for _, c := range n.Content {
				walk(c)
			}
		}
	}
	walk(p.Root)
	return ds
}

// keyText is the text a mapping key stands for: a scalar's value, an alias's
// target's. A collection used as a key (? [a]) stands for its flow form, so
// two alike are duplicates too.
func keyText(k *yamlv4.Node) string {
	if k.Kind == yamlv4.AliasNode && k.Alias != nil {
		k = k.Alias
	}
	if k.Kind == yamlv4.ScalarNode {
		return k.Value
	}
	var b strings.Builder
	flowText(&b, k, 0)
	return b.String()
}

// flowText writes n in a flow form of its own ({a: [b]}), aliases by their
// name, deep structures cut off: enough to tell two keys apart.
func flowText(b *strings.Builder, n *yamlv4.Node, depth int) {
	if depth > 20 {
		b.WriteString("…")
		return
	}
	switch n.Kind {
	case yamlv4.ScalarNode:
		fmt.Fprintf(b, "%q", n.Value)
	case yamlv4.AliasNode:
		b.WriteString("*" + n.Value)
	case yamlv4.SequenceNode, yamlv4.MappingNode:
		open, closing := "[", "]"
		if n.Kind == yamlv4.MappingNode {
			open, closing = "{", "}"
		}
		b.WriteString(open)
		for i, c := range n.Content {
			if i > 0 {
				b.WriteString(", ")
			}
			flowText(b, c, depth+1)
		}
		b.WriteString(closing)
	}
}

var (
	pointerEscape   = strings.NewReplacer("~", "~0", "/", "~1")
	pointerUnescape = strings.NewReplacer("~1", "/", "~0", "~")
)

// EscapePointer escapes key for a JSON pointer (RFC 6901).
func EscapePointer(key string) string { return pointerEscape.Replace(key) }

// PointerKeys splits the fragment of a $ref ("#/a/b~1c") into its unescaped
// keys; false when it is not a JSON pointer from the root.
func PointerKeys(fragment string) ([]string, bool) {
	p, ok := strings.CutPrefix(fragment, "#/")
	if !ok {
		return nil, false
	}
	keys := strings.Split(p, "/")
	for i, k := range keys {
		keys[i] = pointerUnescape.Replace(k)
	}
	return keys, true
}

// pointer formats tokens as a JSON pointer into the file: #/paths/~1pets/get.
func pointer(tokens []string) string {
	if len(tokens) == 0 {
		return "the top-level mapping"
	}
	var b strings.Builder
	b.WriteString("#")
	for _, t := range tokens {
		b.WriteString("/")
		b.WriteString(EscapePointer(t))
	}
	return b.String()
}

// checkDuplicateKeys adds a duplicate-key error to d.Diagnostics for every
// repeated key of the root document and of every file its $refs read.
func (d *Document) checkDuplicateKeys() {
	d.Diagnostics = append(d.Diagnostics, duplicateKeys(d.File, d.Source)...)
	seen := map[string]bool{d.File: true}
	for _, r := range d.Files {
		if seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		d.Diagnostics = append(d.Diagnostics, duplicateKeys(r.Name, r.Data)...)
	}
}

// loadFailure is the Error for a document kin-openapi could not load: a
// duplicate key when the document or a file it read has one (kin-openapi
// refuses some, such as a method written twice, with a message of its own,
// and keeps the last copy of others), else what classifyLoadError makes of
// err.
func loadFailure(path string, data []byte, err error, refDocs []SourceFile) *Error {
	ds := duplicateKeys(path, data)
	for _, r := range refDocs {
		ds = append(ds, duplicateKeys(r.Name, r.Data)...)
	}
	if len(ds) > 0 {
		ds = ir.SortDiagnostics(ds)
		return &Error{Diagnostic: ds[0], More: ds[1:], Err: fmt.Errorf("%s: %w", ds[0].Message, err)}
	}
	return classifyLoadError(path, data, err, refDocs)
}
