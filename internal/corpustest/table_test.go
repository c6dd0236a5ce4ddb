package corpustest

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Markers around the generated part of the table file (CORPUS.md).
const (
	tableBegin = "<!-- corpus-table begin: written by scripts/corpus/run -->"
	tableEnd   = "<!-- corpus-table end -->"
)

// writeTable replaces the text between the markers in file with the
// per-source summary and one row per document that is not vetted (a table
// of 531 passing rows says less than the count). The file must hold both
// markers: the hand-written text around them is kept as it is.
func writeTable(t *testing.T, file string, results []*docResult, timing string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i, j := strings.Index(s, tableBegin), strings.Index(s, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q ... %q markers", file, tableBegin, tableEnd)
	}
	var b strings.Builder
	b.WriteString(tableBegin + "\n\n")
	type count struct{ docs, generated, compiled, vetted int }
	per := map[string]*count{}
	var sources []string
	total := &count{}
	for _, r := range results {
		c := per[r.Source]
		if c == nil {
			c = &count{}
			per[r.Source] = c
			sources = append(sources, r.Source)
		}
		for _, c := range []*count{c, total} {
			c.docs++
			if levelRank[r.Level] >= levelRank[levelGenerated] {
				c.generated++
			}
			if levelRank[r.Level] >= levelRank[levelCompiled] {
				c.compiled++
			}
			if r.Level == levelVetted {
				c.vetted++
			}
		}
	}
	b.WriteString("| source | documents | generated | compiled | vetted |\n|---|---|---|---|---|\n")
	for _, src := range sortedSources(sources) {
		c := per[src]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", src, c.docs, c.generated, c.compiled, c.vetted)
	}
	fmt.Fprintf(&b, "| **all** | %d | %d | %d | %d |\n\n", total.docs, total.generated, total.compiled, total.vetted)
	fmt.Fprintf(&b, "Timing of this run: %s.\n\n", timing)
	var bad []*docResult
	for _, r := range results {
		if r.Level != levelVetted {
			bad = append(bad, r)
		}
	}
	if len(bad) == 0 {
		b.WriteString("Every document generates, compiles and vets.\n")
	} else {
		b.WriteString("| document | operations | result | first error |\n|---|---|---|---|\n")
		for _, r := range bad {
			e := strings.ReplaceAll(r.FirstError, "|", `\|`)
			if len(e) > 200 {
				e = e[:200] + "..."
			}
			fmt.Fprintf(&b, "| `%s` | %d | %s | %s |\n", r.Name, r.Operations, r.Level, strings.ReplaceAll(e, "\n", " "))
		}
	}
	b.WriteString("\n")
	out := s[:i] + b.String() + s[j:]
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sortedSources(s []string) []string {
	m := map[string]int{}
	for _, k := range s {
		m[k] = 1
	}
	return sortedKeys(m)
}
