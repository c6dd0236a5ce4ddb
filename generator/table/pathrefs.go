package table

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/load"
)

// pathRefChain reports the path item at key when kin-openapi left it without
// the operations its $ref chain leads to, which would leave them out of the
// table without a word: a table weaker than the document. Two ways:
//
//   - the chain of local $refs (to '#/paths/...', to 3.1's
//     '#/components/pathItems/...', or through both) comes back to itself
//     (ref-cycle);
//   - it reaches operations only after more than one $ref, which kin-openapi
//     does not follow in every key order (path-ref-chain).
//
// The chain is followed in the source, since kin-openapi keeps no
// components.pathItems. A chain that leaves the file is not followed.
func (b *builder) pathRefChain(key string, item *openapi3.PathItem) {
	if item.Ref == "" || len(item.Operations()) > 0 {
		return
	}
	if b.nodes == nil {
		b.nodes = load.NewIndex(b.doc.Source)
	}
	chain := []string{key}
	seen := map[string]bool{"#/paths/" + escapePointer(key): true}
	var target []string // the keys of the object the chain ends at
	for ref := item.Ref; target == nil; {
		keys, ok := localPointer(ref)
		if !ok {
			return
		}
		chain = append(chain, pointerWords(ref))
		if seen[ref] {
			b.pathDiag(key, ir.CodeRefCycle, "path %q: $ref %q never reaches a path item: %s", key, item.Ref, strings.Join(chain, " → "))
			return
		}
		seen[ref] = true
		if ref, ok = b.nodes.RefAt(keys...); !ok {
			target = keys
		}
	}
	if len(chain) <= 2 || !slices.ContainsFunc(b.nodes.Keys(target...), isOperationKey) {
		return // one $ref, which kin-openapi resolved, or nothing to lose
	}
	b.pathDiag(key, ir.CodePathRefChain, "path %q: $ref %q reaches its operations only through another $ref (%s), which kin-openapi does not follow; point the $ref at %q",
		key, item.Ref, strings.Join(chain, " → "), "#/"+escapeKeys(target))
}

// pathDiag adds an error at the path's key: the item's origin may be its
// target's.
func (b *builder) pathDiag(key, code, format string, args ...any) {
	at := ir.Position{File: b.doc.File, Line: 1, Col: 1}
	if line, col, ok := b.nodes.Find("paths", key); ok {
		at.Line, at.Col = line, col
	}
	b.diags = append(b.diags, ir.Diagnostic{File: at.File, Line: at.Line, Col: at.Col, Severity: ir.Error, Code: code, Message: fmt.Sprintf(format, args...)})
}

// isOperationKey reports whether k is a path item's key for an operation.
func isOperationKey(k string) bool {
	switch k {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace", "query":
		return true
	}
	return false
}

// localPointer splits a same-document JSON pointer ("#/a/b~1c") into its
// unescaped keys; false for anything else.
func localPointer(ref string) ([]string, bool) {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	keys := strings.Split(p, "/")
	for i, k := range keys {
		keys[i] = strings.ReplaceAll(strings.ReplaceAll(k, "~1", "/"), "~0", "~")
	}
	return keys, true
}

// pointerWords is how a chain names a $ref: the path itself for '#/paths/...',
// the pointer for anything else.
func pointerWords(ref string) string {
	if keys, ok := localPointer(ref); ok && len(keys) == 2 && keys[0] == "paths" {
		return keys[1]
	}
	return ref
}

// escapeKeys is the JSON pointer (RFC 6901) of keys, without its "#/".
func escapeKeys(keys []string) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = escapePointer(k)
	}
	return strings.Join(out, "/")
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}
