package table

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/load"
)

// pathRefChain reports the path item at key when kin-openapi left it without
// the operations its $ref chain leads to, which would leave them out of the
// table without a word: a table weaker than the document. Three ways:
//
//   - the chain of $refs (to '#/paths/...', to 3.1's
//     '#/components/pathItems/...', into other files, or through all of them)
//     comes back to itself (ref-cycle);
//   - it reaches operations only after more than one $ref, which kin-openapi
//     does not follow in every key order (path-ref-chain);
//   - it leads somewhere specgate cannot follow (a file the loader did not
//     read, a fragment that is not a JSON pointer): refused as well
//     (path-ref-chain), since what it would lose cannot be known.
//
// The chain is followed in the sources, since kin-openapi keeps no
// components.pathItems.
func (b *builder) pathRefChain(key string, item *openapi3.PathItem) {
	if item.Ref == "" || len(item.Operations()) > 0 {
		return
	}
	at := refLoc{file: b.doc.File, fragment: "#/paths/" + load.EscapePointer(key)}
	chain := []string{key}
	seen := map[refLoc]bool{at: true}
	for ref := item.Ref; ; {
		at = at.follow(ref)
		chain = append(chain, b.locWords(at))
		ix, keys, ok := b.source(at)
		if !ok {
			b.pathDiag(key, ir.CodePathRefChain, "path %q: $ref %q leads to %s, which specgate cannot follow, and kin-openapi gave the path no operations: %s",
				key, item.Ref, b.locWords(at), strings.Join(chain, " → "))
			return
		}
		if seen[at] {
			b.pathDiag(key, ir.CodeRefCycle, "path %q: $ref %q never reaches a path item: %s", key, item.Ref, strings.Join(chain, " → "))
			return
		}
		seen[at] = true
		if ref, ok = ix.RefAt(keys...); ok {
			continue
		}
		if len(chain) <= 2 || !slices.ContainsFunc(ix.Keys(keys...), isOperationKey) {
			return // one $ref, which kin-openapi resolved, or nothing to lose
		}
		b.pathDiag(key, ir.CodePathRefChain, "path %q: $ref %q reaches its operations only through another $ref (%s), which kin-openapi does not follow; point the $ref at %q",
			key, item.Ref, strings.Join(chain, " → "), b.locRef(at))
		return
	}
}

// refLoc is where a $ref points: a file as the loader names it and a fragment.
type refLoc struct{ file, fragment string }

// follow is where ref, written in the file of l, points.
func (l refLoc) follow(ref string) refLoc {
	file, fragment, _ := strings.Cut(ref, "#")
	fragment = "#" + fragment
	switch {
	case file == "":
		return refLoc{file: l.file, fragment: fragment}
	case strings.Contains(file, "://") || strings.Contains(l.file, "://"):
		base, err1 := url.Parse(l.file)
		u, err2 := url.Parse(file)
		if err1 != nil || err2 != nil {
			return refLoc{file: file, fragment: fragment}
		}
		return refLoc{file: base.ResolveReference(u).String(), fragment: fragment}
	case filepath.IsAbs(file):
		return refLoc{file: filepath.Clean(file), fragment: fragment}
	}
	return refLoc{file: filepath.Join(filepath.Dir(l.file), filepath.FromSlash(file)), fragment: fragment}
}

// source is the index of l's file (the document, or a file the loader read)
// and l's pointer keys; false when either cannot be had.
func (b *builder) source(l refLoc) (*load.Index, []string, bool) {
	if b.nodes == nil {
		b.nodes = load.NewIndex(b.doc.Source) // pathDiag places findings with it
	}
	keys, ok := load.PointerKeys(l.fragment)
	if !ok {
		return nil, nil, false
	}
	if b.files == nil {
		b.files = map[string]*load.Index{filepath.Clean(b.doc.File): b.nodes}
		for _, f := range b.doc.Files {
			name := f.Name
			if !strings.Contains(name, "://") {
				name = filepath.Clean(name)
			}
			if _, dup := b.files[name]; !dup {
				b.files[name] = load.NewIndex(f.Data)
			}
		}
	}
	name := l.file
	if !strings.Contains(name, "://") {
		name = filepath.Clean(name)
	}
	ix, ok := b.files[name]
	return ix, keys, ok
}

// locWords is how a chain names a place: the path itself for the document's
// '#/paths/...', else as a $ref in the document would (locRef).
func (b *builder) locWords(l refLoc) string {
	if filepath.Clean(l.file) == filepath.Clean(b.doc.File) {
		if keys, ok := load.PointerKeys(l.fragment); ok && len(keys) == 2 && keys[0] == "paths" {
			return keys[1]
		}
	}
	return b.locRef(l)
}

// locRef is l as a $ref written in the document.
func (b *builder) locRef(l refLoc) string {
	if filepath.Clean(l.file) == filepath.Clean(b.doc.File) {
		return l.fragment
	}
	if rel, err := filepath.Rel(filepath.Dir(b.doc.File), l.file); err == nil && !strings.Contains(l.file, "://") {
		return filepath.ToSlash(rel) + l.fragment
	}
	return l.file + l.fragment
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
