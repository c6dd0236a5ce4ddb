// Package docs_test checks the documents in docs/ against the code they describe.
package docs_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// catalogueRow is one case of the security case table.
type catalogueRow struct {
	line, n int
	covered []coverage
}

// coverage is one "covered by" entry: a test file (slash path from the repository
// root), a test function in it, and the testdata folders that function runs, if the
// entry lists them.
type coverage struct {
	col        int
	file, test string
	testdata   []string
}

var (
	entryRE = regexp.MustCompile("^`([^`]+)` ((?:Test|Fuzz)[A-Za-z0-9_]*)(.*)$")
	caseRE  = regexp.MustCompile(`^case ([0-9]+)( |$)`)
)

// parseCatalogue reads the rows of the table in a security case catalogue: lines
// "| N | what | `file` TestName[: testdata/dir, sibling, ...][ (note)]; ... |".
// Header and separator rows do not start with a number and are skipped.
func parseCatalogue(name string, src []byte) ([]catalogueRow, error) {
	var rows []catalogueRow
	for i, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, "| ") || len(line) < 3 || line[2] < '0' || line[2] > '9' {
			continue
		}
		pos := func(col int) string { return fmt.Sprintf("%s:%d:%d", name, i+1, col) }
		fields := strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "| "), " |"), " | ")
		if len(fields) != 3 || !strings.HasSuffix(line, " |") {
			return nil, fmt.Errorf("%s: want 3 columns: | N | case | covered by |", pos(1))
		}
		n, err := strconv.Atoi(fields[0])
		if err != nil {
			return nil, fmt.Errorf("%s: case number %q: %v", pos(3), fields[0], err)
		}
		row := catalogueRow{line: i + 1, n: n}
		col := strings.LastIndex(line, " | ") + 4
		for _, e := range strings.Split(fields[2], "; ") {
			m := entryRE.FindStringSubmatch(e)
			if m == nil {
				return nil, fmt.Errorf("%s: case %d: entry %q is not \"`file` TestName\"", pos(col), n, e)
			}
			c := coverage{col: col, file: m[1], test: m[2]}
			switch rest := m[3]; {
			case rest == "", strings.HasPrefix(rest, " (") && strings.HasSuffix(rest, ")"):
			case strings.HasPrefix(rest, ": "):
				// "testdata/errors/a, b, c": b and c are a's siblings.
				items := strings.Split(strings.TrimPrefix(rest, ": "), ", ")
				dir := path.Dir(items[0])
				if dir == "." {
					return nil, fmt.Errorf("%s: case %d: testdata list %q does not start with a folder", pos(col), n, rest)
				}
				c.testdata = append(c.testdata, items[0])
				for _, it := range items[1:] {
					c.testdata = append(c.testdata, path.Join(dir, it))
				}
			default:
				return nil, fmt.Errorf("%s: case %d: after %s: want nothing, \": testdata/...\" or \" (note)\", got %q", pos(col), n, c.test, rest)
			}
			row.covered = append(row.covered, c)
			col += len(e) + 2
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// checkCatalogue checks the rows against the repository at root: cases numbered 1, 2,
// ... in order; every named file has the named top-level function; every case has an
// entry that covers it (a test named ...CaseN, a test with a "case N ..." subtest
// name in its body, or a test whose listed testdata all exist); and every "case N"
// subtest name in the named folders' test files is a case of the catalogue.
func checkCatalogue(root, name string, rows []catalogueRow) []error {
	var errs []error
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	parse := func(file string) (*ast.File, error) {
		if f, ok := files[file]; ok {
			return f, nil
		}
		f, err := parser.ParseFile(fset, filepath.Join(root, filepath.FromSlash(file)), nil, 0)
		if err != nil {
			return nil, err
		}
		files[file] = f
		return f, nil
	}
	known := map[int]bool{}
	dirs := map[string]bool{}
	for i, r := range rows {
		known[r.n] = true
		if r.n != i+1 {
			errs = append(errs, fmt.Errorf("%s:%d:3: case %d where case %d belongs", name, r.line, r.n, i+1))
		}
		covers := false
		for _, c := range r.covered {
			at := fmt.Sprintf("%s:%d:%d: case %d", name, r.line, c.col, r.n)
			f, err := parse(c.file)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", at, err))
				continue
			}
			dirs[path.Dir(c.file)] = true
			fd := topFunc(f, c.test)
			if fd == nil {
				errs = append(errs, fmt.Errorf("%s: %s has no function %s", at, c.file, c.test))
				continue
			}
			missing := false
			for _, d := range c.testdata {
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(d))); err != nil {
					errs = append(errs, fmt.Errorf("%s: %s runs %s, which does not exist", at, c.test, d))
					missing = true
				}
			}
			switch {
			case strings.HasSuffix(c.test, "Case"+strconv.Itoa(r.n)):
				covers = true
			case len(c.testdata) > 0 && !missing:
				covers = true
			case slices.Contains(caseNumbers(fd), r.n):
				covers = true
			}
		}
		if !covers {
			errs = append(errs, fmt.Errorf("%s:%d:3: case %d: no entry is a test named ...Case%d, has a subtest \"case %d ...\" or lists its testdata", name, r.line, r.n, r.n, r.n))
		}
	}
	// The other way round: no subtest claims a case the catalogue does not have.
	var ds []string
	for d := range dirs {
		ds = append(ds, d)
	}
	sort.Strings(ds)
	for _, d := range ds {
		paths, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(d), "*_test.go"))
		for _, p := range paths {
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok {
					if c, ok := caseNumber(lit); ok && !known[c] {
						errs = append(errs, fmt.Errorf("%s: subtest \"case %d ...\" is not in %s", fset.Position(lit.Pos()), c, name))
					}
				}
				return true
			})
		}
	}
	return errs
}

