package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/specgate/specgate/generator"
)

func init() { register(newCheckCmd) }

func newCheckCmd(a *app) *cobra.Command {
	var (
		flags   configFlags
		verbose bool
		format  string
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Fail when the generated files on disk differ from what generate would write",
		Long: `check regenerates everything in memory, exactly as generate would, and
compares it with the output folder without writing anything. It reports
changed files as a unified diff on stdout (apply it with git apply, or run
specgate generate), and lists changed, missing and stale files (files specgate
generated that it would now remove) on stderr.

--format github also prints each drifted file and each diagnostic as a GitHub
Actions ::error (or ::warning) workflow command on stdout, so the run annotates
the files.

Exit 0 when the output folder is up to date, 1 on drift or annotation errors,
2 on usage, I/O or load errors.`,
		Example: `  specgate check
  specgate check -c api/specgate.yaml
  specgate check --format github
  specgate check --spec openapi.yaml --out internal/api --package api`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			report := func(ds []generator.Diagnostic) { printDiagnostics(a, ds, verbose) }
			if format == "github" {
				report = func(ds []generator.Diagnostic) { _ = writeDiagnostics(a.stdout, "github", ds, verbose) }
			}
			cfg, res, err := generateInMemory(cmd, &flags, report)
			if err != nil {
				return err
			}
			drift, err := compareOutput(a.stdout, cfg.Output, res.Files)
			if err != nil {
				return usageErr(err)
			}
			for _, d := range drift {
				if format == "github" {
					// An annotation on the file, as a workflow command on stdout.
					fmt.Fprintf(a.stdout, "::error file=%s,title=%s::%s\n", escapeProperty(filepath.ToSlash(d.path)),
						escapeProperty("specgate check"), escapeData(d.path+" is "+d.what+": run specgate generate"))
				}
				fmt.Fprintf(a.stderr, "%s: %s\n", d.path, d.what)
			}
			if len(drift) > 0 {
				return findingsErr(fmt.Errorf("%d generated file(s) out of date: run specgate generate", len(drift)))
			}
			return nil
		},
	}
	flags.add(cmd)
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also print notices")
	formatFlag(cmd, &format, "text", "github")
	return cmd
}

// drift is one output file that is not what generate would write.
type drift struct {
	path, what string // what: "changed", "missing" or "stale ..."
}

// compareOutput compares the rendered files with dir, writing a unified diff of
// each changed file to w, and lists every difference.
func compareOutput(w io.Writer, dir string, files []generator.File) ([]drift, error) {
	var out []drift
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		disk, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, drift{path, "missing"})
			continue
		case err != nil:
			return nil, fmt.Errorf("check: %w", err)
		}
		if bytes.Equal(disk, f.Data) {
			continue
		}
		out = append(out, drift{path, "changed"})
		name := filepath.ToSlash(path)
		if _, err := io.WriteString(w, unifiedDiff(disk, f.Data, "a/"+name, "b/"+name)); err != nil {
			return nil, err
		}
	}
	stale, err := generator.StaleFiles(dir, files)
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	for _, s := range stale {
		out = append(out, drift{s, "stale (specgate generated it; generate would remove it)"})
	}
	return out, nil
}

// diffContext is the number of unchanged lines around each hunk.
const diffContext = 3

// unifiedDiff returns the unified diff from a to b. The common head and tail are
// cut off before difflib's matcher runs: generated files are large and drift is
// usually local, and the matcher is quadratic in the worst case.
func unifiedDiff(a, b []byte, fromName, toName string) string {
	al, bl := splitLines(a), splitLines(b)
	pre := 0
	for pre < len(al) && pre < len(bl) && al[pre] == bl[pre] {
		pre++
	}
	suf := 0
	for suf < len(al)-pre && suf < len(bl)-pre && al[len(al)-1-suf] == bl[len(bl)-1-suf] {
		suf++
	}
	// Keep the context lines next to the change in the matched window.
	lo := max(pre-diffContext, 0)
	aHi, bHi := len(al)-max(suf-diffContext, 0), len(bl)-max(suf-diffContext, 0)
	m := difflib.NewMatcher(al[lo:aHi], bl[lo:bHi])
	groups := m.GetGroupedOpCodes(diffContext)
	if len(groups) == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", fromName, toName)
	for _, g := range groups {
		first, last := g[0], g[len(g)-1]
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(lo+first.I1, lo+last.I2), hunkRange(lo+first.J1, lo+last.J2))
		for _, op := range g {
			if op.Tag == 'e' {
				writeLines(&sb, ' ', al[lo+op.I1:lo+op.I2])
				continue
			}
			if op.Tag == 'r' || op.Tag == 'd' {
				writeLines(&sb, '-', al[lo+op.I1:lo+op.I2])
			}
			if op.Tag == 'r' || op.Tag == 'i' {
				writeLines(&sb, '+', bl[lo+op.J1:lo+op.J2])
			}
		}
	}
	return sb.String()
}

// splitLines splits after each newline; a last line without one is kept as is
// and marked the way diff(1) marks it.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		return lines[:len(lines)-1]
	}
	lines[len(lines)-1] += "\n\\ No newline at end of file\n"
	return lines
}

func writeLines(sb *strings.Builder, prefix byte, lines []string) {
	for _, l := range lines {
		sb.WriteByte(prefix)
		sb.WriteString(l)
	}
}

// hunkRange formats the half-open line range [start, stop) as unified diff does:
// 1-based start, with the length left out when it is 1.
func hunkRange(start, stop int) string {
	n := stop - start
	switch {
	case n == 1:
		return fmt.Sprint(start + 1)
	case n == 0:
		return fmt.Sprintf("%d,0", start) // an empty range names the line before it
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
