package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/specgate/specgate/generator"
)

// docFlags are -c/--config and --spec, for the commands that only read the
// document (lint, routes, diff): they need no output folder or package.
type docFlags struct {
	config, spec string
}

func (f *docFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.config, "config", "c", "", "config file (default: ./"+generator.ConfigFile+" when present)")
	cmd.Flags().StringVar(&f.spec, "spec", "", "OpenAPI document (overrides spec in the config)")
}

// resolve merges the config with --spec through configFlags.resolve. Output and
// package do not matter here; fixed values keep resolve from failing when no
// package name can be derived from the current folder.
func (f *docFlags) resolve() (generator.Config, error) {
	full := configFlags{config: f.config, spec: f.spec, out: ".", pkg: "api"}
	return full.resolve()
}

// loadTable loads the document named by cfg and builds its route table. A
// document that does not load is a *generator.LoadError (exit 2); its diagnostic
// is returned too, so the caller can print it in its format.
func loadTable(ctx context.Context, cfg generator.Config, file string) (*generator.Table, []generator.Diagnostic, error) {
	doc, err := generator.Load(ctx, file, generator.LoadOptions{AllowRemoteRefs: cfg.AllowRemoteRefs})
	if err != nil {
		var le *generator.LoadError
		if errors.As(err, &le) {
			return nil, le.Diagnostics(), err
		}
		return nil, nil, err
	}
	table, diags := generator.Build(doc, generator.BuildOptions{Missing: cfg.Missing, BaseURL: cfg.BaseURL})
	return table, generator.SortDiagnostics(append(diags, doc.Diagnostics...)), nil
}

// formatFlag is a --format flag limited to a fixed set of values, with shell
// completion for them.
func formatFlag(cmd *cobra.Command, dst *string, values ...string) {
	*dst = values[0]
	cmd.Flags().StringVar(dst, "format", values[0], "output format: "+strings.Join(values, ", "))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if !slices.Contains(values, *dst) {
			return usageErr(fmt.Errorf("--format must be one of %s, got %q", strings.Join(values, ", "), *dst))
		}
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

// writeDiagnostics prints ds in one of the lint formats. Notices are left out of
// text and github output unless verbose; JSON always has them all.
func writeDiagnostics(w io.Writer, format string, ds []generator.Diagnostic, verbose bool) error {
	if format == "json" {
		if ds == nil {
			ds = []generator.Diagnostic{}
		}
		return writeJSON(w, struct {
			Diagnostics []generator.Diagnostic `json:"diagnostics"`
		}{ds})
	}
	var b strings.Builder
	for _, d := range ds {
		if d.Severity == generator.Notice && !verbose {
			continue
		}
		if format == "github" {
			b.WriteString(githubAnnotation(d))
		} else {
			b.WriteString(d.String())
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// githubAnnotation formats d as a GitHub Actions workflow command, which the
// runner turns into an annotation on the file and line.
func githubAnnotation(d generator.Diagnostic) string {
	level := "error"
	switch d.Severity {
	case generator.Warning:
		level = "warning"
	case generator.Notice:
		level = "notice"
	}
	var props []string
	if d.File != "" {
		props = append(props, "file="+escapeProperty(d.File))
	}
	if d.Line > 0 {
		props = append(props, "line="+strconv.Itoa(d.Line))
	}
	if d.Col > 0 {
		props = append(props, "col="+strconv.Itoa(d.Col))
	}
	props = append(props, "title="+escapeProperty("specgate "+d.Code))
	return "::" + level + " " + strings.Join(props, ",") + "::" + escapeData(d.Message)
}

// escapeData and escapeProperty follow the escaping of @actions/core, so a
// message cannot end the command early or inject another one.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// mdEscape makes s safe inside a Markdown table cell.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
