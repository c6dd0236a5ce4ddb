package load

import (
	"strings"
	"testing"

	yamlv4 "go.yaml.in/yaml/v4"
	"gopkg.in/yaml.v3"

	"github.com/specgate/specgate/generator/ir"
)

func TestDuplicateKeys(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // diagnostics as file:line:col: code: message prefix
	}{
		{"none", "a: 1\nb: {c: 1, d: 2}\n", nil},
		{"top level", "a: 1\nb: 2\na: 3\n", []string{`f:3:1: duplicate-key: key "a" is written twice in the top-level mapping (first at 1:1)`}},
		{"nested", "paths:\n  /a: {}\n  /a: {}\n", []string{`f:3:3: duplicate-key: key "/a" is written twice in #/paths (first at 2:3)`}},
		{"in a sequence", "s:\n  - {k: 1, k: 2}\n", []string{`f:2:12: duplicate-key: key "k" is written twice in #/s/0 (first at 2:6)`}},
		{"pointer escapes", "a/b:\n  c~d: {x: 1, x: 2}\n", []string{`f:2:15: duplicate-key: key "x" is written twice in #/a~1b/c~0d (first at 2:9)`}},
		{"1 and \"1\" are one key", "r:\n  1: a\n  \"1\": b\n", []string{`f:3:3: duplicate-key: key "1" is written twice in #/r (first at 2:3)`}},
		{"three copies", "a: 1\na: 2\na: 3\n", []string{`f:2:1: duplicate-key: key "a"`, `f:3:1: duplicate-key: key "a"`}},
		{"one-line JSON, columns as written", `{"a":1,"a":2}`, []string{`f:1:8: duplicate-key: key "a" is written twice in the top-level mapping (first at 1:2)`}},
		{"JSON on a later line", "\n{\"a\":1,\n\"a\":2}", []string{`f:3:1: duplicate-key: key "a" is written twice in the top-level mapping (first at 2:2)`}},
		{"alias key", "x: &k a\nm:\n  a: 1\n  *k : 2\n", []string{`f:4:3: duplicate-key: key "a" is written twice in #/m (first at 3:3)`}},
		{"aliases are not followed", "base: &b {k: 1}\nother: *b\n", nil},
		{"not YAML: nothing (the loader reports it)", "a: [\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := duplicateKeys("f", []byte(tt.src))
			if len(ds) != len(tt.want) {
				t.Fatalf("got %d findings %v, want %d", len(ds), ds, len(tt.want))
			}
			for i, d := range ds {
				if d.Severity != ir.Error || !strings.HasPrefix(d.String(), tt.want[i]) {
					t.Errorf("finding %d = %s (%s), want prefix %s", i, d, d.Severity, tt.want[i])
				}
			}
		})
	}
}

// FuzzDuplicateKeys feeds arbitrary documents to the duplicate-key walker: it
// never panics, every finding is an error placed inside the document, and it
// finds a duplicate whenever yaml.v3 (an independent parser, which refuses
// duplicate keys when decoding) does.
func FuzzDuplicateKeys(f *testing.F) {
	for _, s := range []string{
		"a: 1\na: 2\n", `{"a":{"b":1,"b":2}}`, "- {x: 1}\n- {x: 1, x: 2}\n", "k: &a {z: 1}\nj: *a\n",
		"? [a]\n: 1\n? [a]\n: 2\n", "\n\n{\"p\":[{\"q\":1,\"q\":2}]}", "a:\n  b:\n    c: 1\n    c: 2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds := duplicateKeys("f", data)
		lines := strings.Count(string(data), "\n") + 1
		for _, d := range ds {
			if d.Severity != ir.Error || d.Code != ir.CodeDuplicateKey || d.Line < 1 || d.Col < 1 || d.Line > lines+1 {
				t.Fatalf("bad finding %+v", d)
			}
		}
		// yaml.v3 folds collection keys into one key "", so the check is for
		// documents whose keys are all scalars.
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil && strings.Contains(err.Error(), "already defined") && len(ds) == 0 && scalarKeys(Parse(data).Root) {
			t.Fatalf("yaml.v3 finds a duplicate key (%v), the walker none", err)
		}
	})
}

// scalarKeys reports whether n parsed and every mapping key in it is a scalar.
func scalarKeys(n *yamlv4.Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == yamlv4.MappingNode {
		for i := 0; i < len(n.Content); i += 2 {
			if n.Content[i].Kind != yamlv4.ScalarNode {
				return false
			}
		}
	}
	for _, c := range n.Content {
		if !scalarKeys(c) {
			return false
		}
	}
	return true
}
