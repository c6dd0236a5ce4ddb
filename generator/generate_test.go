package generator_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/specgate/specgate/generator"
)

var update = flag.Bool("update", false, "rewrite the expected files of testdata/generate and testdata/errors")

const diagnosticsFile = "diagnostics.txt"

// formatDiagnostics prints ds one a line, with file names relative to dir so the
// expected files do not depend on where the checkout is.
func formatDiagnostics(dir string, ds []generator.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		if rel, err := filepath.Rel(dir, d.File); err == nil && !strings.HasPrefix(rel, "..") {
			d.File = filepath.ToSlash(rel)
		}
		b.WriteString(d.Severity.String())
		b.WriteString(" ")
		b.WriteString(d.String())
		b.WriteString("\n")
	}
	return b.String()
}

func caseDirs(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(root, e.Name()))
		}
	}
	if len(dirs) == 0 {
		t.Fatalf("no cases in %s", root)
	}
	return dirs
}

// caseConfig reads the case's specgate.yaml, or uses openapi.yaml with defaults.
func caseConfig(t *testing.T, dir string) generator.Config {
	t.Helper()
	cfgPath := filepath.Join(dir, generator.ConfigFile)
	if _, err := os.Stat(cfgPath); err == nil {
		cfg, err := generator.LoadConfig(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	spec := filepath.Join(dir, "openapi.yaml")
	if _, err := os.Stat(spec); err != nil {
		spec = filepath.Join(dir, "openapi.json")
	}
	return generator.Config{Spec: spec, Output: dir, Package: "api"}
}

// checkGolden compares got with the file at path, or rewrites it with -update.
// An absent file stands for empty content.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if len(got) == 0 {
			os.Remove(path)
			return
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test ./generator -run %s -update):\n%s", path, t.Name(), lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first differing lines, enough to see what changed.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n- " + w + "\n+ " + g
		}
	}
	return "(same lines)"
}

// TestGolden generates every case of testdata/generate and compares the files and
// the diagnostics (warnings, notices) with the expected ones.
func TestGolden(t *testing.T) {
	for _, dir := range caseDirs(t, filepath.Join("..", "testdata", "generate")) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cfg := caseConfig(t, dir)
			res, err := generator.Generate(context.Background(), cfg)
			if err != nil {
				t.Fatalf("Generate: %v\n%s", err, formatDiagnostics(dir, res.Diagnostics))
			}
			if generator.HasErrors(res.Diagnostics) {
				t.Fatalf("error diagnostics without an error")
			}
			names := map[string]bool{}
			for _, f := range res.Files {
				names[f.Name] = true
				if !bytes.HasPrefix(f.Data, []byte(generator.Header+"\n")) {
					t.Errorf("%s does not start with the header", f.Name)
				}
				checkGolden(t, filepath.Join(dir, f.Name), f.Data)
			}
			if !names[generator.APIFile] || !names[generator.RoutesFile] {
				t.Errorf("files = %v, want %s and %s", names, generator.APIFile, generator.RoutesFile)
			}
			checkGolden(t, filepath.Join(dir, diagnosticsFile), []byte(formatDiagnostics(dir, res.Diagnostics)))
		})
	}
}

// TestNegative runs every bad document of testdata/errors and compares all of its
// diagnostics with the expected ones. Nothing may be rendered.
func TestNegative(t *testing.T) {
	for _, dir := range caseDirs(t, filepath.Join("..", "testdata", "errors")) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cfg := caseConfig(t, dir)
			res, err := generator.Generate(context.Background(), cfg)
			if err == nil {
				t.Fatal("Generate succeeded on a bad document")
			}
			if !errors.Is(err, generator.ErrFindings) && !errors.Is(err, generator.ErrLoad) {
				t.Fatalf("error %v is neither ErrFindings nor ErrLoad", err)
			}
			if res == nil || len(res.Files) != 0 {
				t.Fatal("files rendered for a bad document")
			}
			if !generator.HasErrors(res.Diagnostics) {
				t.Fatal("no error diagnostic")
			}
			checkGolden(t, filepath.Join(dir, diagnosticsFile), []byte(formatDiagnostics(dir, res.Diagnostics)))
		})
	}
}

// TestDeterministic generates the same document twice, and once more from a copy in
// another folder: the bytes must not change (no map order, no paths, no versions).
func TestDeterministic(t *testing.T) {
	src := filepath.Join("..", "testdata", "generate", "strict-embed")
	gen := func(dir string) []generator.File {
		t.Helper()
		cfg := caseConfig(t, dir)
		res, err := generator.Generate(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res.Files
	}
	copyDir := t.TempDir()
	for _, name := range []string{"openapi.yaml", generator.ConfigFile} {
		writeFile(t, filepath.Join(copyDir, name), readFile(t, filepath.Join(src, name)))
	}
	first := gen(src)
	for i, again := range [][]generator.File{gen(src), gen(copyDir)} {
		if len(again) != len(first) {
			t.Fatalf("run %d: %d files, want %d", i+2, len(again), len(first))
		}
		for j := range first {
			if first[j].Name != again[j].Name || !bytes.Equal(first[j].Data, again[j].Data) {
				t.Errorf("run %d: %s differs", i+2, first[j].Name)
			}
		}
	}
}

func TestGenerateConfigError(t *testing.T) {
	_, err := generator.Generate(context.Background(), generator.Config{Output: ".", Package: "api"})
	if !errors.Is(err, generator.ErrConfig) {
		t.Fatalf("err = %v, want ErrConfig", err)
	}
}

// TestOneLineJSONInDocumentOrder: the minified-json case is the route-adapted
// document written as one line of JSON, where every path is on line 1. Its routes
// must come in document order all the same (it decides which of two conflicting
// routes a grouped pattern tries first), so both give the same routes.gen.go.
func TestOneLineJSONInDocumentOrder(t *testing.T) {
	routes := func(name string) []byte {
		t.Helper()
		res, err := generator.Generate(context.Background(), caseConfig(t, filepath.Join("..", "testdata", "generate", name)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range res.Files {
			if f.Name == generator.RoutesFile {
				return f.Data
			}
		}
		t.Fatalf("%s: no %s", name, generator.RoutesFile)
		return nil
	}
	if json, yaml := routes("minified-json"), routes("route-adapted"); !bytes.Equal(json, yaml) {
		t.Errorf("routes.gen.go of the one-line JSON document differs from the YAML one's:\n%s", lineDiff(string(yaml), string(json)))
	}
}
