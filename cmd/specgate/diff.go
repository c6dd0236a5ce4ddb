package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/generator/authdiff"
)

func init() { register(newDiffCmd) }

func newDiffCmd(a *app) *cobra.Command {
	var (
		flags       docFlags
		format      string
		allowWeaken bool
	)
	cmd := &cobra.Command{
		Use:   "diff BASE [HEAD]",
		Short: "Compare the route-auth tables of two versions of the document",
		Long: `diff compares the route-auth tables of two versions of an OpenAPI document
and lists the routes added, removed and changed (matched by method and path
pattern; path parameter names do not matter).

BASE and HEAD are each a file, or REV:path for the document as committed at a
git revision (read with git show, run in the current folder). As in git, the
path after the colon is relative to the repository root unless it starts with
./ or ../; :path (no revision) is the staged version. $refs to other files
are followed at the same revision, as long as they stay inside the repository;
remote $refs follow allow-remote-refs. REV: with no path means the configured
spec at that revision. Without HEAD, the configured spec (or --spec) on disk is
HEAD.

A change that weakens protection is a finding: required → optional or public,
optional → public, a required route's roles removed or widened (a role added to
the any-of list), a new public or optional route, and for OpenAPI security
requirements a scope removed, an alternative added, a scheme dropped from a
combined requirement (any alternative that admits a caller no base alternative
admitted). Every route is named by method, pattern and operationId. Exit 1 on any weakening
unless --allow-weaken, 1 also when HEAD has annotation errors, 2 on usage, I/O,
git or load errors, 0 otherwise.`,
		Example: `  specgate diff origin/main:openapi.yaml openapi.yaml
  specgate diff HEAD~1:api/openapi.yaml HEAD:api/openapi.yaml --format markdown
  specgate diff origin/main: --allow-weaken --format json`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 && flags.spec != "" {
				return usageErr(errors.New("diff: give HEAD as an argument or with --spec, not both"))
			}
			full := configFlags{config: flags.config, spec: flags.spec, out: ".", pkg: "api"}
			cfg, err := full.resolve()
			if err != nil && len(args) == 2 && cfg.Spec == "" {
				// Both versions are named: no configured spec is needed, but the
				// rest of the config still is validated.
				full.spec = args[1]
				cfg, err = full.resolve()
				cfg.Spec = ""
			}
			if err != nil {
				return err
			}
			headArg := cfg.Spec
			if len(args) == 2 {
				headArg = args[1]
			}
			base, err := loadSide(cmd, a, cfg, args[0], "BASE")
			if err != nil {
				return err
			}
			head, err := loadSide(cmd, a, cfg, headArg, "HEAD")
			if err != nil {
				return err
			}
			d := authdiff.Compare(base, head)
			if err := writeAuthDiff(a.stdout, format, d, allowWeaken); err != nil {
				return usageErr(err)
			}
			if n := len(d.Weakenings()); n > 0 && !allowWeaken {
				return findingsErr(fmt.Errorf("%d route change(s) weaken protection (pass --allow-weaken to accept)", n))
			}
			return nil
		},
	}
	flags.add(cmd)
	formatFlag(cmd, &format, "text", "json", "markdown")
	cmd.Flags().BoolVar(&allowWeaken, "allow-weaken", false, "list weakenings but exit 0")
	return cmd
}

// loadSide loads one version named by arg and builds its table. Error findings in
// HEAD fail the run; in BASE they only print, since its invalid routes count as
// required (fail closed), which at worst reports a weakening that is real.
func loadSide(cmd *cobra.Command, a *app, cfg generator.Config, arg, side string) (*generator.Table, error) {
	file, display := arg, arg
	if rev, p, ok := gitSource(arg); ok {
		if p == "" { // REV: means the configured spec at REV
			if cfg.Spec == "" || filepath.IsAbs(cfg.Spec) {
				return nil, usageErr(fmt.Errorf("%s %s: no relative spec path in the config or --spec; write REV:path", side, arg))
			}
			p = "./" + filepath.ToSlash(filepath.Clean(cfg.Spec))
		}
		snap, err := snapshot(cmd.Context(), rev, p)
		if err != nil {
			return nil, usageErr(fmt.Errorf("%s: %w", side, err))
		}
		defer os.RemoveAll(snap.dir)
		file, display = snap.root, rev+":"+p
		t, ds, err := loadTable(cmd.Context(), cfg, file)
		snap.rename(t, ds)
		return sideResult(a, side, display, t, ds, err)
	}
	t, ds, err := loadTable(cmd.Context(), cfg, file)
	return sideResult(a, side, display, t, ds, err)
}

