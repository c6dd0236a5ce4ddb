package table

import (
	"github.com/getkin/kin-openapi/openapi3"
	yamlv4 "go.yaml.in/yaml/v4"

	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/load"
)

// Positions inside a security requirement list. kin-openapi records where the
// security key is (Origin.Fields), not where each requirement, scheme name or
// scope is; those are found in the source, parsed only when a finding needs
// them (findings are rare, documents can be megabytes).

// securityAt says where one security list is written: the key's location from
// an origin, or, for a document without origins (converted Swagger 2.0), the
// key path from the root document's top.
type securityAt struct {
	loc  *openapi3.Location
	keys []string
	// fallback is the position to use when the source has no such node.
	fallback ir.Position
}

// securityList is where the security list of op is, or the root's when op is nil.
func (b *builder) securityList(op *openapi3.Operation, path, method string, fallback ir.Position) securityAt {
	o := b.doc.T.Origin
	keys := []string{"security"}
	if op != nil {
		o = op.Origin
		keys = []string{"paths", path, method, "security"}
	}
	at := securityAt{keys: keys, fallback: fallback}
	if o != nil {
		if loc, ok := o.Fields.Lookup("security"); ok {
			at.loc = &loc
		}
	}
	return at
}

// pos is where the security list's item i names scheme (scope < 0), or where
// that scheme's scope-th scope is; the nearest enclosing node found otherwise.
func (b *builder) securityPos(at securityAt, i int, scheme string, scope int) ir.Position {
	file, list := b.securityNode(at)
	if list == nil {
		return at.fallback
	}
	p := b.sec.parsed[file]
	best := p.Pos(file, list)
	if list.Kind != yamlv4.SequenceNode || i >= len(list.Content) {
		return best
	}
	item := list.Content[i]
	best = p.Pos(file, item)
	if item.Kind != yamlv4.MappingNode || scheme == "" {
		return best
	}
	for k := 0; k+1 < len(item.Content); k += 2 {
		if item.Content[k].Value != scheme {
			continue
		}
		best = p.Pos(file, item.Content[k])
		scopes := item.Content[k+1]
		if scope >= 0 && scopes.Kind == yamlv4.SequenceNode && scope < len(scopes.Content) {
			best = p.Pos(file, scopes.Content[scope])
		}
		break
	}
	return best
}

// securityNode finds the value node of a security key, and the file it is in.
func (b *builder) securityNode(at securityAt) (string, *yamlv4.Node) {
	if at.loc != nil {
		want := b.doc.Position(*at.loc)
		p := b.parsedFile(want.File)
		if p.Root == nil {
			return "", nil
		}
		var found *yamlv4.Node
		var walk func(n *yamlv4.Node)
		walk = func(n *yamlv4.Node) {
			if found != nil {
				return
			}
			if n.Kind == yamlv4.MappingNode {
				for k := 0; k+1 < len(n.Content); k += 2 {
					if key := n.Content[k]; key.Value == "security" && p.Pos(want.File, key) == want {
						found = n.Content[k+1]
						return
					}
				}
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(p.Root)
		return want.File, found
	}
	p := b.parsedFile(b.doc.File)
	n := p.Root
	for _, k := range at.keys {
		if n == nil {
			break
		}
		n = mappingValue(n, k)
	}
	return b.doc.File, n
}

// mappingValue is the value of key k in mapping n, nil when there is none.
func mappingValue(n *yamlv4.Node, k string) *yamlv4.Node {
	if n.Kind != yamlv4.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i+1]
		}
	}
	return nil
}

// parsedFile parses the root document or one of the files its $refs read,
// once per Build.
func (b *builder) parsedFile(file string) load.Parsed {
	if p, ok := b.sec.parsed[file]; ok {
		return p
	}
	if b.sec.parsed == nil {
		b.sec.parsed = map[string]load.Parsed{}
	}
	var data []byte
	if file == b.doc.File {
		data = b.doc.Source
	} else {
		for _, r := range b.doc.Files {
			if r.Name == file {
				data = r.Data
				break
			}
		}
	}
	p := load.Parse(data)
	b.sec.parsed[file] = p
	return p
}
