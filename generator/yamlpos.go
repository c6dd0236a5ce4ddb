package generator

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// yamlIndex answers "where is this key" from a document's source, for documents
// that carry no origins (a converted Swagger 2.0 document).
type yamlIndex struct {
	root *yaml.Node
}

func newYAMLIndex(src []byte) *yamlIndex {
	var root yaml.Node
	if yaml.Unmarshal(src, &root) != nil || len(root.Content) == 0 {
		return &yamlIndex{}
	}
	return &yamlIndex{root: root.Content[0]}
}

// find returns the position of the key at the end of keys, a path of mapping keys
// from the document root.
func (x *yamlIndex) find(keys ...string) (line, col int, ok bool) {
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

// yamlErrorPos reads the position out of a yaml parser error ("yaml: line 3: ...").
func yamlErrorPos(err error) (line, col int) {
	m := yamlLineCol.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, 0
	}
	line, _ = strconv.Atoi(m[1])
	col, _ = strconv.Atoi(m[2])
	return line, col
}
