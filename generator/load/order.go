package load

import (
	"bytes"
	"cmp"
	"slices"

	"gopkg.in/yaml.v3"
)

// pathOrder lists the document's paths in the order they are written: by line,
// then column (a one-line JSON document has every path on line 1).
func pathOrder(d *Document) []string {
	paths := d.T.Paths.Keys() // sorted: the fallback order
	type at struct{ line, col int }
	inRoot := func(p string) (at, bool) {
		item := d.T.Paths.Value(p)
		if item == nil || item.Origin == nil || item.Origin.Key == nil || item.Origin.Key.File != d.rootURL() {
			return at{}, false
		}
		return at{item.Origin.Key.Line, item.Origin.Key.Column}, true
	}
	all := true
	places := make(map[string]at, len(paths))
	for _, p := range paths {
		a, ok := inRoot(p)
		all = all && ok
		places[p] = a
	}
	if !all { // some path item lives in another file: ask the root document itself
		order := docPathOrder(d.Source)
		if order == nil {
			return paths
		}
		clear(places)
		for p, i := range order {
			places[p] = at{line: i}
		}
	}
	slices.SortStableFunc(paths, func(a, c string) int {
		pa, oka := places[a]
		pc, okc := places[c]
		if oka != okc { // paths of unknown position go last
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(pa.line, pc.line), cmp.Compare(pa.col, pc.col))
	})
	return paths
}

// docPathOrder returns the line of each top-level path key of the root document, for
// path items whose origin points into another file.
func docPathOrder(src []byte) map[string]int {
	var root yaml.Node
	if bytes.Contains(src, []byte("\u0085")) || yaml.Unmarshal(src, &root) != nil || len(root.Content) == 0 {
		return nil
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "paths" {
			continue
		}
		paths := doc.Content[i+1]
		order := make(map[string]int, len(paths.Content)/2)
		for j := 0; j+1 < len(paths.Content); j += 2 {
			order[paths.Content[j].Value] = j/2 + 1
		}
		return order
	}
	return nil
}
