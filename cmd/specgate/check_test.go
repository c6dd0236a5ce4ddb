package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/specgate/specgate/generator"
)

// applyUnified applies a diff made by unifiedDiff to a, checking every context
// and removed line against a, and returns the result.
func applyUnified(t *testing.T, a []string, diff string) []string {
	t.Helper()
	hunk := regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)
	lines := strings.SplitAfter(diff, "\n")
	var out []string
	ai := 0
	for i := 2; i < len(lines) && lines[i] != ""; i++ {
		l := lines[i]
		if m := hunk.FindStringSubmatch(strings.TrimSuffix(l, "\n")); m != nil {
			start, _ := strconv.Atoi(m[1])
			if m[2] != "0" {
				start-- // 1-based, except for an empty range
			}
			out = append(out, a[ai:start]...)
			ai = start
			continue
		}
		switch l[0] {
		case ' ', '-':
			if ai >= len(a) || a[ai] != l[1:] {
				t.Fatalf("line %d of a is %q, diff says %q\n%s", ai+1, a[min(ai, len(a)-1)], l, diff)
			}
			if l[0] == ' ' {
				out = append(out, a[ai])
			}
			ai++
		case '+':
			out = append(out, l[1:])
		default:
			t.Fatalf("bad diff line %q", l)
		}
	}
	return append(out, a[ai:]...)
}

func TestUnifiedDiffApplies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		a := make([]string, rng.IntN(40))
		for i := range a {
			a[i] = fmt.Sprintf("line %d\n", rng.IntN(12))
		}
		b := append([]string(nil), a...)
		for range rng.IntN(5) + 1 {
			switch i := rng.IntN(len(b) + 1); rng.IntN(3) {
			case 0:
				b = append(b[:i], append([]string{fmt.Sprintf("new %d\n", rng.IntN(5))}, b[i:]...)...)
			case 1:
				if i < len(b) {
					b = append(b[:i], b[i+1:]...)
				}
			default:
				if i < len(b) {
					b[i] = "changed\n"
				}
			}
		}
		diff := unifiedDiff([]byte(strings.Join(a, "")), []byte(strings.Join(b, "")), "a/f", "b/f")
		if strings.Join(a, "") == strings.Join(b, "") {
			if diff != "" {
				t.Fatalf("case %d: equal inputs gave a diff:\n%s", n, diff)
			}
			continue
		}
		if !strings.HasPrefix(diff, "--- a/f\n+++ b/f\n@@ ") {
			t.Fatalf("case %d: header: %q", n, diff)
		}
		if got := strings.Join(applyUnified(t, a, diff), ""); got != strings.Join(b, "") {
			t.Fatalf("case %d: applying the diff gives\n%q\nwant\n%q\ndiff:\n%s", n, got, strings.Join(b, ""), diff)
		}
	}
}

func TestUnifiedDiffNoNewlineAtEnd(t *testing.T) {
	got := unifiedDiff([]byte("a\nb"), []byte("a\nb\n"), "a/f", "b/f")
	want := "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// BenchmarkUnifiedDiffLarge diffs a 200,000-line file with one changed line, the
// usual shape of drift in a large generated file.
func BenchmarkUnifiedDiffLarge(b *testing.B) {
	var sa, sb strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&sa, "\tfield%d string // %d\n", i%977, i)
		if i == 100_000 {
			fmt.Fprintf(&sb, "\tfield%d int // %d\n", i%977, i)
			continue
		}
		fmt.Fprintf(&sb, "\tfield%d string // %d\n", i%977, i)
	}
	old, changed := []byte(sa.String()), []byte(sb.String())
	for b.Loop() {
		if unifiedDiff(old, changed, "a", "b") == "" {
			b.Fatal("no diff")
		}
	}
}

// largeDoc writes a document with n paths of 4 operations each.
func largeDoc(b *testing.B, n int) string {
	var sb strings.Builder
	sb.WriteString("openapi: 3.0.3\ninfo: {title: Large, version: \"1\"}\nx-auth-required: true\npaths:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  /things%d/{id}:\n    parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n", i)
		for _, m := range []string{"get", "put", "post", "delete"} {
			fmt.Fprintf(&sb, "    %s:\n      operationId: %sThing%d\n      x-auth-roles: [admin]\n", m, m, i)
			fmt.Fprintf(&sb, "      responses: {\"200\": {description: ok, content: {application/json: {schema: {$ref: \"#/components/schemas/Thing%d\"}}}}}\n", i%50)
		}
	}
	sb.WriteString("components:\n  schemas:\n")
	for i := range 50 {
		fmt.Fprintf(&sb, "    Thing%d: {type: object, properties: {id: {type: string}, n: {type: integer}}}\n", i)
	}
	p := b.TempDir() + "/openapi.yaml"
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkCheck1000 runs specgate check on a 1,000-operation document whose
// routes.gen.go has drifted by one line; BenchmarkCheckCompare1000 measures only
// check's own share (reading the output folder, comparing, the diff).
func BenchmarkCheck1000(b *testing.B) {
	spec, out := checkFixture(b)
	for b.Loop() {
		if code := run([]string{"check", "--spec", spec, "--out", out, "--package", "api"}, nil, io.Discard, io.Discard); code != exitFindings {
			b.Fatalf("exit %d", code)
		}
	}
}

func BenchmarkCheckCompare1000(b *testing.B) {
	spec, out := checkFixture(b)
	res, err := generator.Generate(context.Background(), generator.Config{Spec: spec, Output: out, Package: "api"})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if d, err := compareOutput(io.Discard, out, res.Files); err != nil || len(d) != 1 {
			b.Fatalf("%v %v", d, err)
		}
	}
}

func checkFixture(b *testing.B) (spec, out string) {
	spec = largeDoc(b, 250)
	out = b.TempDir()
	if code := run([]string{"generate", "--spec", spec, "--out", out, "--package", "api"}, nil, io.Discard, os.Stderr); code != 0 {
		b.Fatalf("generate: exit %d", code)
	}
	routes := filepath.Join(out, generator.RoutesFile)
	data, err := os.ReadFile(routes)
	if err != nil {
		b.Fatal(err)
	}
	data = bytes.Replace(data, []byte(`"getThing100", Auth: auth.Required`), []byte(`"getThing100", Auth: auth.Public`), 1)
	if err := os.WriteFile(routes, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return spec, out
}
