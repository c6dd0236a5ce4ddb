// Package configschema checks a specgate.yaml against schema.JSON as an editor
// does: the YAML is read (with gopkg.in/yaml.v3) into the values JSON has, and
// those are validated with github.com/santhosh-tekuri/jsonschema/v6. Tests use it
// to hold the schema and generator.ParseConfig to the same answers.
package configschema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/specgate/specgate/schema"
)

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.JSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	if err := c.AddResource(schema.URL, doc); err != nil {
		return nil, err
	}
	return c.Compile(schema.URL) // also checks it against the draft-07 meta-schema
})

// Schema is the compiled schema.
func Schema() (*jsonschema.Schema, error) { return compiled() }

// Validate reports why the YAML file data does not satisfy the schema, or nil.
func Validate(data []byte) error {
	sch, err := compiled()
	if err != nil {
		return fmt.Errorf("compile schema: %w", err)
	}
	v, err := FromYAML(data)
	if err != nil {
		return err
	}
	return sch.Validate(v)
}

// maxDepth bounds nesting, so that an alias to its own ancestor ends.
const maxDepth = 64

// FromYAML reads one YAML document into JSON's values (map[string]any, []any,
// string, bool, numbers, nil) as YAML 1.2 does: aliases are followed, a key
// written twice is an error, << is an ordinary key (YAML 1.2 has no merge keys),
// a date is a string. Keys are their text. No document is nil; more than one is
// an error.
func FromYAML(data []byte) (any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, err
	}
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("line %d: a second document", more.Line)
		}
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return value(doc.Content[0], 0)
}

func value(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("line %d: nested deeper than %d", n.Line, maxDepth)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return value(n.Alias, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			for k.Kind == yaml.AliasNode {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a key that is not a scalar", k.Line)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("line %d: key %q written twice", k.Line, k.Value)
			}
			v, err := value(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := value(c, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		if _, ok := v.(time.Time); ok {
			return n.Value, nil
		}
		return v, nil
	}
	return nil, errors.New("unexpected YAML node")
}
