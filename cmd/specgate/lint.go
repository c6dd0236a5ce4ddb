package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/specgate/specgate/generator"
)

func init() { register(newLintCmd) }

func newLintCmd(a *app) *cobra.Command {
	var (
		flags   docFlags
		format  string
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "lint",
		Short: "Report every annotation problem and where x-auth-required and security disagree",
		Long: `lint loads the OpenAPI document and reports every problem with its
x-auth-required and x-auth-roles annotations, all of them in one run, as
file:line:col: code: message. It also warns (code security-mismatch) where an
operation's x-auth-required disagrees with the OpenAPI security it declares:
security: [] (public), a list containing {} (optional), or any other list
(required). Operations that declare no security at any level are not compared.

--format json prints {"diagnostics": [...]}; --format github prints GitHub
Actions annotations (::error file=...,line=...,col=...::message).

Exit 0 when there are no errors (warnings alone pass), 1 on errors, 2 on usage,
I/O or load errors.`,
		Example: `  specgate lint
  specgate lint --spec api/openapi.yaml --format github
  specgate lint -c build/specgate.yaml --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.resolve()
			if err != nil {
				return err
			}
			table, diags, err := loadTable(cmd.Context(), cfg, cfg.Spec)
			if err == nil {
				diags = generator.SortDiagnostics(append(diags, securityMismatches(table)...))
			}
			if werr := writeDiagnostics(a.stdout, format, diags, verbose); werr != nil {
				return usageErr(werr)
			}
			switch {
			case errors.Is(err, generator.ErrLoad) && diags != nil:
				return usageErr(nil) // printed above, in the chosen format
			case err != nil:
				return usageErr(err)
			case generator.HasErrors(diags):
				return findingsErr(nil)
			}
			return nil
		},
	}
	flags.add(cmd)
	formatFlag(cmd, &format, "text", "json", "github")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also print notices (text and github formats)")
	return cmd
}

// securityMismatches warns where a route's annotation and its declared OpenAPI
// security imply different modes. Routes whose mode came from security or from
// the auth.missing policy have nothing to disagree with.
func securityMismatches(t *generator.Table) []generator.Diagnostic {
	var ds []generator.Diagnostic
	for _, r := range t.Routes {
		switch r.AuthFrom {
		case generator.FromRoot, generator.FromPath, generator.FromOperation:
		default:
			continue
		}
		if !r.SecurityDeclared || r.Security == r.Auth {
			continue
		}
		pos := r.AuthPos
		if pos.File == "" {
			pos = r.Pos
		}
		ds = append(ds, generator.Diagnostic{
			File: pos.File, Line: pos.Line, Col: pos.Col,
			Severity: generator.Warning,
			Code:     generator.CodeSecurityMismatch,
			Message: fmt.Sprintf("%s %s (%s) is %s by %s (%s level) but its OpenAPI security %s",
				r.Method, r.Path, r.OperationID, r.Auth, generator.ExtAuthRequired, r.AuthFrom, securityWords(r.Security)),
		})
	}
	return ds
}

func securityWords(m generator.Mode) string {
	switch m {
	case generator.Public:
		return "is empty (public)"
	case generator.Optional:
		return "contains {} (optional)"
	}
	return "requires a scheme (required)"
}
