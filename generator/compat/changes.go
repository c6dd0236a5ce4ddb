package compat

import (
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Changes is what compat's path stage (Paths) did to a document that the
// stages after it need to know: the route table keeps the paths and
// operationIds as written, finds each operation under its new key, and
// registers each route where oapi-codegen's wrapper serves it.
type Changes struct {
	Paths        []PathMove // in the order applied (by old key)
	OperationIDs []OperationIDSet
}

// PathMove is one path key compat rewrote: Old as written, New the key
// the path item has now. Served is the path as generated (no query string,
// quotes and control characters percent-encoded, template names cleaned):
// New, unless another path already had that key and New got a suffix to be
// unique; requests still arrive at Served.
type PathMove struct {
	Old, New, Served string
}

// OperationIDSet is an operationId compat gave an operation that had none
// (an operation of a path item another aliases): Key is its path key after
// the moves, Method upper case.
type OperationIDSet struct {
	Key, Method, ID string
}

// PlanPaths returns the moves Paths makes on paths, without making them:
// the one place that decides which keys move where (fixPaths applies it).
func PlanPaths(paths *openapi3.Paths) []PathMove {
	if paths == nil {
		return nil
	}
	m := paths.Map()
	taken := make(map[string]bool, len(m))
	for k, item := range m {
		taken[k] = item != nil
	}
	var moves []PathMove
	for _, key := range sortedKeys(m) {
		if m[key] == nil {
			continue
		}
		newKey, _, query, _ := pathKey(key)
		if newKey == key {
			continue
		}
		served := newKey
		if taken[newKey] {
			// Keep the operations (the route table refers to them): the
			// key only has to be unique, and oapi-codegen reads no
			// parameters from the text after '?' once its braces are gone.
			newKey = uniqueKeyIn(taken, newKey+strings.NewReplacer("{", "", "}", "").Replace(escapePathText(query)))
		}
		taken[key] = false
		taken[newKey] = true
		moves = append(moves, PathMove{Old: key, New: newKey, Served: served})
	}
	return moves
}

// uniqueKeyIn returns key, or key with a number appended when taken has it.
func uniqueKeyIn(taken map[string]bool, key string) string {
	k := key
	for i := 2; taken[k]; i++ {
		k = key + itoa(i)
	}
	return k
}

// Paths is compat's path stage, run on doc before the route table is built:
// operations of aliased path items get an operationId where they have none,
// and path keys oapi-codegen cannot generate are rewritten (PlanPaths), with
// the path parameters they name. It returns what it changed and its
// warnings. Run it once per document (a key made unique may move again);
// PrepareWith with Options.PathsDone skips it.
func Paths(doc *openapi3.T) (Changes, []Warning) {
	if doc == nil {
		return Changes{}, nil
	}
	p := &prep{doc: doc, reserved: map[string]bool{}}
	p.fixPathItemAliases()
	p.fixPaths()
	moved := map[string]string{}
	for _, mv := range p.changes.Paths {
		moved[mv.Old] = mv.New
	}
	for i, s := range p.changes.OperationIDs {
		if k, ok := moved[s.Key]; ok {
			p.changes.OperationIDs[i].Key = k
		}
	}
	SortWarnings(p.warns)
	return p.changes, p.warns
}

// SortWarnings orders ws by position, stably: the order PrepareWith and
// Paths return them in, for a caller that joins the two.
func SortWarnings(ws []Warning) {
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
