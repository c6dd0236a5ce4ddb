package main

import (
	"errors"

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
file:line:col: code: message, and every problem of its OpenAPI security
(undeclared or unsupported schemes, scopes, duplicate keys: errors).

Where an annotation applies to an operation it decides the route, in the short
form; lint warns (code security-mismatch) for every disagreement with the
operation's effective OpenAPI security, per alternative: security: [] or {}
where the annotation requires a session (or the other way round), and on a
required route each alternative whose scopes are not one of the x-auth-roles
(roles [a, b] are the alternatives [a] and [b]), and each role no alternative
asks alone. An annotation that would admit anonymous callers the security
refuses (public or optional over a list without {}) is an error
(security-weakened), in generate too. Operations that declare no security at
any level are not compared.

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
				diags = generator.SortDiagnostics(append(diags, generator.SecurityMismatches(table)...))
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
