package load

import (
	"errors"
	"strconv"

	yamlv4 "go.yaml.in/yaml/v4"

	"gopkg.in/yaml.v3"
)

// Index answers "where is this key" from a document's source, for documents
// that carry no origins (a converted Swagger 2.0 document).
type Index struct {
	root *yaml.Node
}

// NewIndex indexes src, a YAML or JSON document; an index of a document that
// does not parse finds nothing.
func NewIndex(src []byte) *Index {
	var root yaml.Node
	if yaml.Unmarshal(src, &root) != nil || len(root.Content) == 0 {
		return &Index{}
	}
	return &Index{root: root.Content[0]}
}

// Find returns the position of the key at the end of keys, a path of mapping keys
// from the document root.
func (x *Index) Find(keys ...string) (line, col int, ok bool) {
	if len(keys) == 0 {
		return 0, 0, false
	}
	key, _ := mappingEntry(x.node(keys[:len(keys)-1]), keys[len(keys)-1])
	if key == nil {
		return 0, 0, false
	}
	return key.Line, key.Column, true
}

// RefAt returns the $ref written in the mapping at the end of keys, a path of
// mapping keys from the document root, and whether there is one.
func (x *Index) RefAt(keys ...string) (string, bool) {
	if _, r := mappingEntry(x.node(keys), "$ref"); r != nil && r.Kind == yaml.ScalarNode {
		return r.Value, true
	}
	return "", false
}

// Keys returns the keys of the mapping at the end of keys, in document order;
// nil when there is no mapping there.
func (x *Index) Keys(keys ...string) []string {
	n := x.node(keys)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]string, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// node is the value at the end of keys, nil when the path does not exist.
func (x *Index) node(keys []string) *yaml.Node {
	n := x.root
	for _, k := range keys {
		_, n = mappingEntry(n, k)
	}
	return n
}

// mappingEntry is the key node and value of key in the mapping n; nils when n
// is not a mapping or has no such key.
func mappingEntry(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// yamlv4Error is the error go.yaml.in/yaml/v4 (the parser kin-openapi uses) finds
// parsing data, nil when it parses.
func yamlv4Error(data []byte) *yamlv4.LoadError {
	var n yamlv4.Node
	var le *yamlv4.LoadError
	if errors.As(yamlv4.Unmarshal(data, &n), &le) {
		return le
	}
	return nil
}

// SyntaxError positions err, a yaml.v3 error about data. yaml.v3 gives only a
// line, in its message; go.yaml.in/yaml/v4 (the parser kin-openapi uses) gives a
// column too, so data is read again with it.
func SyntaxError(data []byte, err error) (line, col int, msg string) {
	if le := yamlv4Error(data); le != nil && le.Mark.Line > 0 {
		return le.Mark.Line, le.Mark.Column, le.Message
	}
	if m := yamlLineCol.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
	}
	return line, col, yamlMessage(err.Error())
}