func sideResult(a *app, side, display string, t *generator.Table, ds []generator.Diagnostic, err error) (*generator.Table, error) {
	for _, d := range ds {
		if d.Severity == generator.Error {
			fmt.Fprintln(a.stderr, d.String())
		}
	}
	switch {
	case errors.Is(err, generator.ErrLoad) && ds != nil:
		return nil, usageErr(fmt.Errorf("%s %s: cannot load the document", side, display))
	case err != nil:
		return nil, usageErr(fmt.Errorf("%s %s: %w", side, display, err))
	case generator.HasErrors(ds) && side == "HEAD":
		return nil, findingsErr(fmt.Errorf("HEAD %s has annotation errors (see specgate lint)", display))
	case generator.HasErrors(ds):
		fmt.Fprintf(a.stderr, "specgate: BASE %s has annotation errors; its invalid routes count as required\n", display)
	}
	return t, nil
}

// gitSource splits REV:path. An existing file is never a revision, so a path
// with a colon in it still works.
func gitSource(arg string) (rev, path string, ok bool) {
	if _, err := os.Stat(arg); err == nil {
		return "", "", false
	}
	rev, path, ok = strings.Cut(arg, ":")
	return rev, path, ok
}

// jsonChange is the JSON shape of one authdiff.Change.
type jsonChange struct {
	Method      string     `json:"method"`
	Pattern     string     `json:"pattern"`
	OperationID string     `json:"operationId"`
	Base        *jsonRoute `json:"base"`
	Head        *jsonRoute `json:"head"`
	Weakening   bool       `json:"weakening"`
	Reasons     []string   `json:"reasons"`
}

func toJSONChanges(cs []authdiff.Change) []jsonChange {
	out := make([]jsonChange, 0, len(cs))
	for _, c := range cs {
		out = append(out, jsonChange{c.Method, c.Pattern, c.OperationID, toJSONRoute(c.Base), toJSONRoute(c.Head), c.Weakening, c.Reasons})
	}
	return out
}

func writeAuthDiff(w io.Writer, format string, d authdiff.Diff, allowWeaken bool) error {
	switch format {
	case "json":
		return writeJSON(w, struct {
			Added       []jsonChange `json:"added"`
			Removed     []jsonChange `json:"removed"`
			Changed     []jsonChange `json:"changed"`
			Weakenings  int          `json:"weakenings"`
			AllowWeaken bool         `json:"allowWeaken"`
		}{toJSONChanges(d.Added), toJSONChanges(d.Removed), toJSONChanges(d.Changed), len(d.Weakenings()), allowWeaken})
	case "markdown":
		var b strings.Builder
		b.WriteString("### Route-auth changes\n\n")
		if d.Empty() {
			b.WriteString("No route-auth changes.\n")
		} else {
			b.WriteString("| Change | Method | Path | Operation | Base | Head | Notes |\n|---|---|---|---|---|---|---|\n")
			for _, c := range d.All() {
				note := mdEscape(strings.Join(c.Reasons, "; "))
				if c.Weakening {
					note = "**weakens protection**: " + note
				}
				fmt.Fprintf(&b, "| %s | %s | `%s` | `%s` | %s | %s | %s |\n", c.Kind, c.Method, mdEscape(c.Pattern), mdEscape(c.OperationID), mdEscape(modeText(c.Base)), mdEscape(modeText(c.Head)), note)
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	if d.Empty() {
		_, err := io.WriteString(w, "no route-auth changes\n")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range d.All() {
		mark := ""
		if c.Weakening {
			mark = "WEAKENS: "
		}
		fmt.Fprintf(tw, "%s\t%s %s (%s)\t%s%s\n", c.Kind, c.Method, c.Pattern, c.OperationID, mark, strings.Join(c.Reasons, "; "))
	}
	return tw.Flush()
}

// modeText is a route's mode and roles for a table cell, "-" when absent.
func modeText(r *generator.Route) string {
	switch {
	case r == nil:
		return "-"
	case r.UsesSecurity() && r.Auth != generator.Public:
		return r.Auth.String() + " (" + generator.RequirementsString(r.Requirements) + ")"
	case len(r.Roles) > 0:
		return r.Auth.String() + " (" + strings.Join(r.Roles, ", ") + ")"
	}
	return r.Auth.String()
}
