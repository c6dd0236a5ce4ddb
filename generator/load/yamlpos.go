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
	n := x.root
	var key *yaml.Node
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return 0, 0, false
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				key, next = n.Content[i], n.Content[i+1]
				break
			}
		}
		if next == nil {
			return 0, 0, false
		}
		n = next
	}
	if key == nil {
		return 0, 0, false
	}
	return key.Line, key.Column, true
}

// RefAt returns the $ref written in the mapping at the end of keys, a path of
// mapping keys from the document root, and whether there is one.
func (x *Index) RefAt(keys ...string) (string, bool) {
	n := x.root
	for _, k := range keys {
		n = mappingValue(n, k)
	}
	if r := mappingValue(n, "$ref"); r != nil && r.Kind == yaml.ScalarNode {
		return r.Value, true
	}
	return "", false
}

// Keys returns the keys of the mapping at the end of keys, in document order;
// nil when there is no mapping there.
func (x *Index) Keys(keys ...string) []string {
	n := x.root
	for _, k := range keys {
		n = mappingValue(n, k)
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]string, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// mappingValue is the value of key in the mapping n, nil when n is not a
// mapping or has no such key.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
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