// topFunc returns the function (not method) name declared in f, or nil.
func topFunc(f *ast.File, name string) *ast.FuncDecl {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
			return fd
		}
	}
	return nil
}

// caseNumbers lists the N of every "case N ..." string in fd: the subtest names of
// its t.Run calls and tables.
func caseNumbers(fd *ast.FuncDecl) []int {
	var out []int
	ast.Inspect(fd, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok {
			if c, ok := caseNumber(lit); ok {
				out = append(out, c)
			}
		}
		return true
	})
	return out
}

func caseNumber(lit *ast.BasicLit) (int, bool) {
	if lit.Kind != token.STRING {
		return 0, false
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return 0, false
	}
	m := caseRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// TestSecurityCasesCatalogue: every case of docs/security-cases.md names tests that
// exist and cover it, so `-run '/case_N'` and the named tests run what the
// catalogue promises.
func TestSecurityCasesCatalogue(t *testing.T) {
	src, err := os.ReadFile("security-cases.md")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parseCatalogue("docs/security-cases.md", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 55 {
		t.Fatalf("%d cases in docs/security-cases.md, want at least 55", len(rows))
	}
	for _, err := range checkCatalogue("..", "docs/security-cases.md", rows) {
		t.Error(err)
	}
}

// TestCatalogueCheckCatches feeds the checker catalogues that are wrong in one way
// each, against a small repository of its own.
func TestCatalogueCheckCatches(t *testing.T) {
	const good = `package x

import "testing"

func TestCovered(t *testing.T) { t.Run("case 1 covered", func(t *testing.T) {}) }

func TestOther(t *testing.T) {}

func TestThingCase2(t *testing.T) {}
`
	goodRows := "| 1 | one | `pkg/x_test.go` TestCovered |\n| 2 | two | `pkg/x_test.go` TestThingCase2 (note) |\n"
	cases := []struct {
		name, src, catalogue, want string
	}{
		{"good", good, goodRows, ""},
		{"good testdata", good, goodRows + "| 3 | three | `pkg/x_test.go` TestOther: testdata/errors/a, b |\n", ""},
		{"test that does not exist", good, "| 1 | one | `pkg/x_test.go` TestCovered; `pkg/x_test.go` TestMissing |\n| 2 | two | `pkg/x_test.go` TestThingCase2 |\n",
			"cat.md:4:42: case 1: pkg/x_test.go has no function TestMissing"},
		{"file that does not exist", good, "| 1 | one | `pkg/gone_test.go` TestCovered |\n| 2 | two | `pkg/x_test.go` TestThingCase2 |\n", "gone_test.go"},
		{"test that does not cover the case", good, "| 1 | one | `pkg/x_test.go` TestOther |\n| 2 | two | `pkg/x_test.go` TestThingCase2 |\n",
			"cat.md:4:3: case 1: no entry"},
		{"subtest of another case", good, "| 1 | one | `pkg/x_test.go` TestThingCase2 |\n| 2 | two | `pkg/x_test.go` TestCovered |\n", "case 1: no entry"},
		{"gap in the numbers", good, goodRows + "| 4 | four | `pkg/x_test.go` TestCovered |\n", "case 4 where case 3 belongs"},
		{"testdata missing", good, goodRows + "| 3 | three | `pkg/x_test.go` TestOther: testdata/errors/a, nope |\n", "testdata/errors/nope, which does not exist"},
		{"subtest not catalogued", strings.Replace(good, "func TestOther(t *testing.T) {}", `func TestOther(t *testing.T) { t.Run("case 7 stray", nil) }`, 1), goodRows,
			`x_test.go:7:38: subtest "case 7 ..." is not in cat.md`},
		{"entry without backquotes", good, "| 1 | one | pkg/x_test.go TestCovered |\n", "cat.md:4:13: case 1: entry"},
		{"trailing words", good, "| 1 | one | `pkg/x_test.go` TestCovered and more |\n", "want nothing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for _, d := range []string{"pkg", "testdata/errors/a", "testdata/errors/b"} {
				if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(root, "pkg", "x_test.go"), []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			var got []string
			rows, err := parseCatalogue("cat.md", []byte("# cat\n| # | case | covered by |\n|---|---|---|\n"+tc.catalogue))
			if err != nil {
				got = append(got, err.Error())
			} else {
				for _, err := range checkCatalogue(root, "cat.md", rows) {
					got = append(got, err.Error())
				}
			}
			if tc.want == "" {
				if len(got) != 0 || len(rows) == 0 {
					t.Fatalf("a good catalogue (%d rows) fails: %q", len(rows), got)
				}
				return
			}
			if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, tc.want) }) {
				t.Fatalf("errors %q, want one containing %q", got, tc.want)
			}
		})
	}
}
